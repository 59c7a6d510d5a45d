"""The shared page cache (core.content_cache): anonymous content pages come from the cache without a query, an edit
by staff shows on the very next request, and nothing of one person is ever stored or served to another."""

import re
import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib import messages
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from accounts.models import Session
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path
from taggit.models import Tag, TaggedItem

from diagnostic.models import ActivationDescriptor, Organisation, RecommendationRule, Snapshot, ValuationRates
from core.content_cache import (
    VERSION_KEY,
    bump_content_version,
    cached,
    content_version,
    is_content_model,
    recent,
    reset_process_caches,
    shared_page,
)
from accounts.models import Profile
from parcours.models import Enrolment, Parcours, SavedFiche, Step, StepProgress
from resources import facet_index, search
from resources import models as m
from tests.factories import make_component, make_fiche, make_lever, make_parcours, make_step, make_vocabulary
from tests.hardening import test_per_user_urls as per_user

pytestmark = pytest.mark.django_db

# The fixture of the per-user registry (alice, a visitor session, their progress, notes, saved fiches, diagnostics).
world = per_user.world

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)
CONTENT_PAGES = (
    "/",
    "/referentiel/",
    "/fiches/",
    "/leviers/levier-cache/",
    "/leviers/levier-cache/composante-cache/",
    "/regions/",
    "/regions/region-cache/",
    "/accessibilite/",
    "/mentions-legales/",
    "/plan-du-site/",
    "/statut-de-l-information/",
    "/bibliographie/",
)


def state(response):
    """« hit », « miss », or None for a response the cache did not touch."""
    return response.headers.get("X-Hub-Cache")


def text(response):
    return response.content.decode()


def fresh_get(path, **kwargs):
    """A first visit: a browser of its own, without any cookie."""
    return Client().get(path, **kwargs)


def results_count(response):
    """The « N fiches » heading of the catalogue."""
    return int(re.search(r'id="nombre-resultats"[^>]*>(\d+) fiche', text(response)).group(1))


def facet_count(response, facet, value):
    """The count shown next to one facet option (resources/templatetags/catalogue.py), None if absent."""
    found = re.search(rf'<label for="f-{facet}-{re.escape(value)}">[^<]*<span class="hub-count">(\d+)<', text(response))
    return int(found.group(1)) if found else None


def facet_label(response, facet, value):
    found = re.search(rf'<label for="f-{facet}-{re.escape(value)}">([^<]*) <span class="hub-count">', text(response))
    return found.group(1) if found else None


def warm(client, path):
    """Store the page, then check it is served from the cache: an edit must then be what makes it stale."""
    assert state(client.get(path)) == "miss", path
    assert state(client.get(path)) == "hit", path


@pytest.fixture
def site():
    lever = make_lever(slug="levier-cache", label="Levier en cache", theme="fin")
    component = make_component(lever, slug="composante-cache", label="Composante en cache")
    region = make_vocabulary(m.Region, slug="region-cache", label="Région en cache")
    fiche = make_fiche(slug="fiche-cache", title="Fiche en cache", levers=[lever])
    fiche.components.add(component)
    fiche.regions.add(region)
    fiche.tags.add("mot-en-cache")
    make_parcours(title="Parcours en cache", steps=1)
    return {"lever": lever, "component": component, "region": region, "fiche": fiche}


# 1. Served from the cache -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_an_anonymous_content_page_is_stored_once_then_served_to_everyone_without_a_query(
    site, visitor, page, django_assert_num_queries
):
    first = visitor.get(page)
    assert first.status_code == 200 and state(first) == "miss"
    with django_assert_num_queries(0):
        again = visitor.get(page)
        elsewhere = fresh_get(page)  # another browser, same shared entry
    for response in (again, elsewhere):
        assert response.status_code == 200 and state(response) == "hit"
        assert response.content == first.content
        assert response["Content-Type"] == first["Content-Type"]
        for header in SECURITY_HEADERS:
            assert response.headers.get(header) and response[header] == first[header], header


def test_the_pages_show_what_the_fixture_made(site, visitor):
    """Without this, the tests below could look for text on pages that never showed it."""
    assert "Levier en cache" in text(visitor.get("/")) and "Levier en cache" in text(visitor.get("/referentiel/"))
    assert "Fiche en cache" in text(visitor.get("/leviers/levier-cache/"))
    assert "Fiche en cache" in text(visitor.get("/leviers/levier-cache/composante-cache/"))
    assert "Fiche en cache" in text(visitor.get("/regions/region-cache/"))
    assert "Parcours en cache" in text(visitor.get("/plan-du-site/"))
    catalogue = visitor.get("/fiches/")
    assert facet_label(catalogue, "tag", "mot-en-cache") == "mot-en-cache" and facet_count(catalogue, "famille", "action") == 1


def vary(response):
    return {token.strip() for token in response.headers.get("Vary", "").split(",") if token.strip()}


@pytest.mark.parametrize("page", ["/fiches/", "/"])
def test_a_hit_keeps_the_vary_header_of_the_page_it_replays(site, visitor, page):
    """/fiches/ answers two ways at one address (the full page, or the results alone for catalogue.js): without
    « Vary: X-Hub-Partial » a browser may show the bare results on « Back » after catalogue.js fetched them; and every
    page differs for a logged-in person (« Vary: Cookie »)."""
    first = visitor.get(page)
    again = visitor.get(page)
    assert state(again) == "hit"
    assert "Cookie" in vary(first) and ("X-Hub-Partial" in vary(first) or page != "/fiches/")
    assert vary(again) == vary(first)


# 2. An edit shows at once -------------------------------------------------------------------------------------------


def admin_post(staff_client, url, data):
    response = staff_client.post(url, data)
    errors = response.context["adminform"].form.errors if response.status_code == 200 and response.context else ""
    assert response.status_code == 302, errors
    return response


def lever_form(lever, **changes):
    data = {
        "label": lever.label, "slug": lever.slug, "order": lever.order, "description": lever.description,
        "provenance": lever.provenance, "source_url": lever.source_url, "question": lever.question, "theme": lever.theme,
        "components-TOTAL_FORMS": "0", "components-INITIAL_FORMS": "0",
        "components-MIN_NUM_FORMS": "0", "components-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def fiche_form(fiche, **changes):
    data = {
        "family": fiche.family, "title": fiche.title, "slug": fiche.slug, "chapeau": fiche.chapeau, "body": fiche.body,
        "tags": ", ".join(sorted(fiche.tags.names())), "status": fiche.status,
        "published_at_0": "", "published_at_1": "", "last_reviewed": "",
        "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0", "sources-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def publish(staff_client, *fiches, action="publish"):
    response = staff_client.post("/admin/resources/fiche/", {"action": action, "_selected_action": [f.pk for f in fiches]})
    assert response.status_code == 302


def test_a_lever_renamed_in_the_admin_shows_at_once_on_its_page_and_on_the_home_page(staff_client, visitor):
    lever = make_lever(slug="financement", label="Financement", question="Comment financer ?", theme="fin")
    warm(visitor, "/leviers/financement/")
    warm(visitor, "/")
    admin_post(staff_client, f"/admin/resources/lever/{lever.pk}/change/", lever_form(lever, label="Financement renouvelé"))
    for page in ("/leviers/financement/", "/"):
        response = visitor.get(page)
        assert state(response) == "miss", page
        assert "Financement renouvelé" in text(response), page


def test_a_draft_published_with_the_admin_action_joins_the_fiche_list_at_once(staff_client, visitor):
    make_fiche(title="Fiche déjà publiée")
    draft = make_fiche(title="Brouillon bientôt publié", status=m.Fiche.Status.DRAFT, published_at=None)
    warm(visitor, "/fiches/")
    before = visitor.get("/fiches/")
    assert "Brouillon bientôt publié" not in text(before) and results_count(before) == 1
    publish(staff_client, draft)
    after = visitor.get("/fiches/")
    assert state(after) == "miss"
    assert "Brouillon bientôt publié" in text(after) and results_count(after) == 2


def test_a_fiche_unpublished_with_the_admin_action_leaves_the_fiche_list_at_once(staff_client, visitor):
    make_fiche(title="Fiche qui reste")
    leaving = make_fiche(title="Fiche bientôt retirée")
    warm(visitor, "/fiches/")
    assert "Fiche bientôt retirée" in text(visitor.get("/fiches/"))
    publish(staff_client, leaving, action="unpublish")
    after = visitor.get("/fiches/")
    assert state(after) == "miss"
    assert "Fiche bientôt retirée" not in text(after) and results_count(after) == 1


def test_a_fiche_deleted_in_the_admin_leaves_the_fiche_list_at_once(staff_client, visitor):
    make_fiche(title="Fiche qui reste")
    doomed = make_fiche(title="Fiche bientôt supprimée")
    warm(visitor, "/fiches/")
    admin_post(staff_client, f"/admin/resources/fiche/{doomed.pk}/delete/", {"post": "yes"})
    assert not m.Fiche.objects.filter(pk=doomed.pk).exists()
    after = visitor.get("/fiches/")
    assert state(after) == "miss"
    assert "Fiche bientôt supprimée" not in text(after) and results_count(after) == 1


def test_tags_changed_in_the_admin_form_show_at_once_in_the_tag_facet(staff_client, visitor):
    """Tags have no page of their own: the catalogue's « mots-clés » facet is where they show."""
    fiche = make_fiche(title="Fiche étiquetée")
    fiche.tags.add("ancien-mot")
    warm(visitor, "/fiches/")
    assert facet_count(visitor.get("/fiches/"), "tag", "ancien-mot") == 1
    admin_post(staff_client, f"/admin/resources/fiche/{fiche.pk}/change/", fiche_form(fiche, tags="nouveau-mot"))
    assert sorted(fiche.tags.names()) == ["nouveau-mot"]
    after = visitor.get("/fiches/")
    assert state(after) == "miss"
    assert facet_count(after, "tag", "nouveau-mot") == 1 and facet_count(after, "tag", "ancien-mot") is None


def test_a_fiche_title_saved_through_the_orm_shows_at_once(visitor):
    fiche = make_fiche(title="Titre d’origine")
    warm(visitor, "/fiches/")
    warm(visitor, "/")
    fiche.title = "Titre corrigé"
    fiche.save()
    for page in ("/fiches/", "/"):
        response = visitor.get(page)
        assert state(response) == "miss" and "Titre corrigé" in text(response), page


def test_a_tag_renamed_through_the_orm_shows_at_once(visitor):
    make_fiche().tags.add("benevolat")
    warm(visitor, "/fiches/")
    tag = Tag.objects.get(name="benevolat")
    tag.name = "bénévolat renommé"
    tag.save()
    after = visitor.get("/fiches/")
    assert state(after) == "miss" and facet_label(after, "tag", tag.slug) == "bénévolat renommé"


def test_a_fiche_added_to_a_component_shows_at_once_on_the_component_page(visitor):
    component = make_component(make_lever(slug="alliances"), slug="mutualisation")
    fiche = make_fiche(title="Partager des locaux")
    warm(visitor, "/leviers/alliances/mutualisation/")
    assert "Partager des locaux" not in text(visitor.get("/leviers/alliances/mutualisation/"))
    component.fiches.add(fiche)  # m2m_changed only: no row of Fiche or Component is saved
    after = visitor.get("/leviers/alliances/mutualisation/")
    assert state(after) == "miss" and "Partager des locaux" in text(after)


def test_a_parcours_title_saved_through_the_orm_shows_at_once_on_the_site_map(visitor):
    parcours = make_parcours(title="Parcours d’origine")
    warm(visitor, "/plan-du-site/")
    parcours.title = "Parcours renommé"
    parcours.save()
    after = visitor.get("/plan-du-site/")
    assert state(after) == "miss" and "Parcours renommé" in text(after) and "Parcours d’origine" not in text(after)


def test_a_step_saved_through_the_orm_makes_the_cached_pages_stale(visitor):
    """No cached page shows a step's title (the step pages are per user): the version is what must change."""
    step = make_step(make_parcours())
    warm(visitor, "/plan-du-site/")
    version = content_version()
    step.title = "Étape renommée"
    step.save()
    assert content_version() not in (None, version)
    assert state(visitor.get("/plan-du-site/")) == "miss"


def test_what_people_do_on_the_site_does_not_empty_the_cache(visitor, learner, site):
    """Progress, saved fiches, diagnostics, sessions and accounts are not content: saving them keeps the pages."""
    warm(visitor, "/")
    version = content_version()
    step = Step.objects.first()
    StepProgress.objects.create(user=learner, step=step, status="terminee")
    Enrolment.objects.create(user=learner, parcours=step.parcours)
    SavedFiche.objects.create(user=learner, fiche=site["fiche"])
    Profile.objects.create(user=learner, display_name="Alice")
    organisation = Organisation.objects.create(name="Asso", user=learner)
    Snapshot.objects.create(organisation=organisation, year=2024)
    get_user_model().objects.create_user(username="dora", password="pw-dora-123")
    learner.save()
    assert content_version() == version
    assert state(visitor.get("/")) == "hit"


@pytest.mark.postgres_only(reason="SQLite locks the table: no read during the write")
@pytest.mark.django_db(transaction=True)
def test_a_page_read_while_an_edit_is_being_committed_is_not_served_after_the_commit():
    fiche = make_fiche(title="Titre avant")
    seen = {}

    def another_server_answers_a_visitor():
        try:
            seen["response"] = Client().get("/fiches/")
        finally:
            connection.close()

    with transaction.atomic():  # as the admin's change form does
        fiche.title = "Titre après"
        fiche.save()
        thread = threading.Thread(target=another_server_answers_a_visitor)
        thread.start()
        thread.join(timeout=30)
    assert "Titre avant" in text(seen["response"])  # it could not see the edit yet
    after = Client().get("/fiches/")
    assert "Titre après" in text(after), state(after)


# 3. Facet counts ------------------------------------------------------------------------------------------------------


def test_facet_counts_follow_a_publication_at_once_even_with_a_long_index_ttl(settings, staff_client, visitor):
    settings.FACET_INDEX_VERSION_TTL = 600
    make_fiche(family=m.Fiche.Family.ACTION)
    make_fiche(family=m.Fiche.Family.REPERE)
    draft = make_fiche(family=m.Fiche.Family.ACTION, status=m.Fiche.Status.DRAFT, published_at=None)
    # Filtered addresses are never page-cached, but they build (and keep) the per-process facet index.
    filtered = visitor.get("/fiches/?famille=action")
    assert state(filtered) is None and facet_count(filtered, "famille", "action") == 1
    warm(visitor, "/fiches/")
    assert facet_count(visitor.get("/fiches/"), "famille", "action") == 1
    publish(staff_client, draft)
    after = visitor.get("/fiches/")
    assert state(after) == "miss"
    assert facet_count(after, "famille", "action") == 2 and facet_count(after, "famille", "repere") == 1
    assert results_count(after) == 3
    filtered = visitor.get("/fiches/?famille=action")
    assert facet_count(filtered, "famille", "action") == 2 and results_count(filtered) == 2


# 4. Nothing personal is shared ----------------------------------------------------------------------------------------


def test_a_logged_in_page_is_never_served_from_nor_stored_in_the_cache(learner_client, visitor, site):
    mine = learner_client.get("/")
    assert mine.status_code == 200 and state(mine) is None and "Se déconnecter" in text(mine)
    anonymous = visitor.get("/")
    assert state(anonymous) == "miss"  # the logged-in page above was not stored
    assert "Se connecter" in text(anonymous) and "Se déconnecter" not in text(anonymous)
    assert state(visitor.get("/")) == "hit"
    mine = learner_client.get("/")
    assert state(mine) is None and "Se déconnecter" in text(mine)
    anonymous = fresh_get("/")
    assert state(anonymous) == "hit" and "Se connecter" in text(anonymous) and "Se déconnecter" not in text(anonymous)


def test_a_visitor_who_saved_a_fiche_gets_pages_of_their_own(visitor, site):
    warm(Client(), "/")
    saved = visitor.post("/mon-espace/fiches/fiche-cache/", {"action": "sauvegarder", "next": "/"})
    assert saved.status_code == 302 and "sessionid" in visitor.cookies
    mine = visitor.get("/")  # the « sauvegardée » message is shown here
    assert mine.status_code == 200 and state(mine) is None
    assert "sauvegardée dans Mon espace" in text(mine)
    for page in CONTENT_PAGES:
        assert state(visitor.get(page)) is None, page
    anonymous = fresh_get("/")
    assert state(anonymous) == "hit" and "sauvegardée dans Mon espace" not in text(anonymous)


def test_a_visitor_who_marked_a_step_done_gets_pages_of_their_own(visitor, site):
    step = Step.objects.select_related("parcours").get()
    warm(Client(), "/plan-du-site/")
    done = visitor.post(f"/parcours/{step.parcours.slug}/{step.slug}/statut/", {"statut": "terminee"})
    assert done.status_code == 302 and "sessionid" in visitor.cookies
    for page in ("/plan-du-site/", "/", "/fiches/"):
        response = visitor.get(page)
        assert response.status_code == 200 and state(response) is None, page
    assert state(fresh_get("/plan-du-site/")) == "hit"  # other visitors still share the page


def test_a_browser_with_a_pending_message_gets_it_and_nobody_else_does(site):
    """A message can wait in its own cookie, without any session (django.contrib.messages' CookieStorage)."""
    storage = CookieStorage(RequestFactory().get("/"))
    browser = Client()
    browser.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Message pour ce navigateur seul")])
    mine = browser.get("/")
    assert state(mine) is None and "Message pour ce navigateur seul" in text(mine)
    anonymous = fresh_get("/")
    assert state(anonymous) == "miss" and "Message pour ce navigateur seul" not in text(anonymous)


@pytest.mark.parametrize("page", ["/?utm_source=lettre", "/fiches/?famille=action", "/regions/?page=1", "/referentiel/?x"])
def test_an_address_with_a_query_string_is_never_served_from_the_cache(site, visitor, page):
    warm(visitor, page.split("?")[0])  # even with the address without it stored
    for _ in range(2):
        response = visitor.get(page)
        assert response.status_code == 200 and state(response) is None


def test_no_per_user_page_goes_through_the_cache(world):
    """Every GET page of the per-user registry (tests/hardening/test_per_user_urls.py), for its owners and for a
    stranger without any cookie (the request the cache would take): no X-Hub-Cache header, ever."""
    checked = 0
    for key, spec in per_user.PER_USER.items():
        if "get" not in spec.methods:
            continue
        for owner in spec.owners:
            owner_client = per_user.client_of(world, owner)
            for page in spec.paths(world, owner):
                for response in (owner_client.get(page), owner_client.get(page), fresh_get(page), fresh_get(page)):
                    assert state(response) is None, f"{key}: {page} ({owner})"
                    checked += 1
    assert checked >= 4 * 20


def test_the_fiche_page_and_its_save_button_are_not_cached(site, visitor):
    for _ in range(2):
        response = visitor.get("/fiches/fiche-cache/")
        assert response.status_code == 200 and state(response) is None
        assert "Sauvegarder" in text(response) and "csrfmiddlewaretoken" in text(response)


# A page of this module's own: decorated, but its template asks for a CSRF token.

FORM = Template('<form method="post">{% csrf_token %}<button type="submit">Envoyer</button></form>')


@shared_page
def page_with_a_form(request):
    return HttpResponse(FORM.render(RequestContext(request)))


@shared_page
def page_without_a_form(request):
    return HttpResponse("<p>Rien de personnel</p>")


@shared_page
def page_answering_not_found(request):
    return HttpResponse("<p>Absente</p>", status=404)  # returned, not raised: the decorator sees it


@shared_page
def page_setting_a_cookie(request):
    response = HttpResponse("<p>Votre choix est retenu</p>")
    response.set_cookie("choix", "1")
    return response


@shared_page
def page_writing_the_session(request):
    request.session["vu"] = True  # the session cookie is set by the middleware, after the view
    return HttpResponse("<p>Noté</p>")


@shared_page
def page_adding_a_message(request):
    messages.success(request, "Bienvenue")  # the messages cookie too
    return HttpResponse("<p>Message ajouté</p>")


urlpatterns = [
    path("session/", page_writing_the_session),
    path("message/", page_adding_a_message),
    path("formulaire/", page_with_a_form),
    path("sans-formulaire/", page_without_a_form),
    path("absente/", page_answering_not_found),
    path("cookie/", page_setting_a_cookie),
]


@pytest.mark.urls(__name__)
def test_a_decorated_page_that_uses_a_csrf_token_is_never_stored(visitor):
    tokens = set()
    for client in (visitor, visitor, Client()):  # without the CSRF cookie, with it, and again without
        response = client.get("/formulaire/")
        assert response.status_code == 200 and state(response) is None
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(response)).group(1))
    assert len(tokens) == 3
    # The same decorator on a page without a form does store it: the form is the only difference.
    assert [state(visitor.get("/sans-formulaire/")) for _ in range(2)] == ["miss", "hit"]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("page", ["/session/", "/message/"])
def test_a_decorated_page_that_will_set_a_session_or_messages_cookie_is_never_stored(page):
    for _ in range(2):
        response = Client().get(page)  # a fresh browser each time: no cookie that would skip the cache anyway
        assert response.status_code == 200 and state(response) is None and response.cookies


@pytest.mark.urls(__name__)
def test_a_decorated_page_that_answers_an_error_or_sets_a_cookie_is_never_stored(visitor):
    for page, status in (("/absente/", 404), ("/cookie/", 200)):
        for _ in range(2):
            response = visitor.get(page)
            assert response.status_code == status and state(response) is None, page


@pytest.mark.parametrize("page", ["/leviers/inexistant/", "/leviers/inexistant/composante/", "/inconnu/", "/regions/aucune/"])
def test_a_missing_page_is_not_stored(site, visitor, page):
    for _ in range(2):
        response = visitor.get(page)
        assert response.status_code == 404 and state(response) is None


def test_the_catalogue_results_alone_and_the_full_page_do_not_overwrite_each_other(site, visitor):
    partial = {"headers": {"X-Hub-Partial": "1"}}
    full_first = visitor.get("/fiches/")
    partial_first = visitor.get("/fiches/", **partial)
    assert (state(full_first), state(partial_first)) == ("miss", "miss")
    assert "<html" in text(full_first) and "<html" not in text(partial_first)
    assert 'id="nombre-resultats"' in text(partial_first)
    for _ in range(2):
        full, alone = visitor.get("/fiches/"), visitor.get("/fiches/", **partial)
        assert (state(full), state(alone)) == ("hit", "hit")
        assert full.content == full_first.content and alone.content == partial_first.content


# 5. Cache outage ----------------------------------------------------------------------------------------------------


class UnreachableCache(LocMemCache):
    """A cache server that does not answer."""

    def get(self, *args, **kwargs):
        raise ConnectionError("cache injoignable")

    def get_many(self, *args, **kwargs):
        raise ConnectionError("cache injoignable")

    def set(self, *args, **kwargs):
        raise ConnectionError("cache injoignable")

    def add(self, *args, **kwargs):
        raise ConnectionError("cache injoignable")


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.UnreachableCache", "LOCATION": "panne"}}
    with pytest.raises(ConnectionError):  # the setting_changed signal did replace the cache connections
        cache.get(VERSION_KEY)
    yield
    # The settings fixture restores CACHES after this fixture ends (and the signal reconnects the real cache).


def test_pages_still_answer_when_the_cache_is_down(site, cache_down, visitor):
    for page in ("/", "/fiches/", "/leviers/levier-cache/"):
        for _ in range(2):
            response = visitor.get(page)
            assert response.status_code == 200 and state(response) is None, page
    assert "Levier en cache" in text(visitor.get("/"))
    assert content_version() is None


def test_staff_edits_still_save_when_the_cache_is_down(site, cache_down, staff_client, visitor):
    lever = site["lever"]
    admin_post(staff_client, f"/admin/resources/lever/{lever.pk}/change/", lever_form(lever, label="Levier en panne"))
    publish(staff_client, site["fiche"], action="unpublish")
    site["fiche"].refresh_from_db()
    assert site["fiche"].status == m.Fiche.Status.DRAFT
    lever.refresh_from_db()
    assert lever.label == "Levier en panne"
    assert "Levier en panne" in text(visitor.get("/"))


# 6. Switched off ----------------------------------------------------------------------------------------------------


def test_a_zero_lifetime_switches_the_page_cache_off(site, settings, visitor):
    settings.HUB_PAGE_CACHE_SECONDS = 0
    for page in ("/", "/fiches/"):
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = visitor.get(page)
            assert response.status_code == 200 and state(response) is None
            assert len(queries) > 0, page


# 7. What counts as content --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [
    m.Fiche, m.Lever, m.Component, m.Region, m.FicheSource, Tag, TaggedItem, Parcours, Step,
    m.Fiche.components.through, m.Fiche.related.through, Step.fiches.through,
    RecommendationRule, RecommendationRule.fiches.through, ActivationDescriptor, ValuationRates,
], ids=lambda model: model._meta.label)
def test_content_models_are_the_referentiel_the_fiches_their_tags_and_the_parcours(model):
    assert is_content_model(model)


@pytest.mark.parametrize("model", [
    StepProgress, Enrolment, SavedFiche, Profile, Organisation, Snapshot, Session, get_user_model(),
    get_user_model().groups.through,
], ids=lambda model: model._meta.label)
def test_what_people_do_and_own_is_not_content(model):
    assert not is_content_model(model)


# 8. Content cache: the same-for-everyone part of per-person pages ---------------------------------------------------


def test_a_fiche_page_from_the_content_cache_renders_its_html_unescaped_and_costs_no_content_query(
    site, visitor, django_assert_max_num_queries
):
    first = visitor.get("/fiches/fiche-cache/")
    with django_assert_max_num_queries(0):
        again = visitor.get("/fiches/fiche-cache/")
    assert "X-Hub-Cache" not in again.headers  # the page itself is rendered per request (its Sauvegarder button)
    unmasked = [re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text(page)) for page in (first, again)]
    assert unmasked[0] == unmasked[1]  # but for the CSRF token, masked afresh for each response
    assert '<aside class="hub-fiche__aside"' in text(again) and "&lt;aside" not in text(again)
    assert "Composante en cache" in text(again) and "Région en cache" in text(again)


def test_a_fiche_page_follows_an_edit_of_its_fiche_and_of_its_vocabulary_at_once(site, visitor):
    visitor.get("/fiches/fiche-cache/")
    site["component"].label = "Composante renommée"
    site["component"].save()
    assert "Composante renommée" in text(visitor.get("/fiches/fiche-cache/"))
    site["fiche"].title = "Fiche retitrée"
    site["fiche"].save()
    assert "Fiche retitrée" in text(visitor.get("/fiches/fiche-cache/"))
    site["fiche"].status = m.Fiche.Status.DRAFT
    site["fiche"].save()
    assert visitor.get("/fiches/fiche-cache/").status_code == 404


def test_a_draft_fiche_is_never_taken_from_the_content_cache_and_stays_hidden_from_visitors(staff_client, visitor):
    make_fiche(slug="brouillon-cache", title="Brouillon en cache", status=m.Fiche.Status.DRAFT, published_at=None)
    for _ in range(2):
        assert "Brouillon en cache" in text(staff_client.get("/fiches/brouillon-cache/"))
        assert visitor.get("/fiches/brouillon-cache/").status_code == 404


def test_the_saved_state_of_a_fiche_stays_personal_when_its_content_comes_from_the_cache(site, learner_client, visitor):
    visitor.get("/fiches/fiche-cache/")
    learner_client.post("/mon-espace/fiches/fiche-cache/", {"action": "sauvegarder"})
    assert "Retirer de Mon espace" in text(learner_client.get("/fiches/fiche-cache/"))
    assert "Retirer de Mon espace" not in text(visitor.get("/fiches/fiche-cache/"))


def test_a_step_page_follows_an_edit_of_its_step_at_once(learner_client):
    parcours = make_parcours(slug="parcours-contenu", steps=2)
    step = parcours.steps.order_by("order").first()
    url = f"/parcours/parcours-contenu/{step.slug}/"
    assert learner_client.get(url).status_code == 200
    step.title = "Étape retitrée"
    step.body = "Un corps **réécrit**."
    step.save()
    page = text(learner_client.get(url))
    assert "Étape retitrée" in page and "<strong>réécrit</strong>" in page
    parcours.delete()
    assert learner_client.get(url).status_code == 404


def test_a_filtered_list_comes_from_the_content_cache_per_query_and_follows_edits(site, visitor, django_assert_max_num_queries):
    url = "/fiches/?levier=levier-cache&tri=titre"
    first = visitor.get(url)
    assert "Fiche en cache" in text(first) and "X-Hub-Cache" not in first.headers
    with django_assert_max_num_queries(0):  # same query in another order: the same entry
        again = visitor.get("/fiches/?tri=titre&levier=levier-cache")
    assert results_count(again) == results_count(first) == 1
    assert "Fiche en cache" not in text(visitor.get("/fiches/?levier=levier-cache&q=introuvable"))
    make_fiche(title="Fiche ajoutée ensuite", levers=[site["lever"]])
    after = visitor.get(url)
    assert results_count(after) == 2 and "Fiche ajoutée ensuite" in text(after)


def test_a_list_with_an_unknown_filter_value_answers_400_every_time_and_is_not_kept(site, visitor):
    for _ in range(2):
        response = visitor.get("/fiches/?levier=inconnu")
        assert response.status_code == 400
    assert not any(key.startswith(":1:content:") for key in cache._cache)  # locmem's own keys


def test_the_results_partial_and_the_full_list_share_one_cached_rendering(site, visitor, django_assert_max_num_queries):
    full = visitor.get("/fiches/?levier=levier-cache")
    with django_assert_max_num_queries(0):
        partial = visitor.get("/fiches/?levier=levier-cache", headers={"X-Hub-Partial": "1"})
    assert text(partial).strip() and "<html" not in text(partial)
    assert text(partial).strip() in text(full)


def test_search_results_come_from_the_content_cache_per_query_and_follow_edits(site, visitor, django_assert_max_num_queries):
    first = visitor.get("/recherche/?q=cache")
    assert "Fiche en cache" in text(first)
    with django_assert_max_num_queries(0):
        again = visitor.get("/recherche/?q=cache")
    assert text(again) == text(first)
    site["fiche"].title = "Fiche retitrée en cache"
    site["fiche"].save()
    assert "Fiche retitrée en cache" in text(visitor.get("/recherche/?q=cache"))
    assert "Fiche retitrée" not in text(visitor.get("/recherche/?q=introuvable"))


def test_a_logged_in_search_shows_the_shared_results_in_its_own_frame(site, learner_client, visitor):
    visitor.get("/recherche/?q=cache")
    page = text(learner_client.get("/recherche/?q=cache"))
    assert "Fiche en cache" in page and "Se déconnecter" in page
    assert "Se déconnecter" not in text(visitor.get("/recherche/?q=cache"))


def test_the_results_partial_keeps_the_site_name_in_the_title_that_the_script_sets(site, visitor):
    for _ in range(2):  # rendered, then from the content cache
        partial = text(visitor.get("/fiches/?levier=levier-cache", headers={"X-Hub-Partial": "1"}))
        assert 'data-title="Fiches · Le hub des modèles socio-économiques"' in partial


def test_a_repeated_search_word_keeps_its_order_in_the_cache_key(site, visitor):
    assert "Fiche en cache" in text(visitor.get("/recherche/?q=introuvable&q=cache"))  # the last « q » counts
    assert "Fiche en cache" not in text(visitor.get("/recherche/?q=cache&q=introuvable"))


def test_search_entries_ignore_parameters_the_page_does_not_read(site, visitor, django_assert_max_num_queries):
    visitor.get("/recherche/?q=cache")
    with django_assert_max_num_queries(0):
        assert "Fiche en cache" in text(visitor.get("/recherche/?q=cache&utm_source=lettre"))


def test_a_bump_inside_a_transaction_bumps_again_once_committed(django_capture_on_commit_callbacks):
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        bump_content_version()  # as the bulk paths do (demo data, restore, admin actions)
        during = content_version()
    assert before != during != content_version()
    assert len(callbacks) == 1


# 9. One API: keys from a kind and values, bulk writes through the content querysets, one reset -------------------


def test_a_value_is_kept_under_its_kind_and_the_values_it_depends_on():
    built = []

    def build(label):
        built.append(label)
        return label

    assert cached("fiche", "mecenat", build=lambda: build("fiche mecenat")) == "fiche mecenat"
    assert cached("fiche", "mecenat", build=lambda: build("again")) == "fiche mecenat"  # kept
    assert cached("step", "mecenat", build=lambda: build("step mecenat")) == "step mecenat"  # another kind
    assert cached("step", 1, build=lambda: build("step 1")) == "step 1"
    assert cached("step", "1", build=lambda: build("step '1'")) == "step '1'"  # a string is not a number
    assert built == ["fiche mecenat", "step mecenat", "step 1", "step '1'"]
    bump_content_version()
    assert cached("fiche", "mecenat", build=lambda: build("after an edit")) == "after an edit"


BULK_WRITES = {
    "update": lambda: m.Fiche.objects.filter(slug="vrac").update(title="Titre changé en bloc"),
    "bulk_create": lambda: m.FicheSource.objects.bulk_create(
        [m.FicheSource(fiche=m.Fiche.objects.get(slug="vrac"), label="Source ajoutée en bloc")]),
    "bulk_update": lambda: m.Fiche.objects.bulk_update(
        [m.Fiche(pk=m.Fiche.objects.get(slug="vrac").pk, title="Titre changé en bloc")], ["title"]),
    "delete": lambda: m.Fiche.objects.filter(slug="vrac").delete(),
    "a step": lambda: Step.objects.filter(slug="etape-vrac").update(title="Étape changée en bloc"),
}


@pytest.mark.parametrize("write", BULK_WRITES)
def test_bulk_writes_of_content_make_cached_pages_stale_by_themselves(write):
    make_fiche(slug="vrac", title="Titre d’avant")
    make_step(parcours=make_parcours(slug="parcours-vrac"), slug="etape-vrac")
    before = content_version()
    BULK_WRITES[write]()
    assert content_version() != before


def test_bulk_writes_that_change_nothing_or_touch_people_s_rows_keep_the_cached_pages(learner):
    make_fiche(slug="vrac")
    before = content_version()
    assert m.Fiche.objects.filter(slug="absente").update(title="Rien") == 0
    assert m.Fiche.objects.filter(slug="absente").delete()[0] == 0
    StepProgress.objects.filter(user=learner).update(note="Rien")
    get_user_model().objects.filter(pk=learner.pk).update(first_name="Alice")
    assert content_version() == before


def test_publishing_from_the_admin_shows_on_the_next_visit(staff_client, visitor):
    fiche = make_fiche(slug="a-publier", title="Fiche à publier", status=m.Fiche.Status.DRAFT, published_at=None)
    assert "Fiche à publier" not in text(visitor.get("/fiches/"))
    assert state(visitor.get("/fiches/")) == "hit"
    response = staff_client.post("/admin/resources/fiche/", {"action": "publish", "_selected_action": [fiche.pk]})
    assert response.status_code == 302
    assert "Fiche à publier" in text(visitor.get("/fiches/"))


def test_one_call_forgets_every_per_process_copy(site, visitor):
    visitor.get("/fiches/")  # builds the facet index, keeps a recent entry
    visitor.get("/recherche/?q=cachf")  # nothing found: the suggestion builds the search lexicon
    assert facet_index._current["index"] is not None and recent.entries
    assert search._lexicon["version"] is not None
    reset_process_caches()
    assert facet_index._current["index"] is None and not recent.entries
    assert search._lexicon["version"] is None
