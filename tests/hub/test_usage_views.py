"""« Par où commencer ? » as a visitor and a person use it: the questionnaire, the path in the address, bad answers,
keeping a path, its progress, the merge at sign-up, and nobody else's path."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.http import QueryDict

from parcours.models import KeptUsagePath, UsageFirstOpenCount, UsagePathCount, UsageRuleItem
from parcours.usage_services import MAX_KEPT, SESSION_KEY
from tests.factories import make_fiche, make_organisation, make_parcours, make_usage_rule, make_vocabulary
from tests.signup import sign_up
from resources.models import Fiche, Region

pytestmark = pytest.mark.django_db

User = get_user_model()
URL = "/par-ou-commencer/"
ANSWERS = {"profil": "association", "objectif": "diversifier", "maturite": "j-ai-commence", "temps": "2-h"}
QUERY = "profil=association&objectif=diversifier&maturite=j-ai-commence&temps=2-h"
SIGNUP = {"email": "dana@example.org", "display_name": "", "password1": "un-mot-de-passe-solide",
          "password2": "un-mot-de-passe-solide"}


@pytest.fixture
def rules():
    """A rule for associations that want to diversify (five fiches, a step, the diagnostic), and a fallback."""
    parcours = make_parcours(steps=2, slug="qualifier")
    step = parcours.steps.order_by("order").first()
    fiches = [make_fiche(title=f"Diversifier, lecture {n}") for n in range(1, 5)]
    make_usage_rule(profiles=["association"], aims=["diversifier"], priority=70, items=[
        *({"fiche": f} for f in fiches), {"step": step},
        {"kind": UsageRuleItem.Kind.DIAGNOSTIC, "minutes": 20, "why": "Situer votre modèle avant d’agir."},
    ])
    make_usage_rule(is_fallback=True, items=[{"fiche": make_fiche(title=f"Général {n}")} for n in range(5)])
    return {"fiches": fiches, "step": step, "parcours": parcours}


def keys_in(response):
    return re.findall(r'name="element" value="([^"]+)"', response.content.decode())


# The questionnaire


def test_the_questionnaire_is_reachable_from_the_home_page_and_the_menu_without_an_account(visitor):
    home = visitor.get("/").content.decode()
    assert home.count(f'href="{URL}"') >= 2  # the hero, the doors and the menu

    page = visitor.get(URL)

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<fieldset") == 5 and "<legend>Votre organisation" in html
    assert 'method="get"' in html and "csrf" not in html  # a plain GET form: no account, no JavaScript
    for value in ("association", "collectivite", "reseau", "accompagnateur", "financeur", "gouvernance",
                  "je-pilote", "plusieurs-semaines"):
        assert f'value="{value}"' in html


def test_answers_give_a_path_within_the_time_and_are_counted_without_who(visitor, rules):
    response = visitor.get(URL, ANSWERS)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Diversifier, lecture 1" in html and "Situer votre modèle avant d’agir." in html
    path = response.context["path"]
    assert 5 <= len(path.entries) <= 12 and path.total_minutes <= 120 and not path.used_fallback
    row = UsagePathCount.objects.get()
    assert (row.profile, row.aim, row.maturity, row.time, row.count) == ("association", "diversifier",
                                                                        "j-ai-commence", "2-h", 1)
    assert not visitor.session.keys()  # reading a path writes nothing about the visitor


def test_the_address_is_the_path_and_round_trips(visitor, rules):
    # The form sends empty optional answers; a link may come in another order, with a tracking parameter.
    sent = visitor.get(URL + "?temps=2-h&maturite=j-ai-commence&objectif=diversifier&profil=association&region="
                             "&domaine=&utm_source=lettre")
    assert sent.status_code == 302 and sent["Location"] == f"{URL}?{QUERY}"
    assert not UsagePathCount.objects.exists()  # counted once, on the path's own address
    shuffled = visitor.get(sent["Location"])
    share = re.search(r'id="lien-parcours"[^>]*value="[^"?]+\?([^"]+)"', shuffled.content.decode()).group(1)

    assert share.replace("&amp;", "&") == QUERY
    again = visitor.get(URL + "?" + share.replace("&amp;", "&"))
    assert [e.key for e in again.context["path"].entries] == [e.key for e in shuffled.context["path"].entries]
    assert QueryDict(share.replace("&amp;", "&")).dict() == ANSWERS


@pytest.mark.parametrize("query, message", [
    ("profil=pirate&objectif=diversifier&maturite=j-ai-commence&temps=2-h", "n’est pas proposée"),
    ("profil=association", "Choisissez ce que vous voulez faire en premier."),
    ("profil=association&objectif=diversifier&maturite=j-ai-commence&temps=3-ans", "n’est pas proposée"),
    (QUERY + "&region=atlantide", "Cette région n’est pas dans la liste"),
    (QUERY + "&domaine=%00%27%22", "Le caractère nul n’est pas autorisé."),
    (QUERY + "&domaine=%27%22%3Cscript%3E", "Ce domaine n’est pas dans la liste"),
    ("profil=" + "a" * 10000 + "&objectif=diversifier&maturite=j-ai-commence&temps=2-h", "n’est pas proposée"),
    ("profil=&objectif=&maturite=&temps=", "Dites-nous quel type d’organisation vous représentez."),
])
def test_bad_answers_get_a_400_with_the_questionnaire_and_a_clear_message(visitor, query, message):
    response = visitor.get(URL + "?" + query)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'role="alert"' in html
    assert not UsagePathCount.objects.exists()


def test_unknown_parameters_alone_show_the_questionnaire(visitor):
    assert visitor.get(URL + "?utm_source=lettre&page=9999").status_code == 200


def test_a_region_adds_its_rule_and_shows_in_the_answers(visitor, rules):
    bretagne = make_vocabulary(Region, slug="bretagne", label="Bretagne")
    make_usage_rule(regions=[bretagne], priority=90, items=[{"fiche": make_fiche(title="Repères bretons")}])

    response = visitor.get(URL, {**ANSWERS, "region": "bretagne"})

    assert "Repères bretons" in response.content.decode()
    assert ("Région", "Bretagne") in response.context["answers"].labels()


def test_without_any_rule_the_built_in_path_is_shown(visitor):
    response = visitor.get(URL, ANSWERS)

    assert response.status_code == 200 and response.context["path"].built_in
    assert "pas encore de parcours prévu" in response.content.decode()


def test_the_path_page_costs_the_same_queries_whatever_the_rules(visitor, rules, django_assert_max_num_queries):
    visitor.get(URL, ANSWERS)  # the rule book is read once per content version
    for n in range(30):
        make_usage_rule(aims=["diversifier"], priority=10, items=[{"fiche": make_fiche(title=f"Autre {n}")}])
    with django_assert_max_num_queries(16):
        visitor.get(URL, ANSWERS)


# The first item, counted


def test_opening_the_first_item_counts_it_and_goes_there(visitor, rules):
    page = visitor.get(URL, ANSWERS).content.decode()
    first = re.search(r'href="(/par-ou-commencer/ouvrir/\?element=[^"]+)"', page).group(1)

    response = visitor.get(first.replace("&amp;", "&"))

    assert response.status_code == 302 and response["Location"].startswith("/")
    assert UsageFirstOpenCount.objects.get().count == 1


@pytest.mark.parametrize("element", ["", "fiche:999999", "fiche:abc", "https://evil.example", "page:inconnue",
                                     "parcours:1:inconnu", "x" * 5000])
def test_a_forged_item_is_not_found(visitor, element):
    assert visitor.get("/par-ou-commencer/ouvrir/", {"element": element}).status_code == 404
    assert not UsageFirstOpenCount.objects.exists()


def test_a_draft_fiche_cannot_be_opened_through_the_counter(visitor):
    draft = make_fiche(status=Fiche.Status.DRAFT)
    assert visitor.get("/par-ou-commencer/ouvrir/", {"element": f"fiche:{draft.pk}"}).status_code == 404


# Keeping a path


def test_a_visitor_keeps_a_path_in_this_browser_and_sees_it_in_mon_espace(visitor, rules):
    response = visitor.post("/par-ou-commencer/garder/", ANSWERS)

    assert response.status_code == 302
    kept_url = response["Location"]
    assert kept_url.startswith("/mon-espace/parcours-d-usage/")
    page = visitor.get(kept_url)
    assert page.status_code == 200 and "Diversifier, lecture 1" in page.content.decode()
    shown = visitor.get(URL, ANSWERS, follow=True).context["path"]
    kept = page.context["path"]  # the diagnostic keeps its rule's time and why once kept
    assert [(e.key, e.minutes, e.why) for e in kept.entries] == [(e.key, e.minutes, e.why) for e in shown.entries]
    assert "0 ressource faite sur 6" in page.content.decode()
    space = visitor.get("/mon-espace/").content.decode()
    assert "Association · diversifier mes ressources" in space and kept_url in space
    assert "gardé dans Mon espace" in visitor.get(URL, ANSWERS).content.decode()


def test_keeping_the_same_answers_twice_keeps_one_path(learner_client, learner, rules):
    first = learner_client.post("/par-ou-commencer/garder/", ANSWERS)["Location"]
    second = learner_client.post("/par-ou-commencer/garder/", {**ANSWERS})["Location"]

    assert first == second and KeptUsagePath.objects.filter(user=learner).count() == 1
    assert KeptUsagePath.objects.get().query == QUERY


def test_incomplete_answers_are_not_kept(learner_client, learner):
    response = learner_client.post("/par-ou-commencer/garder/", {"profil": "association"}, follow=True)

    assert "reprenez le questionnaire" in response.content.decode()
    assert not KeptUsagePath.objects.exists()


def test_a_person_keeps_at_most_twelve_paths(learner_client, learner, rules):
    for n, (aim, maturity, time) in enumerate(
            (a, m, t) for a in ("comprendre", "diversifier", "alliance") for m in ("je-decouvre", "je-pilote")
            for t in ("30-min", "2-h")):
        if n == MAX_KEPT:
            break
        learner_client.post("/par-ou-commencer/garder/", {**ANSWERS, "objectif": aim, "maturite": maturity, "temps": time})
    assert KeptUsagePath.objects.count() == MAX_KEPT

    response = learner_client.post("/par-ou-commencer/garder/", {**ANSWERS, "objectif": "gouvernance"}, follow=True)

    assert "Vous gardez déjà douze parcours" in response.content.decode()
    assert KeptUsagePath.objects.count() == MAX_KEPT


def test_ticking_an_item_and_work_done_elsewhere_show_as_progress(learner_client, learner, rules):
    kept_url = learner_client.post("/par-ou-commencer/garder/", ANSWERS)["Location"]
    fiche = rules["fiches"][0]

    ticked = learner_client.post(kept_url + "fait/", {"element": f"fiche:{fiche.pk}", "fait": "1", "numero": "3"})
    assert ticked.status_code == 302 and ticked["Location"] == kept_url + "#element-3"  # back to the item, not the top
    assert learner_client.post(kept_url + "fait/", {"element": "diagnostic", "fait": "0", "numero": "<b>"})[
        "Location"] == kept_url + "#progression"
    step = rules["step"]
    learner_client.post(f"/parcours/{step.parcours.slug}/{step.slug}/statut/", {"statut": "terminee"})
    make_organisation(user=learner, name="Les Amis du quartier")

    page = learner_client.get(kept_url).content.decode()
    assert "3 ressources faites sur 6" in page
    assert "3 ressources faites sur 6" in learner_client.get("/mon-espace/").content.decode()
    learner_client.post(kept_url + "fait/", {"element": f"fiche:{fiche.pk}", "fait": "0"})
    assert "2 ressources faites sur 6" in learner_client.get(kept_url).content.decode()
    # A logged-in person sees the same marks on the path itself, ticks included.
    learner_client.post(kept_url + "fait/", {"element": f"fiche:{fiche.pk}", "fait": "1"})
    assert learner_client.get(f"{URL}?{QUERY}").context["path"].done_count == 3


def test_ticking_an_item_that_is_not_in_the_path_is_refused(learner_client, rules):
    kept_url = learner_client.post("/par-ou-commencer/garder/", ANSWERS)["Location"]
    other = make_fiche()

    assert learner_client.post(kept_url + "fait/", {"element": f"fiche:{other.pk}", "fait": "1"}).status_code == 404
    assert learner_client.post(kept_url + "fait/", {"element": "x" * 500}).status_code == 404


def test_mon_espace_and_the_kept_page_count_the_same_items_once_one_left_the_hub(learner_client, rules):
    kept_url = learner_client.post("/par-ou-commencer/garder/", ANSWERS)["Location"]
    learner_client.post(kept_url + "fait/", {"element": f"fiche:{rules['fiches'][0].pk}", "fait": "1"})
    rules["fiches"][0].delete()

    assert "0 ressource faite sur 5" in learner_client.get(kept_url).content.decode()
    assert "0 ressource faite sur 5" in learner_client.get("/mon-espace/").content.decode()


def test_removing_a_kept_path(learner_client, learner, rules):
    kept_url = learner_client.post("/par-ou-commencer/garder/", ANSWERS)["Location"]
    confirm = learner_client.get(kept_url + "retirer/")
    assert confirm.status_code == 200 and "seront oubliées" in confirm.content.decode()
    assert KeptUsagePath.objects.exists()  # asking changes nothing

    response = learner_client.post(kept_url + "retirer/", follow=True)

    assert "retiré de Mon espace" in response.content.decode()
    assert not KeptUsagePath.objects.exists()
    assert learner_client.get(kept_url).status_code == 404


# Nobody else's path


def test_nobody_else_reaches_a_kept_path(client, learner, other_learner, visitor, rules):
    client.force_login(learner)
    kept_url = client.post("/par-ou-commencer/garder/", ANSWERS)["Location"]
    client.force_login(other_learner)

    for response in (client.get(kept_url), client.post(kept_url + "fait/", {"element": "diagnostic", "fait": "1"}),
                     client.get(kept_url + "retirer/"),
                     client.post(kept_url + "retirer/"), visitor.get(kept_url)):
        assert response.status_code == 404
    assert KeptUsagePath.objects.get().done == [] and "Association" not in client.get("/mon-espace/").content.decode()


@pytest.mark.parametrize("key", ["0", "zzzzzzzzzzzz", "a" * 12, "../../admin", "%00" * 4, "1" * 400])
def test_forged_keys_are_not_found(learner_client, key):
    assert learner_client.get(f"/mon-espace/parcours-d-usage/{key}/").status_code == 404


# The visitor's path joins the account


def test_a_visitor_s_kept_path_joins_the_account_at_sign_up(visitor, rules):
    kept_url = visitor.post("/par-ou-commencer/garder/", ANSWERS)["Location"]
    fiche = rules["fiches"][1]
    visitor.post(kept_url + "fait/", {"element": f"fiche:{fiche.pk}", "fait": "1"})

    response = sign_up(visitor, SIGNUP, follow=True)

    user = User.objects.get(email="dana@example.org")
    path = KeptUsagePath.objects.get(user=user)
    assert path.query == QUERY and path.done == [f"fiche:{fiche.pk}"] and len(path.entries) == 6
    assert "parcours d’usage gardé sur ce navigateur a été ajouté" in response.content.decode()
    assert SESSION_KEY not in visitor.session
    assert "Association · diversifier mes ressources" in visitor.get("/mon-espace/").content.decode()
    assert visitor.get(kept_url).status_code == 200  # the page the visitor signed up from is still theirs


def test_a_visitor_s_path_already_kept_by_the_account_merges_its_ticks(client, learner, rules):
    client.force_login(learner)
    client.post("/par-ou-commencer/garder/", ANSWERS)
    client.logout()
    kept_url = client.post("/par-ou-commencer/garder/", ANSWERS)["Location"]
    client.post(kept_url + "fait/", {"element": "diagnostic", "fait": "1"})

    client.login(username="alice", password="pw-alice-123")

    path = KeptUsagePath.objects.get(user=learner)
    assert path.done == ["diagnostic"]


def test_mon_espace_costs_the_same_queries_with_one_or_twelve_kept_paths(learner_client, learner, rules,
                                                                           django_assert_num_queries):
    def keep(aim, maturity, time):
        learner_client.post("/par-ou-commencer/garder/", {**ANSWERS, "objectif": aim, "maturite": maturity, "temps": time})

    keep("diversifier", "j-ai-commence", "2-h")
    learner_client.get("/mon-espace/")
    with CaptureQueriesContext(connection) as one:
        learner_client.get("/mon-espace/")
    count = len(one)  # now: the next request empties the connection's log
    assert count > 5
    for aim in ("comprendre", "alliance", "gouvernance"):
        for maturity in ("je-decouvre", "je-pilote"):
            for time in ("30-min", "une-journee"):
                if KeptUsagePath.objects.count() < MAX_KEPT:
                    keep(aim, maturity, time)
    assert KeptUsagePath.objects.count() == MAX_KEPT
    with django_assert_num_queries(count):
        response = learner_client.get("/mon-espace/")
    assert len(response.context["kept_paths"]) == MAX_KEPT
