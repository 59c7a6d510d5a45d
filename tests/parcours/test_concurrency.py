"""Double-clicks and several tabs: concurrent writes for one person never create a second row.

PostgreSQL only: SQLite serialises every write, so it cannot show a race. Each thread has its own
connection, committed for real (transaction=True), closed at the end of the thread.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from parcours import services
from parcours.models import Enrolment, SavedFiche, StepProgress
from parcours.tracking import SESSION_KEY
from tests.factories import make_fiche, make_parcours, make_step

pytestmark = [
    pytest.mark.postgres_only(reason="SQLite serialises every write: nothing runs together"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 10


def run_together(work, count=THREADS):
    """Run work(i) in ``count`` threads released at the same instant; return (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as error:  # collected: an assertion in the main thread reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def logged_in_clients(user, count=THREADS):
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def tabs_of_one_browser(user, count=THREADS):
    """Clients sharing one session cookie, like tabs of the same browser."""
    first = Client()
    first.force_login(user)
    clients = [first]
    for _ in range(count - 1):
        tab = Client()
        tab.cookies = first.cookies.__class__(first.cookies)
        clients.append(tab)
    return clients


@pytest.fixture
def step():
    return make_step(make_parcours(), slug="se-situer", depth="decouverte")


def post_statuses_and_note(client, step, i):
    base = f"/parcours/{step.parcours.slug}/{step.slug}/"
    return [
        client.post(f"{base}statut/", {"statut": "terminee"}).status_code,
        client.post(f"{base}statut/", {"statut": "en_cours"}).status_code,
        client.post(f"{base}notes/", {"note": f"Note de l’onglet {i}"}).status_code,
    ]


def test_concurrent_status_and_note_posts_of_one_person_make_one_row(learner, step):
    clients = logged_in_clients(learner)
    results, errors = run_together(lambda i: post_statuses_and_note(clients[i], step, i))
    assert errors == []
    assert results == [[302, 302, 302]] * THREADS
    rows = StepProgress.objects.filter(user=learner, step=step)
    assert rows.count() == 1
    assert rows.get().note.startswith("Note de l’onglet ")
    assert Enrolment.objects.filter(user=learner, parcours=step.parcours).count() == 1
    assert Enrolment.objects.get(user=learner).depth == "decouverte"


def test_concurrent_posts_from_tabs_sharing_a_session_make_one_row(learner, step):
    clients = tabs_of_one_browser(learner)
    results, errors = run_together(lambda i: post_statuses_and_note(clients[i], step, i))
    assert errors == []
    assert results == [[302, 302, 302]] * THREADS
    assert StepProgress.objects.filter(user=learner, step=step).count() == 1
    assert Enrolment.objects.filter(user=learner).count() == 1


def test_concurrent_first_status_of_one_person_makes_one_row(learner, step):
    clients = logged_in_clients(learner)
    url = f"/parcours/{step.parcours.slug}/{step.slug}/statut/"
    results, errors = run_together(lambda i: clients[i].post(url, {"statut": "terminee"}).status_code)
    assert errors == []
    assert results == [302] * THREADS
    row = StepProgress.objects.get(user=learner, step=step)
    assert row.status == "terminee"
    assert row.completed_at is not None


def test_concurrent_writes_of_two_people_keep_one_row_each(learner, other_learner, step):
    clients = logged_in_clients(learner, THREADS // 2) + logged_in_clients(other_learner, THREADS // 2)
    results, errors = run_together(lambda i: post_statuses_and_note(clients[i], step, i))
    assert errors == []
    assert StepProgress.objects.filter(step=step).count() == 2
    assert Enrolment.objects.count() == 2


def test_concurrent_saves_of_a_fiche_make_one_row(learner):
    fiche = make_fiche(slug="mobiliser-des-benevoles")
    clients = logged_in_clients(learner)
    results, errors = run_together(
        lambda i: clients[i].post("/mon-espace/fiches/mobiliser-des-benevoles/", {}).status_code
    )
    assert errors == []
    assert results == [302] * THREADS
    assert SavedFiche.objects.filter(user=learner, fiche=fiche).count() == 1


def test_concurrent_save_and_remove_of_a_fiche_never_fail(learner):
    fiche = make_fiche(slug="mobiliser-des-benevoles")
    clients = logged_in_clients(learner)
    url = "/mon-espace/fiches/mobiliser-des-benevoles/"
    results, errors = run_together(
        lambda i: clients[i].post(url, {"action": "retirer" if i % 2 else "sauver"}).status_code
    )
    assert errors == []
    assert results == [302] * THREADS
    assert SavedFiche.objects.filter(user=learner, fiche=fiche).count() <= 1


def visitor_data(steps, fiche):
    return {
        "steps": {str(s.pk): {"status": "terminee", "note": f"Note {s.pk}"} for s in steps},
        "depths": {str(steps[0].parcours_id): "decouverte"},
        "saved": [fiche.pk],
    }


def test_concurrent_merges_of_a_session_make_one_row_per_step(learner):
    parcours = make_parcours()
    steps = [make_step(parcours, depth="decouverte") for _ in range(3)]
    data = visitor_data(steps, make_fiche())
    results, errors = run_together(lambda i: services.progress_merge_session(user=learner, data=data))
    assert errors == []
    assert results == [3] * THREADS
    assert StepProgress.objects.filter(user=learner).count() == 3
    assert Enrolment.objects.filter(user=learner).count() == 1
    assert SavedFiche.objects.filter(user=learner).count() == 1


def test_concurrent_merges_over_existing_rows_make_no_new_row(learner):
    parcours = make_parcours()
    steps = [make_step(parcours, depth="decouverte") for _ in range(3)]
    for step_ in steps:
        services.progress_set_status(user=learner, step=step_, status="en_cours")
    data = visitor_data(steps, make_fiche())
    results, errors = run_together(lambda i: services.progress_merge_session(user=learner, data=data))
    assert errors == []
    assert StepProgress.objects.filter(user=learner).count() == 3
    assert set(StepProgress.objects.values_list("status", flat=True)) == {"terminee"}
    # Both notes kept once, however many merges ran: the incoming note is already there after the first.
    assert all(row.note == f"Note {row.step_id}" for row in StepProgress.objects.all())


def test_concurrent_log_ins_from_one_visitor_session_merge_once(learner):
    """Two tabs of one browser submitting the login form at the same time, with progress in the session."""
    parcours = make_parcours()
    steps = [make_step(parcours, depth="decouverte") for _ in range(2)]
    first = Client()
    session = first.session
    session[SESSION_KEY] = visitor_data(steps, make_fiche())
    session.save()
    first.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    # Three tabs: the log-in limits count an attempt before its password is checked, so a fourth one in flight
    # from the same browser would be asked to wait (tests/accounts/test_login_abuse.py).
    tabs = 3
    clients = [first]
    for _ in range(tabs - 1):
        tab = Client()
        tab.cookies = first.cookies.__class__(first.cookies)
        clients.append(tab)
    form = {"username": "alice@example.org", "password": "pw-alice-123"}
    results, errors = run_together(lambda i: clients[i].post("/compte/connexion/", form).status_code, count=tabs)
    assert errors == []
    assert results == [302] * tabs
    assert StepProgress.objects.filter(user=learner).count() == 2
