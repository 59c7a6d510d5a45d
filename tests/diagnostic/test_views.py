import csv
import html
import io
import re
from decimal import Decimal

import pytest

from diagnostic.models import Organisation, Snapshot
from resources.models import Fiche
from tests.factories import make_component, make_fiche, make_lever, make_organisation

pytestmark = pytest.mark.django_db

# Default rates: a full-time employee is worth 42 000 €, a partnership 2 000 € a year.
# 2022: RH 42 000, financement 42 000, alliances 16 000 -> 42 / 42 / 16 %.
YEAR_2022 = {"salaried_fte": "1", "subsidies_state": "42 000", "in_kind_premises": "16 000"}
# 2023: RH 42 000, financement 30 000 + 20 000, alliances 4 × 2 000 -> 42 / 50 / 8 %.
YEAR_2023 = {"salaried_fte": "1", "subsidies_state": "30 000", "revenue_sales": "20 000", "partnerships_means": "4"}
# Target 2026: RH 84 000, financement 84 000, alliances 32 000 -> 42 / 42 / 16 %.
TARGET_2026 = {"salaried_fte": "2", "subsidies_state": "84 000", "in_kind_premises": "32 000"}


def _text(response):
    """The page as a reader sees it: entities decoded, French thin and no-break spaces as plain spaces."""
    text = html.unescape(response.content.decode())
    return re.sub(r"[\u00a0\u202f]", " ", text)


def _add_year(client, organisation, year, figures, query=""):
    return client.post(f"/mon-modele/{organisation.pk}/annees/ajouter/{query}", {"year": year, **figures})


def _filled(client, organisation):
    for year, figures in [(2022, YEAR_2022), (2023, YEAR_2023)]:
        assert _add_year(client, organisation, year, figures).status_code == 302
    assert _add_year(client, organisation, 2026, TARGET_2026, "?cible=1").status_code == 302
    return organisation


@pytest.fixture
def alices(learner):
    return make_organisation(user=learner, name="La Ruche solidaire")


@pytest.fixture
def filled(learner_client, alices):
    return _filled(learner_client, alices)


# Creating an organisation


def test_an_account_creates_an_organisation_and_goes_on_to_its_first_year(learner_client, learner):
    response = learner_client.post("/mon-modele/", {"name": "  La   Ruche  "})
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/mon-modele/{organisation.pk}/annees/ajouter/"
    assert organisation.user == learner
    assert organisation.name == "La Ruche"


def test_a_visitor_creates_an_organisation_kept_in_their_session(visitor):
    response = visitor.post("/mon-modele/", {"name": "Le Fournil"})
    organisation = Organisation.objects.get()
    assert response["Location"] == f"/mon-modele/{organisation.pk}/annees/ajouter/"
    assert organisation.user is None
    assert visitor.session["hub_diagnostics"] == [organisation.pk]


def test_a_visitor_creating_two_organisations_keeps_both_in_the_session(visitor):
    visitor.post("/mon-modele/", {"name": "Le Fournil"})
    visitor.post("/mon-modele/", {"name": "La Forge"})
    assert sorted(visitor.session["hub_diagnostics"]) == sorted(Organisation.objects.values_list("pk", flat=True))
    text = _text(visitor.get("/mon-modele/"))
    assert "Le Fournil" in text and "La Forge" in text


def test_the_list_page_shows_the_form_and_my_organisations_with_their_number_of_years(learner_client, learner):
    make_organisation(user=learner, name="La Ruche", years=[2022, 2023])
    response = learner_client.get("/mon-modele/")
    assert response.status_code == 200
    text = _text(response)
    assert "La Ruche" in text
    assert "2 jeux de chiffres" in text
    assert 'name="name"' in text


def test_editing_the_organisation_renames_it(learner_client, alices):
    response = learner_client.post(f"/mon-modele/{alices.pk}/modifier/", {"name": "La Ruche renommée"})
    assert response.status_code == 302
    assert response["Location"] == f"/mon-modele/{alices.pk}/"
    alices.refresh_from_db()
    assert alices.name == "La Ruche renommée"


# Years of figures


def test_adding_several_years(learner_client, alices):
    for year in (2021, 2022, 2023):
        response = _add_year(learner_client, alices, year, {"subsidies_state": "1 000"})
        assert response.status_code == 302
        assert response["Location"] == f"/mon-modele/{alices.pk}/#resultats"
    snapshots = Snapshot.objects.filter(organisation=alices)
    assert [s.year for s in snapshots] == [2021, 2022, 2023]
    assert not any(s.is_target for s in snapshots)


def test_empty_boxes_count_as_zero(learner_client, alices):
    _add_year(learner_client, alices, 2024, {"subsidies_state": "500", "revenue_sales": ""})
    snapshot = Snapshot.objects.get(organisation=alices)
    assert snapshot.subsidies_state == Decimal("500")
    assert snapshot.revenue_sales == 0
    assert snapshot.volunteers_count == 0


def test_the_add_form_is_shown_in_french(learner_client, alices):
    response = learner_client.get(f"/mon-modele/{alices.pk}/annees/ajouter/")
    assert response.status_code == 200
    text = _text(response)
    assert "Saisir les chiffres d’une année" in text
    assert "Subventions de l’État" in text
    assert 'name="cible"' not in text


def test_adding_a_target_through_the_query_string(learner_client, alices):
    assert "Fixer une cible" in _text(learner_client.get(f"/mon-modele/{alices.pk}/annees/ajouter/?cible=1"))
    response = _add_year(learner_client, alices, 2027, TARGET_2026, "?cible=1")
    assert response.status_code == 302
    target = Snapshot.objects.get(organisation=alices)
    assert target.is_target and target.year == 2027


def test_adding_a_target_through_the_hidden_field(learner_client, alices):
    response = _add_year(learner_client, alices, 2027, {**TARGET_2026, "cible": "1"})
    assert response.status_code == 302
    assert Snapshot.objects.get(organisation=alices).is_target


def test_a_target_must_aim_after_the_latest_real_year(learner_client, alices):
    _add_year(learner_client, alices, 2024, YEAR_2022)
    response = _add_year(learner_client, alices, 2024, TARGET_2026, "?cible=1")
    assert response.status_code == 400
    assert "après votre dernière année réelle (2024)" in _text(response)
    assert _add_year(learner_client, alices, 2025, TARGET_2026, "?cible=1").status_code == 302


def test_a_real_year_cannot_be_moved_past_the_target(learner_client, alices):
    _add_year(learner_client, alices, 2024, YEAR_2022)
    _add_year(learner_client, alices, 2026, TARGET_2026, "?cible=1")
    response = _add_year(learner_client, alices, 2027, YEAR_2022)
    assert response.status_code == 400
    assert "Votre cible vise 2026" in _text(response)


def test_editing_a_year_shows_its_figures_the_french_way(learner_client, alices):
    _add_year(learner_client, alices, 2023, {"revenue_sales": "12500.5"})
    snapshot = Snapshot.objects.get()
    text = _text(learner_client.get(f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/"))
    assert "Modifier les chiffres 2023" in text
    assert 'value="12 500,5"' in text


def test_editing_a_year_changes_its_figures_and_its_year(learner_client, alices):
    _add_year(learner_client, alices, 2023, YEAR_2023)
    snapshot = Snapshot.objects.get()
    response = learner_client.post(
        f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/", {"year": 2020, **YEAR_2023, "revenue_sales": "25 000"}
    )
    assert response.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.year == 2020
    assert snapshot.revenue_sales == Decimal("25000")
    assert Snapshot.objects.count() == 1


def test_editing_a_year_into_a_year_that_already_exists_is_refused(learner_client, alices):
    _add_year(learner_client, alices, 2022, YEAR_2022)
    _add_year(learner_client, alices, 2023, YEAR_2023)
    snapshot = Snapshot.objects.get(year=2023)
    response = learner_client.post(f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/", {"year": 2022, **YEAR_2023})
    assert response.status_code == 400
    assert "Les chiffres de 2022 existent déjà : modifiez-les plutôt que d’en ajouter." in _text(response)
    assert response.context["form"].errors["year"]
    snapshot.refresh_from_db()
    assert snapshot.year == 2023


def test_saving_a_year_without_changing_its_year_is_not_a_duplicate(learner_client, alices):
    _add_year(learner_client, alices, 2023, YEAR_2023)
    snapshot = Snapshot.objects.get()
    response = learner_client.post(f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/", {"year": 2023, **YEAR_2023})
    assert response.status_code == 302


def test_editing_the_target_keeps_it_a_target(learner_client, filled):
    target = Snapshot.objects.get(is_target=True)
    response = learner_client.post(f"/mon-modele/{filled.pk}/annees/{target.pk}/", {"year": 2030, **TARGET_2026})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_target and target.year == 2030


def test_deleting_a_year_by_post(learner_client, filled):
    snapshot = Snapshot.objects.get(year=2022)
    response = learner_client.post(f"/mon-modele/{filled.pk}/annees/{snapshot.pk}/supprimer/")
    assert response.status_code == 302
    assert response["Location"] == f"/mon-modele/{filled.pk}/"
    assert not Snapshot.objects.filter(pk=snapshot.pk).exists()
    assert Snapshot.objects.filter(organisation=filled).count() == 2


def test_deleting_a_year_by_get_is_refused(learner_client, filled):
    snapshot = Snapshot.objects.get(year=2022)
    assert learner_client.get(f"/mon-modele/{filled.pk}/annees/{snapshot.pk}/supprimer/").status_code == 405
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()


def test_deleting_the_organisation_asks_first(learner_client, filled):
    response = learner_client.get(f"/mon-modele/{filled.pk}/supprimer/")
    assert response.status_code == 200
    assert "Supprimer le diagnostic de La Ruche solidaire" in _text(response)
    assert Organisation.objects.filter(pk=filled.pk).exists()


def test_deleting_the_organisation_deletes_every_year_and_the_target(learner_client, filled, other_learner):
    others = make_organisation(user=other_learner, years=[2023])
    response = learner_client.post(f"/mon-modele/{filled.pk}/supprimer/")
    assert response.status_code == 302
    assert response["Location"] == "/mon-modele/"
    assert not Organisation.objects.filter(pk=filled.pk).exists()
    assert not Snapshot.objects.filter(organisation_id=filled.pk).exists()
    assert list(Snapshot.objects.values_list("organisation", flat=True)) == [others.pk]


# French numbers


@pytest.mark.parametrize(
    "typed", ["12 500,50", "12500.5", "12\u00a0500,5", "12\u202f500,50", "12.500,50", "12 500,50 €"]
)
def test_french_and_programmer_numbers_are_stored_alike(learner_client, alices, typed):
    response = _add_year(learner_client, alices, 2024, {"revenue_sales": typed})
    assert response.status_code == 302
    assert Snapshot.objects.get().revenue_sales == Decimal("12500.50")


def test_counts_accept_a_thousands_separator(learner_client, alices):
    _add_year(learner_client, alices, 2024, {"volunteers_count": "1 200", "subsidies_state": "1"})
    assert Snapshot.objects.get().volunteers_count == 1200


def test_amounts_are_rounded_to_the_cent(learner_client, alices):
    _add_year(learner_client, alices, 2024, {"revenue_sales": "10,005"})
    assert Snapshot.objects.get().revenue_sales == Decimal("10.01")


# The result page


def test_the_result_page_draws_an_accessible_ternary_chart(learner_client, filled):
    response = learner_client.get(f"/mon-modele/{filled.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    svg = re.search(r'<svg[^>]*class="hub-ternary__svg"[^>]*>.*?</svg>', page, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="ternaire-titre" aria-describedby="ternaire-desc"' in svg
    title = html.unescape(re.search(r'<title id="ternaire-titre">(.*?)</title>', svg, re.S).group(1))
    assert title == "Équilibre des trois leviers de La Ruche solidaire, année par année"
    desc = re.sub(
        r"[\u00a0\u202f]", " ", html.unescape(re.search(r'<desc id="ternaire-desc">(.*?)</desc>', svg, re.S).group(1))
    )
    assert "2022 : richesses humaines 42 %, financement 42 %, alliances 16 %." in desc
    assert "2023 : richesses humaines 42 %, financement 50 %, alliances 8 %." in desc
    assert "Cible 2026 : richesses humaines 42 %, financement 42 %, alliances 16 %." in desc
    assert svg.count("<circle ") == 2  # the two real years
    assert svg.count('class="hub-ternary__target"') == 1  # the target's diamond


def test_the_result_page_tables_every_year_and_the_target(learner_client, filled):
    text = _text(learner_client.get(f"/mon-modele/{filled.pk}/"))
    table = re.search(r"<caption>Valeur de chaque levier, par année</caption>.*?</table>", text, re.S).group(0)
    rows = re.findall(r"<tr[^>]*><th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    assert [heading for heading, _ in rows] == ["2022", "2023", "Cible 2026"]
    cells = {heading: re.sub(r"<[^>]+>", " ", body) for heading, body in rows}
    assert re.findall(r"\d[\d ]* €", cells["2022"]) == ["42 000 €", "42 000 €", "16 000 €", "100 000 €"]
    assert re.findall(r"\d[\d ]* €", cells["2023"]) == ["42 000 €", "50 000 €", "8 000 €", "100 000 €"]
    assert re.findall(r"\d[\d ]* €", cells["Cible 2026"]) == ["84 000 €", "84 000 €", "32 000 €", "200 000 €"]
    assert "50 %" in cells["2023"] and "8 %" in cells["2023"]


def test_the_result_page_states_the_main_and_weakest_levers(learner_client, filled):
    text = _text(learner_client.get(f"/mon-modele/{filled.pk}/"))
    assert "En 2023, votre modèle repose d’abord sur le financement (50 %)" in text
    assert "son levier le plus faible est celui des alliances (8 %)" in text


def test_the_result_page_tells_the_trajectory_year_by_year_and_to_the_target(learner_client, filled):
    text = _text(learner_client.get(f"/mon-modele/{filled.pk}/"))
    assert (
        "De 2022 à 2023 : richesses humaines stable (valeur 0 %), financement +8 points (valeur +19 %), "
        "alliances −8 points (valeur −50 %)."
    ) in re.sub(r"</?strong>", "", text)
    assert (
        "De 2023 à votre cible 2026, il reste à parcourir : richesses humaines stable (valeur +100 %), "
        "financement −8 points (valeur +68 %), alliances +8 points (valeur +300 %)."
    ) in re.sub(r"</?strong>", "", text)


def test_a_lever_that_starts_from_zero_has_no_percentage_of_change(learner_client, alices):
    _add_year(learner_client, alices, 2022, {"salaried_fte": "1", "subsidies_state": "42 000"})
    _add_year(
        learner_client, alices, 2023, {"salaried_fte": "1", "subsidies_state": "42 000", "partnerships_means": "21"}
    )
    text = re.sub(r"</?strong>", "", _text(learner_client.get(f"/mon-modele/{alices.pk}/")))
    assert "De 2022 à 2023 : richesses humaines −16,7 points (valeur 0 %)" in text  # 50 % -> 33,3 %
    assert "alliances +33,3 points." in text  # no « (valeur …) » when the lever started from nothing


def test_a_single_year_has_no_trajectory(learner_client, alices):
    _add_year(learner_client, alices, 2023, YEAR_2023)
    text = _text(learner_client.get(f"/mon-modele/{alices.pk}/"))
    assert "Votre trajectoire" not in text
    assert "Votre équilibre entre les trois leviers" in text


def test_the_result_page_shows_the_financial_indicators_and_their_alerts(learner_client, filled):
    text = re.sub(r"</?strong>", "", _text(learner_client.get(f"/mon-modele/{filled.pk}/")))
    assert "Vos financements en 2023" in text
    assert "2 — le nombre de sources différentes qui vous financent ; ⚠ Alerte : moins de 3" in re.sub(
        r"<[^>]+>", "", text
    )
    assert "5 200 sur 10 000" in text  # 60² + 40²
    assert "au-delà de 2 500, le financement est très concentré" in text
    assert "Subventions de l’État, 60 % du financement" in text
    assert "Alerte de dépendance : au-delà de 50 %" in re.sub(r"<[^>]+>", "", text)
    assert "Financements publics : 60 %, Financements privés : 0 %, Revenus propres : 40 %, Autres : 0 %" in text


def test_a_balanced_mix_raises_no_alert(learner_client, alices):
    figures = {
        "salaried_fte": "1",
        "subsidies_state": "10 000",
        "gifts_individuals": "10 000",
        "revenue_sales": "10 000",
        "membership_fees": "10 000",
        "partnerships_means": "5",
    }
    _add_year(learner_client, alices, 2024, figures)
    text = _text(learner_client.get(f"/mon-modele/{alices.pk}/"))
    assert "Alerte" not in re.sub(r"<[^>]+>", "", text)
    assert "sous le seuil d’alerte de 50 %" in text


def test_the_result_page_lists_the_years_with_edit_and_delete_buttons(learner_client, filled):
    page = learner_client.get(f"/mon-modele/{filled.pk}/").content.decode()
    for snapshot in Snapshot.objects.filter(organisation=filled):
        assert f'href="/mon-modele/{filled.pk}/annees/{snapshot.pk}/"' in page
        assert f'action="/mon-modele/{filled.pk}/annees/{snapshot.pk}/supprimer/"' in page
    assert "Modifier la cible" in page
    assert "Fixer une cible" not in page


def test_the_result_page_of_an_organisation_without_figures_invites_to_add_some(learner_client, alices):
    response = learner_client.get(f"/mon-modele/{alices.pk}/")
    assert response.status_code == 200
    text = _text(response)
    assert "Aucun chiffre pour l’instant." in text
    assert "hub-ternary__svg" not in text


def test_the_result_page_with_only_a_target_asks_for_a_real_year(learner_client, alices):
    _add_year(learner_client, alices, 2027, TARGET_2026, "?cible=1")
    response = learner_client.get(f"/mon-modele/{alices.pk}/")
    assert response.status_code == 200
    text = _text(response)
    assert "saisissez les chiffres d’une année réelle" in text
    assert "Cible 2027" in text


def test_the_organisation_name_is_escaped_everywhere(learner_client, learner):
    organisation = make_organisation(user=learner, name="<script>alert(1)</script>", years=[2023])
    for url in (
        f"/mon-modele/{organisation.pk}/",
        f"/mon-modele/{organisation.pk}/rapport/",
        "/mon-modele/",
        f"/mon-modele/{organisation.pk}/modifier/",
        f"/mon-modele/{organisation.pk}/supprimer/",
        f"/mon-modele/{organisation.pk}/annees/ajouter/",
    ):
        page = learner_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url


# Recommendations


@pytest.fixture
def referentiel():
    levers = {
        slug: make_lever(slug=slug, label=label, theme=theme)
        for slug, label, theme in [
            ("richesses-humaines", "Richesses humaines", "rh"),
            ("financement", "Financement", "fin"),
            ("alliances", "Alliances", "all"),
        ]
    }
    components = {
        slug: make_component(lever=levers["financement"], slug=slug)
        for slug in ["subventionnement", "investissement-societal", "revenus-d-activite"]
    }
    return levers, components


def _fiche(title, *, levers=(), components=(), **overrides):
    fiche = make_fiche(title=title, levers=levers, **overrides)
    fiche.components.set(components)
    return fiche


def test_recommendations_point_to_the_weakest_levers_fiches_and_never_to_drafts(learner_client, filled, referentiel):
    levers, components = referentiel
    _fiche("Nouer des alliances locales", levers=[levers["alliances"]])
    _fiche("Brouillon sur les alliances", levers=[levers["alliances"]], status=Fiche.Status.DRAFT, published_at=None)
    _fiche("Recruter des bénévoles", levers=[levers["richesses-humaines"]])
    text = _text(learner_client.get(f"/mon-modele/{filled.pk}/"))
    section = re.search(r'<section class="hub-section hub-recommendations".*?</section>', text, re.S).group(0)
    assert "Votre levier le plus faible : alliances (8 % de votre modèle)." in section
    assert "Nouer des alliances locales" in section
    assert "Recruter des bénévoles" not in section
    assert "Brouillon" not in text


def test_a_dependency_points_to_the_other_families_of_financing(learner_client, filled, referentiel):
    _, components = referentiel
    _fiche("Vendre ses services", components=[components["revenus-d-activite"]])
    _fiche("Ouvrir son capital", components=[components["investissement-societal"]])
    _fiche("Obtenir une subvention", components=[components["subventionnement"]])
    _fiche(
        "Brouillon sur les revenus",
        components=[components["revenus-d-activite"]],
        status=Fiche.Status.DRAFT,
        published_at=None,
    )
    text = _text(learner_client.get(f"/mon-modele/{filled.pk}/"))
    assert "Alerte de dépendance : « Subventions de l’État » pèse 60 % de vos financements." in text
    assert "Vendre ses services" in text and "Ouvrir son capital" in text
    assert "Obtenir une subvention" not in text  # the family the organisation already depends on
    assert "Brouillon sur les revenus" not in text


def test_a_fiche_is_recommended_only_once(learner_client, filled, referentiel):
    levers, components = referentiel
    _fiche("Alliances et revenus", levers=[levers["alliances"]], components=[components["revenus-d-activite"]])
    text = _text(learner_client.get(f"/mon-modele/{filled.pk}/"))
    assert text.count(">Alliances et revenus</a>") == 1


def test_without_fiches_there_is_no_recommendation_section(learner_client, filled, referentiel):
    assert "Pour aller plus loin" not in _text(learner_client.get(f"/mon-modele/{filled.pk}/"))


# The printable report


def test_the_printable_report_has_the_results_without_the_forms(learner_client, filled, referentiel):
    levers, _ = referentiel
    _fiche("Nouer des alliances locales", levers=[levers["alliances"]])
    response = learner_client.get(f"/mon-modele/{filled.pk}/rapport/")
    assert response.status_code == 200
    text = _text(response)
    assert "<h1>La Ruche solidaire</h1>" in text
    assert 'role="img"' in text
    assert "Cible 2026" in text
    assert "De 2022 à 2023" in text
    assert "Nouer des alliances locales" in text
    assert "Comment ces chiffres sont calculés" in text
    main = text.split("<main", 1)[1].split("</main>", 1)[0]
    assert "/supprimer/" not in main
    assert "<form" not in main


def test_the_printable_report_of_an_empty_organisation_says_so(learner_client, alices):
    assert "Aucun chiffre saisi." in _text(learner_client.get(f"/mon-modele/{alices.pk}/rapport/"))


# CSV export


def _csv(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_csv_export_is_a_french_spreadsheet_with_one_row_per_year(learner_client, filled):
    response = learner_client.get(f"/mon-modele/{filled.pk}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="diagnostic-{filled.pk}.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = _csv(response)
    header, *data = rows
    assert len(data) == Snapshot.objects.filter(organisation=filled).count() == 3
    assert [row[:2] for row in data] == [["2022", "réel"], ["2023", "réel"], ["2026", "cible"]]
    assert all(len(row) == len(header) for row in data)
    assert header[:3] == ["année", "type", "salariés (équivalents temps plein)"]
    assert header[-2:] == ["indice de concentration", "première source (%)"]
    line_2023 = dict(zip(header, data[1], strict=True))
    assert line_2023["subventions de l’État"] == "30000"
    assert line_2023["Financement (€)"] == "50000"
    assert line_2023["Financement (%)"] == "50"
    assert line_2023["indice de concentration"] == "5200"
    assert line_2023["première source (%)"] == "60"


def test_the_csv_export_writes_decimal_commas(learner_client, alices):
    _add_year(
        learner_client, alices, 2024, {"salaried_fte": "1,5", "revenue_sales": "12 500,50", "subsidies_state": "10 000"}
    )
    header, row = _csv(learner_client.get(f"/mon-modele/{alices.pk}/export.csv"))
    line = dict(zip(header, row, strict=True))
    assert line["salariés (équivalents temps plein)"] == "1,5"
    assert line["ventes et prestations de services"] == "12500,5"
    assert line["Richesses humaines (€)"] == "63000"
    assert line["Financement (€)"] == "22500,5"
    assert line["Financement (%)"] == "26,3"  # 22 500,50 out of 85 500,50
    assert ";" in learner_client.get(f"/mon-modele/{alices.pk}/export.csv").content.decode().splitlines()[0]


def test_the_csv_export_of_an_empty_organisation_has_only_the_header(learner_client, alices):
    rows = _csv(learner_client.get(f"/mon-modele/{alices.pk}/export.csv"))
    assert len(rows) == 1


def test_a_balanced_model_is_called_balanced_not_led_by_one_lever(learner_client, alices):
    # RH 42 000 (1 FTE), financement 42 000, alliances 42 000 in kind: 33,3 % each.
    _add_year(
        learner_client, alices, 2024, {"salaried_fte": "1", "subsidies_state": "42 000", "in_kind_premises": "42 000"}
    )
    text = _text(learner_client.get(f"/mon-modele/{alices.pk}/"))
    assert "vos trois leviers pèsent presque autant" in text
    assert "repose d’abord sur" not in text
    assert "Votre modèle est équilibré ; pour le consolider" in text or "Votre levier le plus faible" not in text


def test_the_strongest_lever_is_named_with_its_article(learner_client, alices):
    _add_year(learner_client, alices, 2024, YEAR_2023)
    text = _text(learner_client.get(f"/mon-modele/{alices.pk}/"))
    assert (
        "votre modèle repose d’abord sur le financement (50 %) ; son levier le plus faible est celui des alliances (8 %)"
        in text
    )


def test_an_invalid_edit_keeps_the_saved_year_in_the_title(learner_client, alices):
    _add_year(learner_client, alices, 2023, YEAR_2023)
    snapshot = Snapshot.objects.get()
    response = learner_client.post(
        f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/", {"year": "2031", "salaried_fte": "-1"}
    )
    assert response.status_code == 400
    assert "<h1>Modifier les chiffres 2023</h1>" in response.content.decode()


def test_private_pages_are_never_stored_by_a_shared_cache(learner_client, alices):
    _add_year(learner_client, alices, 2023, YEAR_2023)
    for path in [f"/mon-modele/{alices.pk}/", f"/mon-modele/{alices.pk}/rapport/", "/mon-modele/", "/mon-espace/"]:
        assert "private" in learner_client.get(path)["Cache-Control"], path


def test_a_visitor_keeps_at_most_twenty_diagnostics_in_one_browser(visitor):
    for index in range(20):
        assert visitor.post("/mon-modele/", {"name": f"Association {index}"}).status_code == 302
    response = visitor.post("/mon-modele/", {"name": "Une de trop"})
    assert response.status_code == 400
    assert "au plus 20 diagnostics" in _text(response)
    assert Organisation.objects.count() == 20
