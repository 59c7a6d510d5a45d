"""The result page of « Mon modèle socio-économique », read as a finance officer and a board member would."""

import csv
import html
import io
import re

import pytest

from diagnostic.computation import ACTIVATION_FIELDS
from diagnostic.models import Snapshot
from resources.models import Fiche
from tests.factories import make_component, make_fiche, make_lever, make_organisation, make_parcours, make_rule

pytestmark = pytest.mark.django_db

LEVELS = list(ACTIVATION_FIELDS)


def _answers(*levels):
    """The 11 answers in the référentiel's order (rh ×5, fin ×3, alliances ×3); None leaves one unanswered."""
    return {name: "" if level is None else str(level) for name, level in zip(LEVELS, levels, strict=True)}


# An association whose public share goes 55 % → 45 % → 35 % while its own revenue grows.
# 2023: 55 000 + 15 000 + 30 000 = 100 000 € → 55 / 15 / 30 %; HHI 55² + 15² + 30² = 4 150.
# 2024: 45 000 + 17 000 + 38 000 = 100 000 € → 45 / 17 / 38 %.
# 2025: 35 000 + 22 000 + 43 000 = 100 000 € → 35 / 22 / 43 %; HHI 1 225 + 484 + 1 849 = 3 558.
# Contributions each year: 1 200 h × 12 € + 10 days × 400 € + 6 000 € of premises = 24 400 € (24,4 %).
# Answers 2025: rh 2,3,1,1,1 → 8/15 = 53,3 %; fin 2,2,2 → 66,7 %; alliances 2,1,1 → 4/9 = 44,4 %;
#   sum 164,4 → point rh 32,4 %, fin 40,5 %, alliances 27 % (printed 32,4 / 40,6 / 27: they add up to 100);
#   intensity 54,8 %.
YEARS = {
    2023: ({"subsidies_local": "55 000", "gifts_foundations": "15 000", "revenue_sales": "30 000"},
           _answers(2, 3, 0, 0, 0, 3, 1, 2, 1, 0, 0)),
    2024: ({"subsidies_local": "45 000", "gifts_foundations": "17 000", "revenue_sales": "38 000"},
           _answers(2, 3, 1, 0, 0, 3, 1, 2, 1, 1, 0)),
    2025: ({"subsidies_local": "35 000", "gifts_foundations": "22 000", "revenue_sales": "43 000"},
           _answers(2, 3, 1, 1, 1, 2, 2, 2, 2, 1, 1)),
}
COMMON = {"volunteer_hours": "1 200", "skills_days": "10", "in_kind_premises": "6 000", "salaried_fte": "2,5"}
TARGET = {"subsidies_local": "30 000", "gifts_foundations": "25 000", "revenue_sales": "45 000",
          **_answers(*[2] * 11)}


def _text(response):
    """The page as a reader sees it: entities decoded, French thin and no-break spaces as plain spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", html.unescape(response.content.decode()))


def _plain(fragment):
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def _add(client, organisation, year, data, query=""):
    response = client.post(f"/mon-modele/{organisation.pk}/annees/ajouter/{query}", {"year": year, **data})
    assert response.status_code == 302, _text(response)[:2000]


@pytest.fixture
def association(learner_client, learner):
    organisation = make_organisation(user=learner, name="Les Jardins du Lien")
    for year, (money, answers) in YEARS.items():
        _add(learner_client, organisation, year, {**money, **COMMON, **answers})
    _add(learner_client, organisation, 2027, TARGET, "?cible=1")
    return organisation


def _page(client, organisation):
    return _text(client.get(f"/mon-modele/{organisation.pk}/"))


def _table(text, caption):
    found = re.search(rf'<caption[^>]*>{re.escape(caption)}</caption>(.*?)</table>', text, re.S)
    assert found, caption
    rows = re.findall(r"<tr[^>]*><th scope=\"row\">(.*?)</th>(.*?)</tr>", found.group(1), re.S)
    return {heading: [_plain(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)] for heading, body in rows}


# Hybridation


def test_the_hybridation_table_shows_every_year_with_the_change_in_points(learner_client, association):
    rows = _table(_page(learner_client, association), "Hybridation des ressources, par année")
    assert list(rows) == ["2023", "2024", "2025", "Cible 2027"]
    assert rows["2023"][0] == "55 % 55 000 €"
    assert rows["2024"][0] == "45 % −10 points 45 000 €"
    assert rows["2025"][0] == "35 % −10 points 35 000 €"
    assert rows["2025"][1] == "22 % +5 points 22 000 €"
    assert rows["2025"][2] == "43 % +5 points 43 000 €"
    assert rows["Cible 2027"][0] == "30 % −5 points 30 000 €"  # compared with the latest real year
    assert [row[-1] for row in rows.values()] == ["100 000 €"] * 4


def test_the_lead_sentence_says_the_shift_that_matters(learner_client, association):
    text = _page(learner_client, association)
    assert ("De 2023 à 2025, la part des ressources publiques est passée de 55 % à 35 % (−20 points) ; "
            "celle des revenus d’activité est passée de 30 % à 43 % (+13 points) ; "
            "celle des ressources privées non marchandes est passée de 15 % à 22 % (+7 points).") in text


def test_public_procurement_counts_as_activity_revenue_and_is_shown_apart(learner_client, alices):
    _add(learner_client, alices, 2025, {"subsidies_state": "50 000", "revenue_public_procurement": "30 000",
                                        "revenue_sales": "20 000"})
    rows = _table(_page(learner_client, alices), "Hybridation des ressources, par année")
    assert rows["2025"][0] == "50 % 50 000 €"
    assert rows["2025"][2] == "50 % 50 000 € dont commande publique 30 %"  # the amount is the family's


def test_other_resources_are_in_the_budget_but_outside_the_triangle(learner_client, alices):
    _add(learner_client, alices, 2025, {"subsidies_state": "50 000", "revenue_sales": "40 000",
                                        "other_income": "10 000"})
    text = _page(learner_client, alices)
    rows = _table(text, "Hybridation des ressources, par année")
    assert rows["2025"][3] == "10 % 10 000 €" and rows["2025"][4] == "100 000 €"
    desc = re.search(r'<desc id="hybridation-desc">(.*?)</desc>', text, re.S).group(1)
    # 50 / 0 / 40 renormalised over the three families: 55,6 / 0 / 44,4.
    assert "2025 : ressources publiques 55,6 %, ressources privées non marchandes 0 %, revenus d’activité 44,4 %." in desc


def test_the_hybridation_plot_has_one_point_per_year_joined_in_order_and_the_target(learner_client, association):
    text = _page(learner_client, association)
    svg = re.search(r'<svg[^>]*aria-labelledby="hybridation-titre".*?</svg>', text, re.S).group(0)
    assert 'role="img"' in svg
    assert "<title id=\"hybridation-titre\">Hybridation des ressources de Les Jardins du Lien, année par année</title>" in svg
    assert svg.count("<circle ") == 3
    assert svg.count('class="hub-ternary__target"') == 1
    assert svg.count('class="hub-ternary__path"') == 2  # 2023 → 2024 → 2025
    assert svg.count("hub-ternary__path--target") == 1
    assert re.findall(r"data-year-label>(.*?)</text>", svg) == ["2023", "2024", "2025", "Cible 2027"]
    for tick in ("20 %", "40 %", "60 %", "80 %"):
        assert svg.count(f">{tick}</text>") == 3  # percent labels on each of the three sides


def test_points_in_a_small_region_get_a_zoomed_view_with_its_scale_in_words(learner_client, association):
    text = _page(learner_client, association)
    zoom = re.search(r'<svg[^>]*aria-labelledby="hybridation-zoom-titre".*?</svg>', text, re.S).group(0)
    assert "hub-ternary__svg--zoom" in zoom
    # Public 30–55, private 15–25, activity 30–45, with two points of air, on the 5-point grid: 25 / 10 / 25.
    assert ("Vue agrandie de la zone où se trouvent vos points : ressources publiques de 25 % à 65 %, ressources "
            "privées non marchandes de 10 % à 50 %, revenus d’activité de 25 % à 65 %. Chaque côté y couvre 40 points "
            "au lieu de 100.") in zoom
    assert 'class="hub-ternary__outline"' in text  # the region, outlined on the full triangle


def test_the_stacked_bars_draw_one_bar_per_year_with_the_shares(learner_client, association):
    text = _page(learner_client, association)
    svg = re.search(r'<svg[^>]*class="hub-stacks__svg".*?</svg>', text, re.S).group(0)
    assert re.findall(r'class="hub-stacks__label">(.*?)</text>', svg) == ["2023", "2024", "2025", "Cible 2027"]
    assert re.findall(r'hub-stacks__value--public">(\d+) %</text>', svg) == ["55", "45", "35", "30"]
    public = r'width="([\d.]+)" height="26" class="hub-stacks__segment hub-stacks__segment--public"'
    widths = [float(w) for w in re.findall(public, svg)]
    assert widths == [159.5, 130.5, 101.5, 87.0]  # 290 units × 55, 45, 35, 30 %
    assert 'fill="url(#motif-private)"' in svg  # a pattern, readable in black and white


# The trépied


def test_the_activation_table_gives_each_lever_its_share_of_the_trepied_and_the_intensity(learner_client, association):
    rows = _table(_page(learner_client, association), "Activation des leviers, par année")
    # 32,43 / 40,54 / 27,03: to a tenth with the largest remainder, 32,4 / 40,6 / 27 (they add up to 100).
    assert rows["2025"] == ["53,3 % 32,4 % du trépied", "66,7 % 40,6 % du trépied", "44,4 % 27 % du trépied",
                            "54,8 %", "11 / 11"]
    assert rows["Cible 2027"][3] == "66,7 %"


def test_the_trepied_sentence_names_the_lever_the_model_leans_on_and_the_intensity(learner_client, association):
    text = _page(learner_client, association)
    assert ("En 2025, votre modèle s’appuie d’abord sur le financement (67 % d’activation) ; le levier le moins activé "
            "est celui des alliances (44 %). Ensemble, une intensité moyenne (54,8 %).") in text


def test_a_balanced_weak_model_and_a_balanced_strong_model_read_differently(learner_client, learner):
    weak = make_organisation(user=learner, name="Faible")
    strong = make_organisation(user=learner, name="Forte")
    _add(learner_client, weak, 2025, {"subsidies_state": "1 000", **_answers(*[1] * 11)})
    _add(learner_client, strong, 2025, {"subsidies_state": "1 000", **_answers(*[3] * 11)})
    weak_text, strong_text = _page(learner_client, weak), _page(learner_client, strong)
    assert "vos trois leviers sont activés de façon équilibrée, avec une intensité faible (33,3 %)." in weak_text
    assert "vos trois leviers sont activés de façon équilibrée, avec une intensité forte (100 %)." in strong_text
    # Same point in the triangle, different intensity in the table.
    assert _table(weak_text, "Activation des leviers, par année")["2025"][3] == "33,3 %"
    assert _table(strong_text, "Activation des leviers, par année")["2025"][3] == "100 %"


def test_an_unanswered_questionnaire_invites_to_fill_it_and_draws_no_trepied(learner_client, alices):
    _add(learner_client, alices, 2025, {"subsidies_state": "1 000"})
    snapshot = Snapshot.objects.get(organisation=alices)
    text = _page(learner_client, alices)
    assert "Questionnaire 2025 à remplir." in text
    assert f'href="/mon-modele/{alices.pk}/annees/{snapshot.pk}/#questionnaire">Remplir le questionnaire 2025</a>' in text
    assert 'aria-labelledby="activation-titre"' not in text
    assert _table(text, "Activation des leviers, par année")["2025"][:3] == ["incomplet"] * 3


def test_the_answers_are_listed_with_the_descriptor_of_the_chosen_level(learner_client, association):
    from diagnostic.models import ActivationDescriptor
    from resources.models import Component

    lever = make_lever(slug="alliances")
    component = make_component(lever=lever, slug="alliances-de-moyens", label="Alliances de moyens")
    ActivationDescriptor.objects.create(component=component, level=1, text="Un local prêté de temps en temps.")
    assert Component.objects.filter(slug="alliances-de-moyens").count() == 1
    text = _page(learner_client, association)
    assert ('<th scope="row">Alliances de moyens</th><td>Ponctuel</td><td>Un local prêté de temps en temps.</td>'
            in text)


def test_a_new_year_starts_from_the_previous_answers(learner_client, association):
    page = learner_client.get(f"/mon-modele/{association.pk}/annees/ajouter/").content.decode()
    assert "Réponses reprises de 2025" in html.unescape(page).replace("\u202f", " ")
    assert re.search(r'name="level_salaried" id="id_level_salaried_3" value="2" checked', page)
    assert re.search(r'name="level_alliances_means" id="id_level_alliances_means_2" value="1" checked', page)


# Voluntary contributions


def test_voluntary_contributions_are_valued_beside_the_budget_never_inside_it(learner_client, association):
    text = _page(learner_client, association)
    rows = _table(text, "Contributions volontaires valorisées, par année")
    assert rows["2025"] == ["14 400 €", "4 000 €", "6 000 €", "0 €", "0 €", "24 400 €", "100 000 €", "24,4 %"]
    # 2,5 FTE typed each year are not valued anywhere: the budget that pays them is 100 000 €, not more.
    assert "124 400" not in text and "105 000" not in text


# Trajectory


def test_the_trajectory_says_points_of_each_family_and_of_each_lever(learner_client, association):
    text = re.sub(r"</?strong>", "", _page(learner_client, association))
    assert ("De 2023 à 2024 : part publique −10 points, privée non marchande +2 points, revenus d’activité +8 points, "
            "budget stable ; activation richesses humaines +6,7 points, financement stable, alliances +11,1 points, "
            "intensité +5,9 points.") in text
    assert "De 2025 à votre cible 2027, il reste à parcourir : part publique −5 points" in text


# Recommendations


@pytest.fixture
def alices(learner):
    return make_organisation(user=learner, name="La Ruche")


@pytest.fixture
def library():
    levers = {slug: make_lever(slug=slug, label=label) for slug, label in [
        ("richesses-humaines", "Richesses humaines"), ("financement", "Financement"), ("alliances", "Alliances")]}
    return {
        "levers": levers,
        "means": make_component(lever=levers["alliances"], slug="alliances-de-moyens", label="Alliances de moyens"),
        "diversify": make_fiche(title="Diversifier ses soutiens"),
        "draft": make_fiche(title="Brouillon sur le public", status=Fiche.Status.DRAFT, published_at=None),
        "share": make_fiche(title="Mutualiser des locaux"),
        "revenue": make_fiche(title="Développer ses revenus"),
        "parcours": make_parcours(title="Trajectoire", steps=3),
    }


def _section(text):
    found = re.search(r'<section class="hub-section hub-recommendations".*?</section>', text, re.S)
    return found.group(0) if found else ""


def test_a_public_share_above_50_fires_its_rule_with_the_reason_and_the_rule_named(learner_client, alices, library):
    step = library["parcours"].steps.order_by("order")[1]
    make_rule(title="Financement public majoritaire", fiches=[library["diversify"], library["draft"]], steps=[step],
              reason="Les financements publics représentent {valeur} de vos ressources en {annee}.")
    _add(learner_client, alices, 2023, YEARS[2023][0])
    section = _section(_page(learner_client, alices))
    assert "<h3>Financement public majoritaire</h3>" in section
    assert ("Règle « Financement public majoritaire » : elle se déclenche quand la part des ressources publiques "
            "dépasse 50 %.") in section
    assert "Pourquoi ces lectures ? </strong> Les financements publics représentent 55 % de vos ressources en 2023." \
        in section.replace("?</strong>", "? </strong>")
    assert "Diversifier ses soutiens" in section
    assert "Brouillon" not in section
    assert f'href="{step.get_absolute_url()}">Trajectoire, étape 2 : {step.title}</a>' in section


def test_the_rule_stays_silent_once_the_public_share_is_back_under_50(learner_client, association, library):
    make_rule(title="Financement public majoritaire", fiches=[library["diversify"]])
    assert "Financement public majoritaire" not in _section(_page(learner_client, association))  # 35 % in 2025


def test_two_organisations_get_different_recommendations(learner_client, learner, library):
    make_rule(title="Financement public majoritaire", fiches=[library["diversify"]])
    make_rule(title="Sans alliance de moyens", indicator="component_level", comparison="lte", threshold=0,
              component=library["means"], reason="« {composante} » absentes en {annee}.", fiches=[library["share"]])
    make_rule(title="Revenus faibles", indicator="activity_share", comparison="lt", threshold=10,
              fiches=[library["revenue"]], reason="{valeur}")
    public = make_organisation(user=learner, name="Publique")
    _add(learner_client, public, 2025, {"subsidies_state": "90 000", "revenue_sales": "10 000",
                                        **_answers(*[1] * 10, 2)})
    alone = make_organisation(user=learner, name="Seule")
    _add(learner_client, alone, 2025, {"subsidies_state": "20 000", "gifts_individuals": "75 000",
                                       "revenue_sales": "5 000", **_answers(*[1] * 10, 0)})
    first = re.findall(r"<h3>(.*?)</h3>", _section(_page(learner_client, public)))
    second = re.findall(r"<h3>(.*?)</h3>", _section(_page(learner_client, alone)))
    assert first == ["Financement public majoritaire"]
    assert second == ["Sans alliance de moyens", "Revenus faibles"]
    assert "« Alliances de moyens » absentes en 2025." in _page(learner_client, alone)


def test_an_inactive_rule_never_fires(learner_client, alices, library):
    make_rule(title="Désactivée", is_active=False, fiches=[library["diversify"]])
    _add(learner_client, alices, 2023, YEARS[2023][0])
    assert "Désactivée" not in _page(learner_client, alices)


def test_without_any_rule_firing_the_page_says_so(learner_client, alices):
    _add(learner_client, alices, 2023, YEARS[2023][0])
    assert "Aucune règle ne se déclenche sur vos chiffres 2023" in _section(_page(learner_client, alices))


# Printable report and CSV export


def test_the_printable_report_has_both_plots_the_tables_and_no_form(learner_client, association, library):
    make_rule(title="Ressources concentrées", indicator="hhi", threshold=2500, fiches=[library["diversify"]],
              reason="{valeur} sur 10 000")
    text = _text(learner_client.get(f"/mon-modele/{association.pk}/rapport/"))
    assert "<h1>Les Jardins du Lien</h1>" in text
    assert text.count('role="img"') >= 4  # two triangles, their zooms, and the bars
    assert "Hybridation des ressources, par année" in text
    assert "Contributions volontaires valorisées, par année" in text
    assert "3 558 sur 10 000" in text
    assert "D’où viennent ces chiffres" in text
    main = text.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<form" not in main


def _csv(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_csv_export_has_the_answers_the_shares_and_the_contributions(learner_client, association):
    header, *rows = _csv(learner_client.get(f"/mon-modele/{association.pk}/export.csv"))
    assert [row[:2] for row in rows] == [["2023", "réel"], ["2024", "réel"], ["2025", "réel"], ["2027", "cible"]]
    assert all(len(row) == len(header) for row in rows)
    line = dict(zip(header, rows[2], strict=True))
    assert line["subventions des collectivités"] == "35000"
    assert line["niveau\u00a0: alliances de moyens"] == "Ponctuel"
    assert line["activation Richesses humaines (%)"] == "53,3"
    assert line["intensité (%)"] == "54,8"
    assert line["budget (€)"] == "100000"
    assert line["Ressources publiques (%)"] == "35"
    assert line["indice de concentration"] == "3558"
    assert line["contributions volontaires valorisées (€)"] == "24400"
    assert line["contributions / budget (%)"] == "24,4"


def test_the_csv_export_leaves_unanswered_and_unknown_cells_empty(learner_client, alices):
    _add(learner_client, alices, 2025, {"level_volunteers": "2"})
    header, row = _csv(learner_client.get(f"/mon-modele/{alices.pk}/export.csv"))
    line = dict(zip(header, row, strict=True))
    assert line["niveau\u00a0: bénévoles"] == "Organisé"
    assert line["niveau\u00a0: salariés"] == ""
    assert line["activation Richesses humaines (%)"] == ""  # incomplete, never 0
    assert line["Ressources publiques (%)"] == ""  # no budget, no share
    assert line["contributions / budget (%)"] == ""


def test_a_rule_whose_fiches_all_became_drafts_and_that_has_no_step_is_not_shown(learner_client, alices, library):
    make_rule(title="Plus rien à lire", fiches=[library["draft"]])
    _add(learner_client, alices, 2023, YEARS[2023][0])
    assert "Plus rien à lire" not in _page(learner_client, alices)


def test_the_people_and_partnerships_typed_are_shown_for_memory_never_valued(learner_client, association):
    rows = _table(_page(learner_client, association), "Personnes et partenariats, par année (pour mémoire, non valorisés)")
    assert rows["2025"][:3] == ["2,5", "0", "1 200"]  # FTE, volunteers, hours as typed
    assert rows["2025"][5] == "10"  # days of mécénat de compétences


def test_the_indicators_speak_of_categories_of_resources_not_of_funders(learner_client, association):
    text = _page(learner_client, association)
    assert "3 des 15 catégories du formulaire apportent de l’argent" in _plain(text)
    assert "Revenus d’activité" not in re.search(r"<dt>Première catégorie</dt>.*?</dd>", text, re.S).group(0)
    assert "Ventes et prestations, 43 % du budget." in _plain(re.search(r"<dt>Première catégorie</dt>.*?</dd>", text,
                                                                        re.S).group(0))
