"""Limits that hold under concurrency: a browser without an account keeps at most 20 diagnostics, however many
tabs post at once, and every diagnostic created stays reachable from that browser (none orphaned).

The races run for real: threads with their own database connections, committed (transaction=True), released
together by a barrier. PostgreSQL runs them side by side; SQLite lets one writer at a time, so there the test
holds the write lock from another connection and checks that the page refuses cleanly instead of failing.
"""

import re
import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from diagnostic.models import Organisation, Snapshot, ValuationRates
from tests.factories import make_organisation
from tests.parcours.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 20
REFUSAL = "Sans compte, un navigateur garde au plus 20 diagnostics\u00a0: créez un compte ou supprimez-en un."
BUSY = "Le site est très sollicité\u00a0: le diagnostic n’a pas été créé. Renvoyez le formulaire dans un instant."


def tabs_of(browser, count):
    """``count`` clients sharing the browser's cookies, like tabs of one browser (the browser is the first)."""
    tabs = [browser]
    for _ in range(count - 1):
        tab = Client()
        tab.cookies = browser.cookies.__class__(browser.cookies)
        tabs.append(tab)
    return tabs


def browser_with_a_session():
    """A visitor's browser whose session already exists (it followed a parcours, say), so that every tab sends
    the same session cookie."""
    browser = Client()
    browser.session  # noqa: B018  (the property creates the session and sets its cookie)
    return browser


def reachable(browser):
    """The ids of the diagnostics this browser can open: those its « Mon diagnostic » page lists, each of which
    must open."""
    ids = {int(pk) for pk in re.findall(r'<li><a href="/mon-modele/(\d+)/">', browser.get("/mon-modele/").content.decode())}
    for pk in ids:
        assert browser.get(f"/mon-modele/{pk}/").status_code == 200, pk
    return ids


def create(tab, name):
    response = tab.post("/mon-modele/", {"name": name})
    return response.status_code, response.content.decode()


@pytest.mark.postgres_only(reason="SQLite lets one writer at a time: its variant is below")
def test_twenty_five_parallel_creations_from_one_browser_make_twenty_all_reachable():
    browser = browser_with_a_session()
    tabs = tabs_of(browser, 25)
    results, errors = run_together(lambda i: create(tabs[i], f"Association de l’onglet {i}"), count=25)
    assert errors == []
    created = set(Organisation.objects.values_list("pk", flat=True))
    assert len(created) == LIMIT
    assert reachable(browser) == created  # nothing orphaned
    assert sorted(status for status, _ in results) == [302] * LIMIT + [400] * 5
    assert all(REFUSAL in page for status, page in results if status == 400)
    # The 21st, sent afterwards, gets the same refusal.
    status, page = create(browser, "Une de trop")
    assert status == 400 and REFUSAL in page
    assert Organisation.objects.count() == LIMIT


@pytest.mark.postgres_only(reason="SQLite lets one writer at a time: its variant is below")
def test_parallel_creations_near_the_limit_fill_it_exactly():
    browser = Client()
    for index in range(LIMIT - 5):
        assert create(browser, f"Association {index}")[0] == 302
    tabs = tabs_of(browser, 10)
    results, errors = run_together(lambda i: create(tabs[i], f"Association de l’onglet {i}"))
    assert errors == []
    assert Organisation.objects.count() == LIMIT
    assert reachable(browser) == set(Organisation.objects.values_list("pk", flat=True))
    assert sorted(status for status, _ in results) == [302] * 5 + [400] * 5


@pytest.mark.postgres_only(reason="SQLite lets one writer at a time: nothing runs together")
def test_two_browsers_creating_at_once_each_keep_their_own_twenty():
    first, second = Client(), Client()
    for index in range(LIMIT - 8):
        assert create(first, f"Premier {index}")[0] == 302
        assert create(second, f"Second {index}")[0] == 302
    tabs = tabs_of(first, 12) + tabs_of(second, 12)
    results, errors = run_together(lambda i: create(tabs[i], f"Onglet {i}"), count=24)
    assert errors == []
    assert sorted(status for status, _ in results) == [302] * 16 + [400] * 8
    mine, theirs = reachable(first), reachable(second)
    assert len(mine) == len(theirs) == LIMIT
    assert mine | theirs == set(Organisation.objects.values_list("pk", flat=True))


@pytest.mark.postgres_only(reason="SQLite lets one writer at a time: nothing runs together")
def test_creations_racing_a_log_in_in_another_tab_all_end_in_the_account(learner):
    browser = Client()
    assert create(browser, "Le Fournil")[0] == 302
    tabs = tabs_of(browser, 10)

    def work(i):
        if i == 0:
            return tabs[0].post("/compte/connexion/", {"username": "alice@example.org", "password": "pw-alice-123"})
        return tabs[i].post("/mon-modele/", {"name": f"Association de l’onglet {i}"})

    results, errors = run_together(lambda i: work(i).status_code)
    assert errors == []
    assert results[0] == 302
    assert set(results[1:]) <= {302, 400}
    assert Organisation.objects.filter(user=learner, name="Le Fournil").exists()
    # A creation that read the session before the log-in replaced it landed before the log-in's claim (and joined
    # the account) or after it (and was refused); one that came later had a new session of its own, whose cookie
    # it got back. None is left to a session nobody holds.
    unclaimed = set(Organisation.objects.filter(user__isnull=True).values_list("pk", flat=True))
    assert unclaimed <= set().union(*(reachable(tab) for tab in tabs[1:]))


@pytest.mark.postgres_only(reason="SQLite lets one writer at a time: nothing runs together")
def test_parallel_posts_of_one_year_or_of_the_target_keep_one_row(learner):
    """Years and the target are exists-then-create too: the unique constraints settle the race."""
    organisation = make_organisation(user=learner)
    tabs = []
    for _ in range(10):
        tab = Client()
        tab.force_login(learner)
        tabs.append(tab)
    url = f"/mon-modele/{organisation.pk}/annees/ajouter/"

    def post(i):
        target = i % 2
        figures = {"year": "2030" if target else "2024", "subsidies_state": "1 000"}
        return tabs[i].post(url + ("?cible=1" if target else ""), figures).status_code

    results, errors = run_together(post)
    assert errors == []
    assert set(results) <= {302, 400}
    assert Snapshot.objects.filter(organisation=organisation, is_target=False, year=2024).count() == 1
    assert Snapshot.objects.filter(organisation=organisation, is_target=True).count() == 1
    assert Snapshot.objects.count() == 2


# SQLite: another connection holds the write lock ---------------------------------------------------------------


class WriterHoldingTheLock:
    """Another connection, in its own thread, inside a write transaction until released: what a long write of
    another request (staff saving the valuation rates) looks like to SQLite.

    It writes a table the diagnostic pages do not read: the in-memory test database is shared between connections
    through a shared cache, which also locks the tables being written against readers, where a database file lets
    readers through until the commit.
    """

    def __init__(self):
        self.ready, self.release, self.failure = threading.Event(), threading.Event(), []
        self.thread = threading.Thread(target=self._hold)

    def _hold(self):
        try:
            with transaction.atomic():
                ValuationRates.current()
                ValuationRates.objects.update(note="Modifiée par une autre requête.")
                self.ready.set()
                self.release.wait(timeout=30)
        except Exception as error:  # reported by the test
            self.failure.append(error)
            self.ready.set()
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.ready.wait(timeout=30)
        assert self.failure == []
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()


def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL makes the second writer wait for the row: the races above cover it")


def test_on_sqlite_a_creation_while_another_request_writes_is_refused_cleanly():
    sqlite_only()
    browser = Client()
    assert create(browser, "Le Fournil")[0] == 302
    with WriterHoldingTheLock():
        status, page = create(browser, "La Forge")
    assert status == 503
    assert BUSY in page
    assert 'value="La Forge"' in page  # what was typed is kept
    assert not Organisation.objects.filter(name="La Forge").exists()
    # Once the other write is over, the same form goes through and both diagnostics are the browser's.
    assert create(browser, "La Forge")[0] == 302
    assert {o.name for o in Organisation.objects.filter(pk__in=reachable(browser))} == {"Le Fournil", "La Forge"}


def test_on_sqlite_a_first_creation_without_a_session_while_another_request_writes_is_refused_cleanly():
    sqlite_only()
    browser = Client()
    with WriterHoldingTheLock():
        status, page = create(browser, "Le Fournil")
    assert status == 503 and BUSY in page
    assert not Organisation.objects.filter(name="Le Fournil").exists()
    assert create(browser, "Le Fournil")[0] == 302
    assert len(reachable(browser)) == 1


def test_on_sqlite_an_account_creating_while_another_request_writes_is_refused_cleanly(learner):
    sqlite_only()
    client = Client()
    client.force_login(learner)
    with WriterHoldingTheLock():
        status, page = create(client, "La Ruche")
    assert status == 503 and BUSY in page
    assert not Organisation.objects.filter(name="La Ruche").exists()


@pytest.mark.postgres_only(reason="SQLite lets one writer at a time: nothing runs together")
def test_a_real_year_and_a_target_posted_at_once_keep_the_target_last(learner):
    """A target comes after every real year, a real year before the target: checked against the rows read by the
    form, so two posts at once must not both pass on what the other has not written yet."""
    organisation = make_organisation(user=learner, years=[2022])
    tabs = []
    for _ in range(10):
        tab = Client()
        tab.force_login(learner)
        tabs.append(tab)
    url = f"/mon-modele/{organisation.pk}/annees/ajouter/"

    def post(i):
        if i % 2:
            return tabs[i].post(f"{url}?cible=1", {"year": "2030", "subsidies_state": "1 000"}).status_code
        return tabs[i].post(url, {"year": str(2031 + i), "subsidies_state": "1 000"}).status_code

    results, errors = run_together(post)
    assert errors == []
    assert set(results) <= {302, 400}
    target = Snapshot.objects.filter(organisation=organisation, is_target=True).first()
    real_years = list(Snapshot.objects.filter(organisation=organisation, is_target=False).values_list("year", flat=True))
    assert target is None or max(real_years) < target.year, (target and target.year, sorted(real_years))


def test_on_sqlite_a_year_saved_while_another_request_writes_is_refused_cleanly(learner):
    sqlite_only()
    organisation = make_organisation(user=learner, years=[2022])
    client = Client()
    client.force_login(learner)
    url = f"/mon-modele/{organisation.pk}/annees/ajouter/"
    with WriterHoldingTheLock():
        response = client.post(url, {"year": "2023", "subsidies_state": "1 234"})
    page = response.content.decode()
    assert response.status_code == 503
    assert "Le site est très sollicité\u00a0: ces chiffres n’ont pas été enregistrés." in page
    assert 'value="1 234"' in page  # what was typed is kept
    assert not Snapshot.objects.filter(year=2023).exists()
    assert client.post(url, {"year": "2023", "subsidies_state": "1 234"}).status_code == 302
