"""The outbox and ``manage.py send_due``: one e-mail per key, at most once, whatever the job goes through (run twice,
crashed half-way, killed, refused, server away, two runs at once), and one real SMTP exchange."""

import logging
import os
import signal
import smtplib
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from rendezvous import outbox
from rendezvous.models import MailStatus, OutgoingMail
from rendezvous.outbox import MailServerAway, mail_queue, mail_send_soon, mails_queue, outbox_prune, outbox_send
from tests.smtp import free_port, smtp_to

pytestmark = pytest.mark.django_db

HERE = "tests.rendezvous.test_outbox"


def queue(count, *, start=0):
    return [mail_queue(key=f"essai:{n}", to=f"personne{n}@example.org", subject=f"Objet {n}", text=f"Texte {n}")
            for n in range(start, start + count)]


def send_due():
    out = StringIO()
    call_command("send_due", stdout=out)
    return out.getvalue()


def statuses():
    return dict(OutgoingMail.objects.values_list("key", "status"))


class FailingBackend(EmailBackend):
    """locmem, until ``after`` messages have gone: then every call raises ``error`` (a class attribute: the outbox
    makes a backend per run)."""

    after = 0
    error = RuntimeError("panne")
    sent = 0

    def send_messages(self, messages):
        if FailingBackend.sent >= FailingBackend.after:
            raise FailingBackend.error
        FailingBackend.sent += len(messages)
        return super().send_messages(messages)


@pytest.fixture
def failing(settings):
    def configure(after, error):
        FailingBackend.after, FailingBackend.error, FailingBackend.sent = after, error, 0
        settings.EMAIL_BACKEND = f"{HERE}.FailingBackend"
    yield configure
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


class RefusingBackend(EmailBackend):
    """locmem, except for refused@example.org, which the server refuses (a 550 on RCPT TO)."""

    def send_messages(self, messages):
        for message in messages:
            if "refused@example.org" in message.to:
                raise smtplib.SMTPRecipientsRefused({"refused@example.org": (550, b"Mailbox unavailable")})
        return super().send_messages(messages)


# Keys, idempotence ------------------------------------------------------------------------------------------------


def test_a_key_queued_twice_is_one_row_and_one_email():
    first = mail_queue(key="essai:1", to="a@example.org", subject="Objet", text="Un")
    second = mail_queue(key="essai:1", to="b@example.org", subject="Autre objet", text="Deux")
    assert second.pk == first.pk and OutgoingMail.objects.get().text == "Un"
    assert mails_queue([("essai:1", "c@example.org", "Objet", "Trois", ""),
                        ("essai:2", "d@example.org", "Objet", "Quatre", "", {"X-Essai": "oui"})]) == 1
    assert OutgoingMail.objects.get(key="essai:2").headers == {"X-Essai": "oui"}
    send_due()
    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.org", "d@example.org"]


def test_send_due_run_twice_sends_each_email_once():
    queue(3)
    first = send_due()
    assert first.startswith("Préparés : 0 e-mail de la lettre, 0 alerte, 0 résumé « À relire ». Envoyés : 3, "
                            "refusés : 0. Supprimés : ")
    assert send_due().startswith("Préparés : 0 e-mail de la lettre, 0 alerte, 0 résumé « À relire ». Envoyés : 0, refusés : 0.")
    assert len(mail.outbox) == 3
    assert set(statuses().values()) == {MailStatus.SENT}
    assert OutgoingMail.objects.filter(attempts=1, sent_at__isnull=False).count() == 3


def test_subjects_and_headers_stay_on_one_line():
    mail_queue(key="essai:entetes", to="a@example.org", subject="Objet\r\nBcc: intrus@example.org", text="Texte",
               headers={"List-Unsubscribe": "<https://hub.example.org/x/>\r\nBcc: intrus@example.org"})
    send_due()
    message = mail.outbox[0].message()
    assert message["Subject"] == "Objet Bcc: intrus@example.org"
    assert message["List-Unsubscribe"] == "<https://hub.example.org/x/> Bcc: intrus@example.org"
    assert message["Bcc"] is None and mail.outbox[0].recipients() == ["a@example.org"]


# A crash half-way --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError("panne"), KeyboardInterrupt()], ids=["exception", "ctrl-c"])
def test_a_crash_half_way_then_a_rerun_sends_the_rest_and_leaves_the_row_in_flight_for_staff(failing, monkeypatch,
                                                                                            error):
    monkeypatch.setattr(outbox, "BATCH", 4)  # the crash happens in the second batch
    rows = queue(10)
    failing(after=6, error=error)
    with pytest.raises(type(error)):
        send_due()
    # Six left, the seventh was in flight (it may have left: never sent again on its own), the rest wait.
    assert [statuses()[row.key] for row in rows] == [MailStatus.SENT] * 6 + [MailStatus.SENDING] + [MailStatus.PENDING] * 3
    assert OutgoingMail.objects.filter(status=MailStatus.PENDING, claim="", claimed_at__isnull=True).count() == 3

    failing(after=100, error=error)
    report = send_due()
    assert "Envoyés : 3, refusés : 0." in report
    assert "À vérifier dans l’administration (« E-mails sortants ») : 1 envoi en cours ou interrompu." in report
    assert [statuses()[row.key] for row in rows] == [MailStatus.SENT] * 6 + [MailStatus.SENDING] + [MailStatus.SENT] * 3
    assert len(mail.outbox) == 9 and rows[6].to not in {message.to[0] for message in mail.outbox}
    assert "Envoyés : 0" in send_due()  # and the interrupted row stays where it is
    assert statuses()[rows[6].key] == MailStatus.SENDING


class TerminatedBackend(EmailBackend):
    """locmem; the third message makes the process receive SIGTERM (systemd stopping the unit, a kill)."""

    def send_messages(self, messages):
        if len(mail.outbox) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return super().send_messages(messages)


def test_a_run_stopped_by_sigterm_gives_back_what_it_had_not_reached(settings):
    rows = queue(5)
    settings.EMAIL_BACKEND = f"{HERE}.TerminatedBackend"
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stopped:
        send_due()
    assert stopped.value.code == 128 + signal.SIGTERM and signal.getsignal(signal.SIGTERM) is before
    # The signal came while the third was being handed over: it stays « sending » (it may have left).
    assert [statuses()[row.key] for row in rows] == [MailStatus.SENT] * 2 + [MailStatus.SENDING] + [MailStatus.PENDING] * 2


def test_a_run_killed_outright_gives_its_batch_back_an_hour_later_but_its_first_row(monkeypatch):
    rows = queue(6)
    killed = timezone.now() - timedelta(hours=2)
    # What a killed run leaves: its batch claimed, the first two sent, the third in flight, the rest not reached.
    OutgoingMail.objects.filter(pk__in=[row.pk for row in rows[:5]]).update(
        status=MailStatus.SENDING, claim="a" * 32, claimed_at=killed)
    OutgoingMail.objects.filter(pk__in=[row.pk for row in rows[:2]]).update(status=MailStatus.SENT, sent_at=killed)
    # Another run's batch, claimed a minute ago: it is working on it, nobody touches it.
    recent = queue(2, start=10)
    OutgoingMail.objects.filter(pk__in=[row.pk for row in recent]).update(
        status=MailStatus.SENDING, claim="b" * 32, claimed_at=timezone.now() - timedelta(minutes=1))
    assert outbox_send() == (3, 0)
    assert sorted(message.to[0] for message in mail.outbox) == [rows[n].to for n in (3, 4, 5)]
    assert statuses()[rows[2].key] == MailStatus.SENDING
    assert {statuses()[row.key] for row in recent} == {MailStatus.SENDING}


# Refusals and an absent server ----------------------------------------------------------------------------------------


def test_a_refused_address_is_tried_again_then_failed_and_the_others_leave(settings, caplog):
    settings.EMAIL_BACKEND = f"{HERE}.RefusingBackend"
    refused = mail_queue(key="essai:refus", to="refused@example.org", subject="Objet", text="Texte")
    queue(2)
    caplog.set_level(logging.WARNING, logger="rendezvous.outbox")
    assert "Envoyés : 2, refusés : 1." in send_due()
    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == (MailStatus.PENDING, 1)
    assert "Mailbox unavailable" in refused.error
    assert "envoi refusé (SMTPRecipientsRefused)" in caplog.text and "refused@example.org" not in caplog.text
    assert "Envoyés : 0, refusés : 1." in send_due()
    assert "Envoyés : 0, refusés : 1." in send_due()
    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == (MailStatus.FAILED, outbox.MAX_ATTEMPTS)
    assert "refusés : 0." in send_due()  # « Échec »: for staff now, never tried again
    assert len(mail.outbox) == 2


def test_an_unreachable_server_stops_the_run_and_every_row_waits_uncounted():
    rows = queue(3)
    with smtp_to(free_port()), pytest.raises(CommandError, match="Serveur d’e-mail injoignable .* : les e-mails "
                                                                  "attendent le prochain passage."):
        send_due()
    assert OutgoingMail.objects.filter(status=MailStatus.PENDING, attempts=0, claim="").count() == len(rows)
    assert "Envoyés : 3" in send_due()  # the server is back (locmem)


def test_a_server_that_hangs_up_mid_run_stops_it_without_counting_and_the_next_run_resumes(failing):
    rows = queue(5)
    failing(after=2, error=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    with pytest.raises(MailServerAway):
        outbox_send()
    assert [statuses()[row.key] for row in rows] == [MailStatus.SENT] * 2 + [MailStatus.PENDING] * 3
    assert OutgoingMail.objects.filter(status=MailStatus.PENDING, attempts=0).count() == 3
    assert OutgoingMail.objects.get(key=rows[2].key).error == "Connection unexpectedly closed"
    failing(after=100, error=RuntimeError())
    assert outbox_send() == (3, 0)


def test_send_soon_sends_at_once_outside_a_request_and_leaves_it_to_the_job_when_the_server_is_away(caplog):
    row = queue(1)[0]
    mail_send_soon(row)
    assert len(mail.outbox) == 1 and statuses()[row.key] == MailStatus.SENT
    mail_send_soon(row)  # already sent: nothing
    assert len(mail.outbox) == 1
    later = queue(1, start=5)[0]
    with smtp_to(free_port()):
        mail_send_soon(later)
    assert statuses()[later.key] == MailStatus.PENDING and "serveur d’e-mail injoignable" in caplog.text
    assert "Envoyés : 1" in send_due()


# Keeping rows no longer than needed, and the cost of a run ---------------------------------------------------------------


def test_the_job_deletes_what_was_sent_or_failed_over_30_days_ago_and_nothing_else():
    rows = queue(6)
    old, recent = timezone.now() - timedelta(days=31), timezone.now() - timedelta(days=29)
    OutgoingMail.objects.filter(pk=rows[0].pk).update(status=MailStatus.SENT, sent_at=old)
    OutgoingMail.objects.filter(pk=rows[1].pk).update(status=MailStatus.SENT, sent_at=recent)
    OutgoingMail.objects.filter(pk=rows[2].pk).update(status=MailStatus.FAILED, created_at=old)
    OutgoingMail.objects.filter(pk=rows[3].pk).update(status=MailStatus.SENDING, created_at=old, claim="c" * 32,
                                                      claimed_at=old)
    OutgoingMail.objects.filter(pk=rows[4].pk).update(created_at=old)  # pending: still to send
    assert outbox_prune(timezone.now()) == 3
    assert sorted(OutgoingMail.objects.values_list("key", flat=True)) == [rows[n].key for n in (1, 4, 5)]
    assert "3 e-mails anciens" not in send_due() and "0 e-mail ancien" in send_due()


def test_a_run_claims_rows_by_batch_not_one_by_one(django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(outbox, "BATCH", 100)
    queue(250)
    # Per batch: the ids, one UPDATE claiming them, the rows; then one UPDATE per e-mail (its outcome, written
    # before the next is handed to the server).
    with django_assert_max_num_queries(250 + 3 * 3 + 3):
        assert outbox_send() == (250, 0)


# Two runs at once ------------------------------------------------------------------------------------------------------


@pytest.mark.postgres_only(reason="SQLite lets one writer at a time: two runs cannot claim together")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_never_send_a_row_twice():
    from tests.parcours.test_concurrency import run_together

    mails_queue([(f"course:{n}", f"personne{n}@example.org", "Objet", "Texte", "") for n in range(600)])
    results, errors = run_together(lambda i: outbox_send(), count=2)
    assert errors == []
    assert sum(sent for sent, _ in results) == 600 and all(sent for sent, _ in results)  # both worked
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 600
    assert OutgoingMail.objects.exclude(status=MailStatus.SENT).count() == 0


# A real SMTP server ------------------------------------------------------------------------------------------------------


def test_send_due_delivers_text_html_an_attachment_and_headers_to_a_real_mail_server(mail_server):
    port, mailbox = mail_server
    mail_queue(key="essai:smtp", to="ines@example.org", subject="Votre inscription : « Jeudi de l’ODD 17 »",
               text="Bonjour Inès,\nà jeudi.", html="<p>Bonjour Inès,<br>à jeudi.</p>",
               attachments=[{"filename": "jeudi.ics", "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                             "mimetype": "text/calendar"}],
               headers={"List-Unsubscribe": "<http://testserver/lettre/desabonnement/x/un-clic/>"})
    with smtp_to(port):
        assert "Envoyés : 1, refusés : 0." in send_due()
        assert "Envoyés : 0, refusés : 0." in send_due()
    [(recipients, message)] = mailbox.messages
    assert recipients == ["ines@example.org"]
    assert message["Subject"].strip() == "Votre inscription : « Jeudi de l’ODD 17 »"
    assert message["List-Unsubscribe"] == "<http://testserver/lettre/desabonnement/x/un-clic/>"
    assert message.get_body(("plain",)).get_content().splitlines() == ["Bonjour Inès,", "à jeudi."]
    assert message.get_body(("html",)).get_content().strip() == "<p>Bonjour Inès,<br>à jeudi.</p>"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "jeudi.ics" and attachment.get_content_type() == "text/calendar"
    assert "BEGIN:VCALENDAR" in attachment.get_content()
