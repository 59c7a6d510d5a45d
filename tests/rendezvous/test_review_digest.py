"""The editors' weekly e-mail « Fiches à relire » (rendezvous.review_digest, a producer of ``manage.py send_due``):
from Monday 7:00 in Paris, once a week per editor, only to editors, only when a fiche is to be read again."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command

from rendezvous.management.commands import send_due
from rendezvous import outbox
from rendezvous.models import OutgoingMail
from rendezvous.review_digest import review_digest_due
from resources.models import Fiche
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2027, 1, 18)  # ISO week 2027-W03


def at(day, hour, minute=0):
    """A moment ``day`` days after Monday 18 January 2027, in Paris."""
    return datetime.combine(MONDAY + timedelta(days=day), time(hour, minute), tzinfo=PARIS)


def due(days, **fields):
    return make_fiche(review_by=MONDAY + timedelta(days=days), **fields)


def keys():
    return sorted(OutgoingMail.objects.values_list("key", flat=True))


@pytest.fixture
def editors(staff, django_user_model):
    """The superuser « charlie », an editor through a group, one through their own permission."""
    change_fiche = Permission.objects.get(content_type__app_label="resources", codename="change_fiche")
    group = Group.objects.create(name="Éditeurs")
    group.permissions.add(change_fiche)
    by_group = django_user_model.objects.create_user(username="eve", email="eve@example.org", is_staff=True)
    by_group.groups.add(group)
    own = django_user_model.objects.create_user(username="fred", email="fred@example.org", is_staff=True)
    own.user_permissions.add(change_fiche)
    # Not editors: no right on fiches, inactive, no address, not staff.
    django_user_model.objects.create_user(username="gil", email="gil@example.org", is_staff=True)
    django_user_model.objects.create_superuser(username="hal", email="hal@example.org", is_active=False)
    django_user_model.objects.create_superuser(username="ida", email="")
    outsider = django_user_model.objects.create_user(username="jo", email="jo@example.org")
    outsider.user_permissions.add(change_fiche)
    return [staff, by_group, own]


def test_each_editor_gets_one_e_mail_a_week_from_monday_seven_in_paris(editors):
    late = due(-3, title="Fiche en retard")
    soon = due(30, title="Fiche bientôt")
    due(31, title="Fiche à jour")
    due(-9, title="Brouillon ancien", status=Fiche.Status.DRAFT)
    assert review_digest_due(at(-1, 20)) == 0  # Sunday evening
    assert review_digest_due(at(0, 6, 55)) == 0  # Monday before 7:00
    assert review_digest_due(at(0, 7, 5)) == 3
    assert review_digest_due(at(0, 7, 10)) == 0  # run again: nothing more
    assert keys() == sorted(f"review-digest:2027-W03:{user.pk}" for user in editors)
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == [
        "charlie@example.org", "eve@example.org", "fred@example.org"]

    row = OutgoingMail.objects.get(to="eve@example.org")
    assert row.subject == "2 fiches à relire\u00a0: 1 en retard, 1 à relire dans les 30\u00a0jours"
    assert row.text.index("Fiche en retard") < row.text.index("Fiche bientôt")
    assert "En retard de 3\u00a0jours (avant le 15 janvier 2027)" in row.text
    assert "À relire dans 30\u00a0jours" in row.text
    assert f"http://testserver/admin/resources/fiche/{late.pk}/change/" in row.text
    assert f'href="http://testserver/admin/resources/fiche/{soon.pk}/change/"' in row.html
    assert "http://testserver/admin/a-relire/" in row.text and "http://testserver/admin/a-relire/" in row.html
    assert "Fiche à jour" not in row.text and "Brouillon" not in row.text

    assert review_digest_due(at(7, 7, 5)) == 3  # the next Monday: a new week
    assert len(keys()) == 6 and f"review-digest:2027-W04:{editors[0].pk}" in keys()


def test_nothing_to_reread_sends_nothing_and_a_date_coming_near_midweek_waits_for_monday(editors):
    due(60)
    assert review_digest_due(at(0, 8)) == 0
    due(3)  # saved on Wednesday
    assert review_digest_due(at(2, 9)) == 0
    assert keys() == []
    assert review_digest_due(at(7, 7, 30)) == 3


def test_send_due_queues_and_sends_the_digest_once(editors, settings, monkeypatch):
    settings.HUB_SITE_URL = "https://hub.example.org"
    due(-1)
    # The clock of the command and of the outbox (sent_at, then kept 30 days): Monday at 7:01.
    clock = SimpleNamespace(now=lambda: at(0, 7, 1))
    monkeypatch.setattr(send_due, "timezone", clock)
    monkeypatch.setattr(outbox, "timezone", clock)
    call_command("send_due", stdout=StringIO())
    call_command("send_due", stdout=StringIO())
    assert sorted(message.to[0] for message in mail.outbox) == [
        "charlie@example.org", "eve@example.org", "fred@example.org"]
    assert "https://hub.example.org/admin/a-relire/" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"
