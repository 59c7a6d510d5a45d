"""Places under concurrency: people registering for the last places at the same instant, and places freed at the
same instant, never give more places than the capacity nor the same rank twice.

The races run for real: threads with their own connections, committed (transaction=True), released together by a
barrier (tests/parcours/test_concurrency.py). PostgreSQL runs them side by side under the event's row lock; SQLite
lets one writer at a time, which the lock's first statement (a write) waits for.
"""

import pytest

from rendezvous.event_mail import waiting_rank
from rendezvous.models import Registration
from rendezvous.registrations import registration_cancel, registration_create
from tests.factories import make_event
from tests.parcours.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.postgres_only(reason="SQLite's in-memory test database refuses a second writer at once")
def test_eight_people_at_once_for_three_places_get_three_places_and_five_ranks_and_freed_places_go_once():
    event = make_event(capacity=3)
    results, errors = run_together(lambda i: registration_create(
        event=event, name=f"Personne {i}", email=f"p{i}@example.org", consent=True)[0].status, count=8)
    assert errors == []
    assert sorted(results) == ["attente"] * 5 + ["confirmee"] * 3
    waiting = list(Registration.objects.waiting_in_order())
    assert [waiting_rank(registration) for registration in waiting] == [1, 2, 3, 4, 5]

    holders = list(Registration.objects.filter(status="confirmee"))
    _, errors = run_together(lambda i: registration_cancel(registration=holders[i]), count=3)
    assert errors == []
    assert Registration.objects.filter(status="confirmee").count() == 3
    assert list(Registration.objects.filter(status="confirmee").order_by("pk")) == waiting[:3]
    assert [waiting_rank(registration) for registration in Registration.objects.waiting_in_order()] == [1, 2]
