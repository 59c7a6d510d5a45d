"""The admin of « Par où commencer ? »: rules and their items, the preview of a path, the statistics
(parcours/admin_usage.py)."""

import html
import re
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcours.models import (
    KeptUsagePath, UsageFirstOpenCount, UsagePathCount, UsageRule, UsageRuleItem,
)
from parcours.usage_paths import rulebook
from resources.models import Fiche, GlossaryTerm, Lever, Region, Tool, Worksheet
from tests.factories import (
    make_fiche, make_lever, make_parcours, make_step, make_usage_rule, make_vocabulary, make_worksheet,
)

pytestmark = pytest.mark.django_db

RULES = "/admin/parcours/usagerule/"
PREVIEW = "/admin/parcours/usagerule/apercu/"
STATS = "/admin/parcours/usagerule/statistiques/"
ASSOCIATION_2H = "profil=association&objectif=diversifier&maturite=j-ai-commence&temps=2-h"


def _page(response, status=200):
    assert response.status_code == status
    return html.unescape(response.content.decode())


def _fiches(count, **overrides):
    return [make_fiche(**overrides) for _ in range(count)]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The list of rules


def test_staff_sees_each_rule_with_a_summary_of_its_conditions_and_its_item_count(staff_client):
    occitanie = make_vocabulary(Region, label="Occitanie")
    make_usage_rule(title="Associations qui diversifient", profiles=["association"], aims=["diversifier"],
                    regions=[occitanie], items=[{"fiche": f} for f in _fiches(3)])
    make_usage_rule(title="Pour tout le monde", is_fallback=True)

    page = _page(staff_client.get(RULES))

    assert "Associations qui diversifient" in page and "Pour tout le monde" in page
    assert "Profils\u00a0: Association · Objectifs\u00a0: Diversifier mes ressources · Régions\u00a0: Occitanie" in page
    assert "Toutes les réponses" in page
    assert '<td class="field-item_count">3</td>' in page
    assert f'href="{PREVIEW}"' in page and f'href="{STATS}"' in page


def test_the_rule_list_runs_the_same_queries_for_three_rules_or_thirty(staff_client, django_assert_max_num_queries):
    regions = [make_vocabulary(Region) for _ in range(3)]
    for _ in range(3):
        make_usage_rule(regions=regions, profiles=["association"], items=[{"fiche": make_fiche()}])
    few = _queries(staff_client, RULES)
    for _ in range(27):
        make_usage_rule(regions=regions, profiles=["association"], items=[{"fiche": make_fiche()}])

    with django_assert_max_num_queries(few):
        staff_client.get(RULES)
    with django_assert_max_num_queries(few + 1):  # the aim filter reads the rules' aims once
        staff_client.get(f"{RULES}?objectif=diversifier")


def test_the_aim_filter_keeps_the_rules_that_hold_for_that_aim(staff_client):
    make_usage_rule(title="Règle pour diversifier", aims=["diversifier", "alliance"])
    make_usage_rule(title="Règle sans condition d’objectif")
    make_usage_rule(title="Règle pour gouverner", aims=["gouvernance"])

    page = _page(staff_client.get(f"{RULES}?objectif=diversifier"))

    assert "Règle pour diversifier" in page and "Règle sans condition d’objectif" in page
    assert "Règle pour gouverner" not in page


def test_the_filters_and_search_take_garbage_without_error(staff_client):
    make_usage_rule(title="Une règle", profiles=["association"])
    assert staff_client.get(f"{RULES}?profil=%00inconnu&objectif=x").status_code == 200
    assert "Une règle" in _page(staff_client.get(f"{RULES}?q=une"))


# Adding and changing a rule


def _rule_form(items, **overrides):
    data = {
        "title": "Diversifier en association", "slug": "diversifier-en-association", "priority": "60",
        "is_active": "on", "items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000", "_save": "Enregistrer",
    }
    for index, item in enumerate(items):
        data.update({f"items-{index}-{name}": value for name, value in item.items()})
    data.update(overrides)
    return data


def test_staff_adds_a_rule_with_two_items_and_ticked_conditions_saved_as_lists(staff_client):
    fiche = make_fiche(title="Mécénat de compétences")
    items = [
        {"order": "10", "kind": "fiche", "fiche": fiche.pk, "why": "Pour savoir ce que le mécénat peut apporter."},
        {"order": "20", "kind": "diagnostic", "minutes": "20", "medoc": "outils", "why": "Pour situer votre modèle."},
    ]
    # Ticked in another order than the answers': saved in the answers' order.
    data = _rule_form(items, profiles=["fondation", "association"], times=["2-h"])

    response = staff_client.post(f"{RULES}add/", data)

    assert response.status_code == 302, _page(response)
    rule = UsageRule.objects.get(slug="diversifier-en-association")
    assert rule.profiles == ["association", "fondation"] and rule.times == ["2-h"]
    assert rule.aims == [] and rule.maturities == []
    saved = list(rule.items.order_by("order").values_list("kind", "fiche", "minutes", "medoc"))
    assert saved == [("fiche", fiche.pk, None, ""), ("diagnostic", None, 20, "outils")]


def test_unticking_every_box_leaves_an_empty_condition(staff_client):
    rule = make_usage_rule(profiles=["association"], aims=["diversifier"])
    data = _rule_form([], title=rule.title, slug=rule.slug, aims=["comprendre"])

    assert staff_client.post(f"{RULES}{rule.pk}/change/", data).status_code == 302

    rule.refresh_from_db()
    assert rule.profiles == [] and rule.aims == ["comprendre"]


def test_an_answer_not_offered_is_refused_in_french(staff_client):
    response = staff_client.post(f"{RULES}add/", _rule_form([], profiles=["pirate"]))

    assert "Sélectionnez un choix valide. pirate n’en fait pas partie." in _page(response)
    assert not UsageRule.objects.exists()


def _item_errors(response):
    return response.context["inline_admin_formsets"][0].formset.errors


@pytest.mark.parametrize(
    "item, errors",
    [
        pytest.param({"kind": "fiche", "step": "STEP", "why": "Utile."},
                     {"fiche": ["Choisissez l’élément\u00a0: fiche."],
                      "step": ["À laisser vide pour la nature «\u00a0Fiche\u00a0»."]}, id="wrong-target"),
        pytest.param({"kind": "fiche", "fiche": "FICHE", "why": "  "},
                     {"why": ["Dites en une phrase pourquoi cet élément est là."]}, id="missing-why"),
        pytest.param({"kind": "diagnostic", "why": "Pour situer votre modèle."},
                     {"minutes": ["Indiquez la durée\u00a0: elle ne se déduit pas de cet élément."]}, id="diagnostic-minutes"),
        pytest.param({"kind": "glossary", "fiche": "FICHE", "depth": "decouverte", "why": "Utile."},
                     {"glossary_term": ["Choisissez l’élément\u00a0: terme du glossaire."],
                      "fiche": ["À laisser vide pour la nature «\u00a0Terme du glossaire\u00a0»."],
                      "depth": ["Un niveau ne se choisit que pour un parcours."]}, id="glossary-depth"),
    ],
)
def test_an_invalid_item_is_answered_on_its_field_in_french_and_nothing_is_saved(staff_client, item, errors):
    fiche, step = make_fiche(), make_step(make_parcours())
    item = {"order": "10", **{k: {"FICHE": fiche.pk, "STEP": step.pk}.get(v, v) for k, v in item.items()}}
    good = {"order": "20", "kind": "fiche", "fiche": fiche.pk, "why": "Une bonne raison."}

    response = staff_client.post(f"{RULES}add/", _rule_form([good, item]))

    page = _page(response)
    assert _item_errors(response) == [{}, errors]
    for messages in errors.values():
        assert messages[0] in page
    assert "Ce champ est obligatoire" not in page
    assert not UsageRule.objects.exists() and not UsageRuleItem.objects.exists()


def test_the_change_page_explains_the_kinds_and_links_to_the_preview(staff_client):
    rule = make_usage_rule(items=[{"kind": "diagnostic", "minutes": 20}])

    page = _page(staff_client.get(f"{RULES}{rule.pk}/change/"))

    assert "Les éléments\u202f: une nature, une cible" in page
    assert "<th scope=\"row\">Terme du glossaire</th><td>Terme du glossaire</td><td>Facultative</td>" in page
    assert "<th scope=\"row\">Levier</th><td>Levier</td><td>À indiquer</td>" in page
    assert f'href="{PREVIEW}"' in page and f'href="{STATS}"' in page
    assert "Aucun coché\u00a0: tous les profils." in page


def _every_kind(count):
    """``count`` items of every kind that has a target, each with its target chosen."""
    parcours = make_parcours()
    items = []
    for n in range(count):
        items += [
            {"fiche": make_fiche()}, {"step": make_step(parcours)}, {"parcours": parcours, "depth": "decouverte"},
            {"worksheet": make_worksheet()}, {"glossary_term": GlossaryTerm.objects.create(
                slug=f"terme-{n}-{parcours.pk}", term=f"Terme {n}", definition="Une définition.")},
            {"tool": make_vocabulary(Tool), "minutes": 5}, {"lever": make_lever(), "minutes": 5},
        ]
    return items


def test_a_rule_with_many_items_opens_with_the_same_queries_as_one_with_few(staff_client):
    few = make_usage_rule(items=_every_kind(1))
    many = make_usage_rule(items=_every_kind(3))

    page = _page(staff_client.get(f"{RULES}{many.pk}/change/"))
    assert all(f'selected>Terme {n}</option>' in page for n in range(3))  # each chosen target, labelled

    assert _queries(staff_client, f"{RULES}{many.pk}/change/") == _queries(staff_client, f"{RULES}{few.pk}/change/")


def test_a_target_chosen_again_after_an_error_is_still_labelled(staff_client):
    old, new = make_fiche(title="Ancienne fiche"), make_fiche(title="Nouvelle fiche")
    rule = make_usage_rule(items=[{"fiche": old}])
    item = rule.items.get()
    data = _rule_form([], title=rule.title, slug=rule.slug)
    data.update({"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "1", "items-0-id": item.pk, "items-0-rule": rule.pk,
                 "items-0-order": "10", "items-0-kind": "fiche", "items-0-fiche": new.pk, "items-0-why": ""})

    page = _page(staff_client.post(f"{RULES}{rule.pk}/change/", data))

    assert f'<option value="{new.pk}" selected>Nouvelle fiche</option>' in page
    assert item.__class__.objects.get(pk=item.pk).fiche_id == old.pk


def test_counts_and_kept_paths_are_not_in_the_admin():
    for model in (KeptUsagePath, UsagePathCount, UsageFirstOpenCount, UsageRuleItem):
        assert not admin.site.is_registered(model)
    assert admin.site.is_registered(UsageRule)


# The preview


def test_the_preview_shows_the_path_with_each_entry_s_rule_time_and_why(staff_client):
    mine = _fiches(5)
    first = make_usage_rule(title="Associations qui diversifient", priority=90, profiles=["association"],
                            items=[{"fiche": f, "why": f"Raison {n}."} for n, f in enumerate(mine)])
    make_usage_rule(title="Pour les entreprises", profiles=["entreprise"], items=[{"fiche": make_fiche()}])
    shadowed = make_usage_rule(title="Déjà couverte", priority=10, items=[{"fiche": mine[0]}])

    page = _page(staff_client.get(f"{PREVIEW}?{ASSOCIATION_2H}"))

    for n, fiche in enumerate(mine):
        assert f'<a href="{fiche.get_absolute_url()}">{fiche.title}</a>' in page
        assert f"Raison {n}." in page
    assert page.count(f'<a href="{RULES}{first.pk}/change/">Associations qui diversifient</a>') == 5
    assert "Pour les entreprises" not in page
    assert "5 éléments, 10\u202fmin au total pour 2\u202fh disponibles." in page
    silent = page.split("Règles applicables qui n’ont rien donné")[1]
    assert f'<a href="{RULES}{shadowed.pk}/change/">Déjà couverte</a>' in silent
    assert "Déjà dans le parcours, au titre d’une autre règle" in silent


def test_the_preview_reads_the_rules_saved_now_not_the_cached_book(staff_client):
    rulebook()  # cached, without the rule below
    make_usage_rule(title="Règle toute neuve", items=[{"fiche": f} for f in _fiches(5)])

    assert "Règle toute neuve" in _page(staff_client.get(f"{PREVIEW}?{ASSOCIATION_2H}"))


def test_the_preview_marks_the_fallback_and_the_built_in_paths(staff_client):
    assert "«\u00a0parcours intégré\u00a0»" in _page(staff_client.get(f"{PREVIEW}?{ASSOCIATION_2H}"))

    make_usage_rule(title="Deux fiches", items=[{"fiche": f} for f in _fiches(2)])
    make_usage_rule(title="Secours", is_fallback=True, items=[{"fiche": f} for f in _fiches(4)])
    page = _page(staff_client.get(f"{PREVIEW}?{ASSOCIATION_2H}"))

    assert page.count("«\u00a0parcours de secours\u00a0»") == 4  # the notice and the three entries it gave
    assert "«\u00a0parcours intégré\u00a0»" not in page


def test_the_preview_says_why_a_matching_rule_gave_nothing(staff_client):
    make_usage_rule(title="Cinq fiches", priority=90, items=[{"fiche": f} for f in _fiches(5)])
    draft = make_fiche(title="Brouillon", status=Fiche.Status.DRAFT)
    make_usage_rule(title="Trop longue", priority=50, items=[{"step": make_step(make_parcours(), minutes=600)},
                                                              {"fiche": draft}])
    make_usage_rule(title="Secours inutile", is_fallback=True, items=[{"fiche": make_fiche(title="De secours")}])

    silent = _page(staff_client.get(f"{PREVIEW}?{ASSOCIATION_2H}")).split("Règles applicables qui n’ont rien donné")[1]

    assert "Trop longue" in silent and "Trop long pour le temps restant, ou parcours déjà complet" in silent
    assert "Retiré du hub, ou fiche non publiée" in silent
    assert "Secours inutile" in silent and "Règle de secours non utilisée" in silent


def test_the_preview_says_when_a_level_already_holds_a_rule_s_step(staff_client):
    parcours = make_parcours(steps=2, depths=("decouverte",))
    make_usage_rule(title="Le niveau", priority=90, items=[{"parcours": parcours, "depth": "decouverte", "minutes": 20},
                                                           *({"fiche": f} for f in _fiches(4))])
    make_usage_rule(title="Une de ses étapes", priority=50, items=[{"step": parcours.steps.first(), "minutes": 5}])

    silent = _page(staff_client.get(f"{PREVIEW}?{ASSOCIATION_2H}")).split("Règles applicables qui n’ont rien donné")[1]

    assert "Une de ses étapes" in silent and "Ses étapes sont déjà dans le parcours" in silent


def test_the_preview_without_answers_shows_the_form(staff_client):
    page = _page(staff_client.get(PREVIEW))
    assert "<h1>Aperçu d’un parcours d’usage</h1>" in page
    assert 'name="profil"' in page and 'name="region"' in page and "Le parcours</h2>" not in page


@pytest.mark.parametrize("query, message", [
    ("profil=pirate&objectif=diversifier&maturite=je-pilote&temps=2-h", "Cette réponse n’est pas proposée"),
    ("profil=association", "Choisissez ce que vous voulez faire en premier."),
    (f"{ASSOCIATION_2H}&region=atlantide", "Cette région n’est pas dans la liste"),
    ("temps=%00&objectif[]=x&maturite=" + "x" * 5000, "Dites-nous quel type d’organisation vous représentez."),
])
def test_garbage_answers_get_a_400_with_the_form_s_french_errors(staff_client, query, message):
    page = _page(staff_client.get(f"{PREVIEW}?{query}"), status=400)
    assert message in page and "errornote" in page and "Le parcours</h2>" not in page


def test_the_preview_runs_the_same_queries_for_few_rules_or_many(staff_client):
    region = make_vocabulary(Region, slug="occitanie")
    make_usage_rule(regions=[region], items=_every_kind(1))
    query = f"{PREVIEW}?{ASSOCIATION_2H}&region=occitanie"
    few = _queries(staff_client, query)
    for _ in range(6):
        make_usage_rule(regions=[region], items=_every_kind(1))

    assert _queries(staff_client, query) == few


# The statistics


def _month(months_ago=0):
    today = timezone.localdate()
    months = today.year * 12 + today.month - 1 - months_ago
    return date(months // 12, months % 12 + 1, 1)


def _count(month, count, profile="association", aim="diversifier"):
    UsagePathCount.objects.create(month=month, profile=profile, aim=aim, maturity="je-decouvre", time="2-h",
                                  count=count)


def test_the_statistics_sum_the_paths_shown_per_profile_and_aim_over_the_period(staff_client):
    _count(_month(), 3)
    _count(_month(), 4, aim="alliance")
    UsagePathCount.objects.create(month=_month(), profile="association", aim="diversifier", maturity="je-pilote",
                                  time="30-min", count=2)
    _count(_month(2), 5, profile="fondation")
    _count(_month(30), 100)

    page = _page(staff_client.get(f"{STATS}?periode=12-mois"))
    row = page.split('<th scope="row">Association</th>')[1].split("</tr>")[0]
    assert re.findall(r"<td>(?:<strong>)?(\d+)", row) == ["0", "0", "5", "0", "4", "0", "9"]
    assert "14 parcours affichés" in page
    assert "Diversifier mes ressources</th>" in page and '<th scope="row">Fondation ou fonds de dotation</th>' in page
    assert "aucune donnée personnelle" in page

    assert "114 parcours affichés" in _page(staff_client.get(f"{STATS}?periode=tout"))
    assert "9 parcours affichés" in _page(staff_client.get(f"{STATS}?periode=30-jours"))
    assert "14 parcours affichés" in _page(staff_client.get(STATS))  # twelve months, by default


def test_the_first_items_opened_come_most_opened_first_with_removed_ones_named_by_key(staff_client):
    fiche = make_fiche(title="La fiche la plus ouverte")
    gone = make_fiche()
    UsageFirstOpenCount.objects.create(month=_month(), item=f"fiche:{fiche.pk}", count=7)
    UsageFirstOpenCount.objects.create(month=_month(1), item=f"fiche:{fiche.pk}", count=5)
    UsageFirstOpenCount.objects.create(month=_month(), item="diagnostic", count=9)
    UsageFirstOpenCount.objects.create(month=_month(), item=f"fiche:{gone.pk}", count=2)
    UsageFirstOpenCount.objects.create(month=_month(), item="page:glossaire", count=1)
    gone_key = f"fiche:{gone.pk}"
    gone.delete()

    page = _page(staff_client.get(STATS)).split("Premiers éléments ouverts")[1]

    positions = [page.index(text) for text in ("La fiche la plus ouverte", "Mon modèle socio-économique",
                                               gone_key, "Le glossaire")]
    assert positions == sorted(positions)
    assert f'<a href="{fiche.get_absolute_url()}">La fiche la plus ouverte</a></th><td>Fiche' in page
    gone_row = page.split(f"élément retiré <code>{gone_key}</code>")[1].split("</tr>")[0]
    assert "<td>2</td>" in gone_row


def test_a_period_not_offered_gets_a_400_with_a_french_message(staff_client):
    page = _page(staff_client.get(f"{STATS}?periode=toujours"), status=400)
    assert "Cette période n’est pas proposée\u00a0: choisissez-en une de la liste." in page


def test_the_statistics_run_the_same_queries_whatever_the_rows(staff_client):
    _count(_month(), 1, aim="alliance")
    parcours = make_parcours()
    for key in (f"fiche:{make_fiche().pk}", f"step:{make_step(parcours).pk}", f"worksheet:{make_worksheet().pk}"):
        UsageFirstOpenCount.objects.create(month=_month(), item=key, count=1)
    few = _queries(staff_client, STATS)
    for months_ago in range(12):
        for profile in ("association", "fondation", "entreprise"):
            _count(_month(months_ago), months_ago + 1, profile=profile)
    keys = [f"fiche:{make_fiche().pk}" for _ in range(8)] + [f"step:{make_step(parcours).pk}" for _ in range(5)]
    keys += ["diagnostic", "fiche:999999", f"worksheet:{make_worksheet().pk}"]
    for n, key in enumerate(keys):
        UsageFirstOpenCount.objects.create(month=_month(n % 3), item=key, count=n + 1)

    assert _queries(staff_client, STATS) == few  # one query per kind of item, not per item


# Who may open these pages, and what they are called


@pytest.mark.parametrize("url, title", [(PREVIEW, "Aperçu d’un parcours d’usage"),
                                        (STATS, "Statistiques des parcours d’usage")])
def test_the_preview_and_the_statistics_have_a_french_title_and_one_heading(staff_client, url, title):
    page = _page(staff_client.get(url))
    assert f"<title>{title} | Administration du hub</title>" in page
    assert page.count("<h1") == 1 and f"<h1>{title}</h1>" in page
    assert '<html lang="fr"' in page
    assert f'<a href="{RULES}">Règles de parcours d’usage</a> ›' in page  # the breadcrumb leads back to the rules


@pytest.mark.parametrize("url", [RULES, PREVIEW, f"{PREVIEW}?{ASSOCIATION_2H}", STATS])
def test_an_anonymous_visitor_is_sent_to_the_admin_login(visitor, url, db):
    response = visitor.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", [PREVIEW, STATS])
def test_a_logged_in_learner_is_not_served(learner_client, url):
    response = learner_client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response.headers["Location"]


@pytest.mark.parametrize("url", [PREVIEW, STATS])
def test_staff_without_the_view_permission_is_refused_and_with_it_served(client, django_user_model, url):
    editor = django_user_model.objects.create_user(username="dora", password="pw-dora-123", is_staff=True)
    client.force_login(editor)
    assert client.get(url).status_code == 403

    editor.user_permissions.add(Permission.objects.get(codename="view_usagerule"))
    assert client.get(url).status_code == 200


def test_worksheets_levers_and_fiches_are_found_by_the_items_autocomplete(staff_client):
    make_worksheet(title="Tableau des ressources")
    make_lever(label="Richesses humaines")
    parcours = make_parcours(title="Qualifier son modèle")
    for model, field, term in ((Worksheet, "worksheet", "Tableau"), (Lever, "lever", "Richesses"),
                               (Fiche, "fiche", "fiche"), (type(parcours), "parcours", "Qualifier")):
        response = staff_client.get("/admin/autocomplete/", {"term": term, "app_label": "parcours",
                                                             "model_name": "usageruleitem", "field_name": field})
        assert response.status_code == 200, (model, response.content)
