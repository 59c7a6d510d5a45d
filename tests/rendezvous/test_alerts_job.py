"""Alerts on a search, the job (rendezvous.alerts.alerts_due, run by ``manage.py send_due``): once per period,
nothing twice, nothing lost, only the fiches of the search, one query per distinct search."""

import logging
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rendezvous import alerts
from rendezvous.models import OutgoingMail, SearchAlert
from resources.models import Fiche
from tests.factories import make_alert, make_fiche, make_lever

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
THURSDAY = date(2027, 1, 14)


def at(day, hour, minute=0):
    """A moment ``day`` days after Thursday 14 January 2027, in Paris."""
    return datetime.combine(THURSDAY + timedelta(days=day), time(hour, minute), tzinfo=PARIS)


def changed(fiche, moment, published=None):
    """The fiche last saved at ``moment``, first published at ``published`` (the same moment by default)."""
    Fiche.objects.filter(pk=fiche.pk).update(updated_at=moment, published_at=published or moment)


def alert_since(moment, **fields):
    return make_alert(created_at=moment, confirmed_at=moment, checked_until=moment, **fields)


def mails():
    return list(OutgoingMail.objects.order_by("pk"))


def test_a_daily_alert_gets_its_news_once_a_day_and_a_later_fiche_the_next_day(visitor):
    alert = alert_since(at(-1, 10), frequency="daily")
    changed(make_fiche(title="Avant l’alerte"), at(-2, 9))
    changed(make_fiche(title="Publiée hier"), at(-1, 15))
    assert alerts.alerts_due(at(0, 6, 30)) == 0  # before 7:00 the day is yesterday's period, already covered
    assert alerts.alerts_due(at(0, 8)) == 1
    assert alerts.alerts_due(at(0, 8, 5)) == 0  # run again: nothing more
    [first] = mails()
    assert first.key == f"alert:{alert.pk}:2027-01-14" and first.to == "personne@example.org"
    assert "Publiée hier" in first.text and "Avant l’alerte" not in first.text
    alert.refresh_from_db()
    assert alert.checked_until == at(0, 8) - alerts.SETTLE and alert.last_sent_at == at(0, 8)

    changed(make_fiche(title="Publiée ce matin"), at(0, 9))
    assert alerts.alerts_due(at(0, 10)) == 0  # the same day: it waits
    assert alerts.alerts_due(at(1, 7, 30)) == 1
    first_again, second = mails()
    assert first_again == first and second.key == f"alert:{alert.pk}:2027-01-15"
    assert "Publiée ce matin" in second.text and "Publiée hier" not in second.text
    # A day without news: no e-mail, the mark moves all the same.
    assert alerts.alerts_due(at(2, 7, 30)) == 0
    alert.refresh_from_db()
    assert alert.checked_until == at(2, 7, 30) - alerts.SETTLE and alert.last_sent_at == at(1, 7, 30)


def test_a_weekly_alert_waits_for_monday_morning(visitor):
    alert = alert_since(at(-2, 10), frequency="weekly")  # Tuesday
    changed(make_fiche(title="Publiée mercredi"), at(-1, 12))
    assert alerts.alerts_due(at(0, 8)) == 0
    assert alerts.alerts_due(at(4, 6, 55)) == 0  # Monday before 7:00
    assert alerts.alerts_due(at(4, 7, 10)) == 1
    assert alerts.alerts_due(at(4, 7, 20)) == 0
    assert [row.key for row in mails()] == [f"alert:{alert.pk}:2027-01-18"]
    assert "de la semaine du 18 janvier 2027" in mails()[0].text


def test_the_periods_follow_paris_time_across_the_change_to_summer_time():
    # 28 March 2027: Paris goes from UTC+1 to UTC+2 at 2:00.
    assert alerts.period_start(datetime(2027, 3, 28, 5, 30, tzinfo=UTC), "daily") == datetime(
        2027, 3, 28, 7, tzinfo=PARIS)
    assert alerts.period_start(datetime(2027, 3, 28, 4, 30, tzinfo=UTC), "daily") == datetime(
        2027, 3, 27, 7, tzinfo=PARIS)
    assert alerts.period_start(datetime(2027, 3, 29, 5, 10, tzinfo=UTC), "weekly") == datetime(
        2027, 3, 29, 7, tzinfo=PARIS)
    assert alerts.period_start(datetime(2027, 3, 29, 4, 50, tzinfo=UTC), "weekly") == datetime(
        2027, 3, 22, 7, tzinfo=PARIS)
    alert = make_alert(frequency="daily", checked_until=datetime(2027, 3, 27, 8, tzinfo=PARIS))
    changed(make_fiche(title="Publiée la nuit du changement d’heure"), datetime(2027, 3, 28, 2, 30, tzinfo=PARIS))
    assert alerts.alerts_due(datetime(2027, 3, 28, 4, 59, tzinfo=UTC)) == 0  # 6:59 in Paris
    assert alerts.alerts_due(datetime(2027, 3, 28, 5, 0, tzinfo=UTC)) == 1  # 7:00 in Paris
    assert alerts.alerts_due(datetime(2027, 3, 28, 21, 0, tzinfo=UTC)) == 0
    assert [row.key for row in mails()] == [f"alert:{alert.pk}:2027-03-28"]


def test_an_alert_on_a_filtered_search_receives_only_the_matching_new_fiche():
    lever = make_lever(slug="financement", label="Financement")
    alert = alert_since(at(-1, 10), query="/fiches/?famille=repere&levier=financement", frequency="daily")
    matching = make_fiche(title="Repère financé", family="repere", levers=[lever], chapeau="Les chiffres clés.")
    updated = make_fiche(title="Repère corrigé", family="repere", levers=[lever])
    other_family = make_fiche(title="Action financée", levers=[lever])
    other_lever = make_fiche(title="Repère sans levier", family="repere")
    draft = make_fiche(title="Repère en brouillon", family="repere", levers=[lever], status=Fiche.Status.DRAFT)
    for fiche in (matching, other_family, other_lever, draft):
        changed(fiche, at(-1, 15))
    changed(updated, at(-1, 16), published=at(-30, 9))
    assert alerts.alerts_due(at(0, 8)) == 1
    [row] = mails()
    assert row.subject == "2 fiches nouvelles ou mises à jour\u00a0: Fiches Repères, levier Financement"
    for text in (row.text, row.html):
        assert "Repère financé" in text and "Repère corrigé" in text
        assert "Action financée" not in text and "sans levier" not in text and "brouillon" not in text
        assert "Les chiffres clés." in text and "Repères" in text
        assert "http://testserver/fiches/" + matching.slug + "/" in text
    assert row.text.index("Repère corrigé") < row.text.index("Repère financé")  # newest change first
    assert "Repère corrigé\nFiche mise à jour · Repères\n" in row.text
    assert "Repère financé\nNouvelle fiche · Repères\nLes chiffres clés." in row.text
    assert "La recherche\u00a0: http://testserver/fiches/?famille=repere&levier=financement\n" in row.text
    assert 'href="http://testserver/fiches/?famille=repere&amp;levier=financement"' in row.html
    manage = row.text.split("l’arrêter\u00a0:\n")[1].split()[0]
    assert manage.startswith("http://testserver/alertes/gerer/")
    assert row.headers == {"List-Unsubscribe": f"<{manage}un-clic/>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    assert alerts.alert_for_token(alerts.MANAGE, manage.split("/")[-2]) == alert


def test_a_search_alert_gets_the_fiches_of_its_words():
    alert_since(at(-1, 10), query="/recherche/?q=b%C3%A9n%C3%A9voles", frequency="daily")
    changed(make_fiche(title="Accueillir des bénévoles"), at(-1, 15))
    changed(make_fiche(title="Trouver des financements"), at(-1, 15))
    assert alerts.alerts_due(at(0, 8)) == 1
    [row] = mails()
    assert "Accueillir des bénévoles" in row.text and "financements" not in row.text
    assert "Recherche «\u00a0bénévoles\u00a0»" in row.html


def test_alerts_sharing_a_search_run_it_once_and_their_number_adds_no_query(monkeypatch):
    make_lever(slug="financement")
    changed(make_fiche(title="Nouvelle"), at(-1, 15))

    def alerts_on_both_searches(count, mark):
        for n in range(count):
            alert_since(mark, email=f"a{mark:%d%H}{n}@example.org", frequency="daily")
            alert_since(mark, email=f"b{mark:%d%H}{n}@example.org", query="/fiches/?levier=financement",
                        frequency="daily")

    searches = []
    news = alerts._news
    monkeypatch.setattr(alerts, "_news", lambda followed, since, until: searches.append(followed.query)
                        or news(followed, since, until))
    alerts_on_both_searches(2, at(-1, 10))
    with CaptureQueriesContext(connection) as few:
        assert alerts.alerts_due(at(0, 8)) == 2  # the fiche has no lever: the second search finds nothing
    assert sorted(searches) == ["/fiches/", "/fiches/?levier=financement"]

    alerts_on_both_searches(40, at(0, 8) - alerts.SETTLE)  # 42 alerts on each search now, all with the same mark
    changed(make_fiche(title="Plus récente"), at(0, 12))
    with CaptureQueriesContext(connection) as many:
        assert alerts.alerts_due(at(1, 8)) == 42
    assert len(searches) == 4 and len(many) == len(few)
    assert SearchAlert.objects.filter(checked_until=at(1, 8) - alerts.SETTLE).count() == 84


def test_a_crash_between_queuing_and_moving_the_mark_loses_nothing_and_sends_nothing_twice(monkeypatch):
    alert = alert_since(at(-1, 10), frequency="daily")
    changed(make_fiche(title="Nouvelle"), at(-1, 15))

    def crash(rows):
        for key, to, subject, text, *_html_and_headers in rows:
            OutgoingMail.objects.create(key=key, to=to, subject=subject, text=text)
        raise RuntimeError("le processus meurt ici")

    monkeypatch.setattr(alerts, "mails_queue", crash)
    with pytest.raises(RuntimeError):
        alerts.alerts_due(at(0, 8))
    monkeypatch.undo()
    alert.refresh_from_db()
    assert alert.checked_until == at(-1, 10) and not OutgoingMail.objects.exists()
    assert alerts.alerts_due(at(0, 8, 5)) == 1
    assert alerts.alerts_due(at(0, 8, 10)) == 0
    assert len(mails()) == 1 and "Nouvelle" in mails()[0].text


def test_an_alert_stopped_or_taken_by_another_run_meanwhile_gets_nothing(monkeypatch):
    alert = alert_since(at(-1, 10), frequency="daily")
    changed(make_fiche(title="Nouvelle"), at(-1, 15))
    due = alerts._due

    def stopped_after_reading(now):
        found = due(now)
        SearchAlert.objects.filter(pk=alert.pk).delete()
        return found

    monkeypatch.setattr(alerts, "_due", stopped_after_reading)
    assert alerts.alerts_due(at(0, 8)) == 0
    assert not OutgoingMail.objects.exists()


def test_more_news_than_an_email_lists_are_counted_with_a_link_to_the_search():
    alert_since(at(-1, 10), frequency="daily")
    for n in range(25):
        changed(make_fiche(title=f"Fiche nouvelle {n:02d}"), at(-1, 15) + timedelta(minutes=n))
    assert alerts.alerts_due(at(0, 8)) == 1
    [row] = mails()
    assert row.subject.startswith("25 fiches nouvelles")
    assert "Fiche nouvelle 24" in row.text and "Fiche nouvelle 05" in row.text and "Fiche nouvelle 04" not in row.text
    assert "Et 5 autres, dans la recherche" in row.text and "http://testserver/fiches/\n" in row.text


def test_unconfirmed_requests_are_deleted_after_a_week_and_an_unreadable_search_waits(caplog):
    now = at(0, 8)
    stale = make_alert(email="jamais@example.org", confirmed=False, created_at=now - timedelta(days=7, minutes=1))
    recent = make_alert(email="bientot@example.org", confirmed=False, created_at=now - timedelta(days=6))
    lever = make_lever(slug="supprime")
    orphan = alert_since(at(-1, 10), query="/fiches/?levier=supprime", frequency="daily")
    lever.delete()
    changed(make_fiche(title="Nouvelle"), at(-1, 15))
    assert alerts.alerts_prune(now) == 1  # the job's pruner (rendezvous.jobs PRUNERS)
    with caplog.at_level(logging.WARNING, logger="rendezvous.alerts"):
        assert alerts.alerts_due(now) == 0
    assert not SearchAlert.objects.filter(pk=stale.pk).exists()
    assert SearchAlert.objects.filter(pk=recent.pk).exists()
    orphan.refresh_from_db()
    assert orphan.checked_until == at(-1, 10)  # its news wait until the search reads again
    assert "/fiches/?levier=supprime" in caplog.text


def test_the_command_run_twice_sends_one_email(visitor):
    now = timezone.now()
    alert_since(now - timedelta(days=8), frequency="weekly")
    changed(make_fiche(title="Nouvelle"), now - timedelta(hours=1))
    out = StringIO()
    call_command("send_due", stdout=out)
    call_command("send_due", stdout=out)
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("1 fiche nouvelle ou mise à jour")
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    first, second = out.getvalue().splitlines()
    assert "1 alerte," in first and "Envoyés : 1," in first
    assert "0 alerte," in second and "Envoyés : 0," in second and "0 alerte jamais confirmée" in second


def test_a_fiche_scheduled_ahead_is_news_when_it_appears_not_when_it_was_saved(visitor):
    alert = alert_since(at(-1, 10), frequency="daily")
    scheduled = make_fiche(title="Programmée pour hier après-midi")
    changed(scheduled, at(-5, 9), published=at(-1, 15))  # written days ago, online yesterday at 15:00
    later = make_fiche(title="Programmée pour demain")
    changed(later, at(-5, 9), published=at(1, 9))
    assert alerts.alerts_due(at(0, 8)) == 1
    [news] = mails()
    assert "Programmée pour hier après-midi" in news.text and "Programmée pour demain" not in news.text
    assert news.key == f"alert:{alert.pk}:2027-01-14"
