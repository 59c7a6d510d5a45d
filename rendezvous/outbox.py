"""Queue and send the rendez-vous' e-mails (rows of ``OutgoingMail``, whose docstring gives the rules).

- ``mail_queue`` makes one row per key (a second call with the same key returns the first row and sends nothing).
- ``mails_queue`` does the same for many rows at once: what a job uses for a letter to thousands of people.
- ``mail_send_soon`` sends one queued row once the response has left (core.after_response): a confirmation a
  person waits for does not wait for the next run of the job; if the server is down, the job sends it later.
- ``outbox_send`` is the job's sending half: pending rows in order, through one connection, each claimed before
  its SMTP call and marked sent after it.
"""

import logging
import smtplib

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from core.after_response import after_response
from rendezvous.models import MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

SEND_ERRORS = (smtplib.SMTPException, OSError)  # refused by the server; unreachable, timed out
MAX_ATTEMPTS = 3  # a row the server refused this many times is « Échec », for staff to look at
BATCH = 100  # rows claimed at a time by the job


def _row(key, to, subject, text, html, attachments):
    # Line breaks only (splitlines: \r, \n, \u2028…): the no-break spaces of French typography stay.
    return OutgoingMail(key=key, to=to, subject=" ".join(part.strip() for part in subject.splitlines()).strip(),
                        text=text, html=html, attachments=list(attachments))


def mail_queue(*, key, to, subject, text, html="", attachments=()):
    """The row for ``key``, created if new (subject on one line: a header never carries a line break)."""
    row = _row(key, to, subject, text, html, attachments)
    try:
        with transaction.atomic():
            row.save()
    except Exception:  # noqa: BLE001 (an IntegrityError on the unique key: the row exists, keep it as it is)
        existing = OutgoingMail.objects.filter(key=key).first()
        if existing is None:
            raise
        return existing
    return row


def mails_queue(rows):
    """Queue many ``(key, to, subject, text, html)`` at once; rows whose key exists are left alone. Returns how
    many keys were new."""
    rows = list(rows)
    keys = [row[0] for row in rows]
    before = set(OutgoingMail.objects.filter(key__in=keys).values_list("key", flat=True))
    OutgoingMail.objects.bulk_create(
        [_row(key, to, subject, text, html, ()) for key, to, subject, text, html in rows if key not in before],
        batch_size=500, ignore_conflicts=True,
    )
    return len(set(keys) - before)


def _message(row, connection):
    message = EmailMultiAlternatives(row.subject, row.text, None, [row.to], connection=connection)
    if row.html:
        message.attach_alternative(row.html, "text/html")
    for attachment in row.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def _claim(ids):
    """Claim the rows among ``ids`` still pending; returns the ids this call claimed (another worker may have)."""
    now = timezone.now()
    claimed = []
    for pk in ids:
        updated = OutgoingMail.objects.filter(pk=pk, status=MailStatus.PENDING).update(
            status=MailStatus.SENDING, claimed_at=now)
        if updated:
            claimed.append(pk)
    return claimed


def _send_claimed(row, connection):
    """Send one claimed row; True once the server took it. A refusal puts it back in the queue, or in « Échec »
    after MAX_ATTEMPTS."""
    try:
        _message(row, connection).send()
    except SEND_ERRORS as error:
        attempts = row.attempts + 1
        status = MailStatus.FAILED if attempts >= MAX_ATTEMPTS else MailStatus.PENDING
        OutgoingMail.objects.filter(pk=row.pk).update(status=status, attempts=attempts, error=str(error)[:300])
        logger.warning("E-mail %s : envoi refusé (%s).", row.pk, type(error).__name__)
        return False
    OutgoingMail.objects.filter(pk=row.pk).update(status=MailStatus.SENT, attempts=row.attempts + 1,
                                                  sent_at=timezone.now(), error="")
    return True


def _send_now(pk):
    if not _claim([pk]):
        return
    _send_claimed(OutgoingMail.objects.get(pk=pk), get_connection())


def mail_send_soon(row):
    """Send ``row`` once the response has left (at once outside a request); the job sends it if this fails."""
    after_response(_send_now, row.pk)


def outbox_send(*, limit=None):
    """Send the pending rows, oldest first, through one connection; returns ``(sent, failed)``. Stops at the first
    connection failure (the server is away: the rows wait for the next run)."""
    sent = failed = 0
    connection = get_connection()
    after = 0
    with connection:
        while limit is None or sent + failed < limit:
            size = BATCH if limit is None else min(BATCH, limit - sent - failed)
            ids = list(OutgoingMail.objects.filter(status=MailStatus.PENDING, pk__gt=after)
                       .order_by("pk").values_list("pk", flat=True)[:size])
            if not ids:
                break
            after = ids[-1]
            for row in OutgoingMail.objects.filter(pk__in=_claim(ids)).order_by("pk"):
                if _send_claimed(row, connection):
                    sent += 1
                else:
                    failed += 1
    return sent, failed
