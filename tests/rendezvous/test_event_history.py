"""History of events (core.history, rendezvous.history): compared and reverted with their links."""

import pytest
import reversion
from reversion.models import Version

from rendezvous.models import Event
from tests.factories import make_event, make_lever

pytestmark = pytest.mark.django_db


def test_an_event_compares_and_reverts_with_its_levers(staff_client):
    lever = make_lever(label="Alliances")
    event = make_event(title="Atelier d’origine", levers=[lever])
    with reversion.create_revision():
        event.save()
    first = Version.objects.get_for_object(event).get()
    with reversion.create_revision():
        event.title = "Atelier renommé"
        event.save()
        event.levers.clear()
    compare = staff_client.get(f"/admin/rendezvous/event/{event.pk}/history/compare/").content.decode()
    assert "Atelier d’origine" in compare and "Atelier renommé" in compare and "Alliances" in compare
    assert staff_client.post(f"/admin/rendezvous/event/{event.pk}/history/{first.pk}/revert/").status_code == 302
    event = Event.objects.get(pk=event.pk)
    assert event.title == "Atelier d’origine" and list(event.levers.all()) == [lever]
