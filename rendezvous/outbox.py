"""Queue and send the rendez-vous' e-mails (rows of ``OutgoingMail``).

- ``mail_queue`` makes one row per key (a second call with the same key returns the first row and sends nothing).
- ``mails_queue`` does the same for many rows at once: what a job uses for a letter to thousands of people.
- ``mail_send_soon`` sends one queued row once the response has left (core.after_response): a confirmation a
  person waits for does not wait for the next run of the job; if the server is down, the job sends it later.
- ``outbox_send`` is the job's sending half; ``outbox_prune`` forgets what was sent 30 days ago.

At most once. A run claims a batch of pending rows with one conditional UPDATE (``status='pending'`` in its WHERE:
two runs at once never claim the same row; each batch carries a random ``claim`` the run then reads its rows by),
sends them in id order through one connection, and writes each row's outcome before the next SMTP call. So at any
moment a run has at most one row « in flight »: handed to the server, outcome not yet written. If the run dies:

- on an exception or Ctrl-C (``finally``), the rows of its batch it never reached go back to ``pending``; the row
  in flight stays ``sending``, and is never sent again on its own: it may have left (staff see it in the admin,
  « E-mails sortants », état « Envoi en cours ou interrompu », and decide);
- killed outright (no ``finally``), the batch stays ``sending``; an hour later (STALE_CLAIM) the next run puts
  back every row of that claim but its first (lowest id, the only one that can have been in flight).

A refusal by the server (an SMTP error code) puts the row back in the queue and counts an attempt; after
MAX_ATTEMPTS it is « Échec ». A server that cannot be reached, or that hangs up, is no refusal: nothing is counted,
the row goes back to the queue and the run stops (MailServerAway). The one case that may give a duplicate is a
connection cut after the server accepted a message and before its answer reached us, as with any SMTP client.
"""

import logging
import secrets
import smtplib
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone

from core.after_response import after_response
from rendezvous.models import MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

SEND_ERRORS = (smtplib.SMTPException, OSError)  # refused by the server; unreachable, timed out
MAX_ATTEMPTS = 3  # a row the server refused this many times is « Échec », for staff to look at
BATCH = 100  # rows claimed at a time by the job
STALE_CLAIM = timedelta(hours=1)  # longer than any batch takes, even at EMAIL_TIMEOUT per message
KEEP_SENT = timedelta(days=30)  # then the row (an address, a text) is deleted


class MailServerAway(Exception):
    """The mail server could not be reached, or hung up: the rows wait for the next run."""


def _one_line(value):
    """A header's value on one line (a line break would start a header of its own choosing); other spaces, no-break
    ones included, are kept as they are."""
    return " ".join(part.strip() for part in str(value).splitlines() if part.strip())


def _row(key, to, subject, text, html, attachments=(), headers=None):
    return OutgoingMail(key=key, to=to, subject=_one_line(subject), text=text, html=html,
                        attachments=list(attachments),
                        headers={_one_line(name): _one_line(value) for name, value in (headers or {}).items()})


def mail_queue(*, key, to, subject, text, html="", attachments=(), headers=None):
    """The row for ``key``, created if new (subject on one line: a header never carries a line break).

    ``headers``: extra headers such as ``{"List-Unsubscribe": "<https://…>"}``."""
    row = _row(key, to, subject, text, html, attachments, headers)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # the unique key: the row exists (another call made it), keep it as it is
        existing = OutgoingMail.objects.filter(key=key).first()
        if existing is None:
            raise
        return existing
    return row


def mails_queue(rows):
    """Queue many ``(key, to, subject, text, html)`` at once, or ``(key, to, subject, text, html, headers)``; rows
    whose key exists are left alone. Returns how many keys were new."""
    rows = list(rows)
    keys = [row[0] for row in rows]
    before = set(OutgoingMail.objects.filter(key__in=keys).values_list("key", flat=True))
    OutgoingMail.objects.bulk_create(
        [_row(key, to, subject, text, html, (), headers[0] if headers else None)
         for key, to, subject, text, html, *headers in rows if key not in before],
        batch_size=500, ignore_conflicts=True,
    )
    return len(set(keys) - before)


def _message(row, connection):
    message = EmailMultiAlternatives(row.subject, row.text, None, [row.to], connection=connection,
                                     headers=row.headers or None)
    if row.html:
        message.attach_alternative(row.html, "text/html")
    for attachment in row.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def _claim(ids, now):
    """Claim the rows among ``ids`` still pending, in one UPDATE; returns them, in id order (another run may have
    taken some: its claim is not ours)."""
    claim = secrets.token_hex(16)
    OutgoingMail.objects.filter(pk__in=ids, status=MailStatus.PENDING).update(
        status=MailStatus.SENDING, claimed_at=now, claim=claim)
    return list(OutgoingMail.objects.filter(pk__in=ids, claim=claim, status=MailStatus.SENDING).order_by("pk"))


def _release(rows):
    """Put back in the queue claimed rows that were never handed to the server."""
    if rows:
        OutgoingMail.objects.filter(pk__in=[row.pk for row in rows], status=MailStatus.SENDING).update(
            status=MailStatus.PENDING, claim="", claimed_at=None)


def _server_away(error):
    """No answer from the server (unreachable, hung up, timed out), as opposed to an answer refusing the message."""
    away = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)
    return isinstance(error, away) or not isinstance(error, smtplib.SMTPException)


def _send_claimed(row, connection):
    """Send one claimed row; True once the server took it, False if it refused it (back in the queue, or « Échec »
    after MAX_ATTEMPTS). Raises MailServerAway, the row back in the queue, if the server is not there."""
    try:
        _message(row, connection).send()
    except SEND_ERRORS as error:
        if _server_away(error):
            OutgoingMail.objects.filter(pk=row.pk).update(status=MailStatus.PENDING, claim="", claimed_at=None,
                                                          error=str(error)[:300])
            raise MailServerAway(str(error)) from error
        attempts = row.attempts + 1
        status = MailStatus.FAILED if attempts >= MAX_ATTEMPTS else MailStatus.PENDING
        OutgoingMail.objects.filter(pk=row.pk).update(status=status, attempts=attempts, error=str(error)[:300])
        logger.warning("E-mail %s : envoi refusé (%s).", row.pk, type(error).__name__)
        return False
    OutgoingMail.objects.filter(pk=row.pk).update(status=MailStatus.SENT, attempts=row.attempts + 1,
                                                  sent_at=timezone.now(), error="")
    return True


def _send_now(pk):
    rows = _claim([pk], timezone.now())
    if not rows:
        return
    try:
        _send_claimed(rows[0], get_connection())
    except MailServerAway:
        logger.warning("E-mail %s : serveur d’e-mail injoignable, il partira au prochain passage de l’envoi.", pk)


def mail_send_soon(row):
    """Send ``row`` once the response has left (at once outside a request); the job sends it if this fails."""
    after_response(_send_now, row.pk)


def _recover_stale_claims(now):
    """Rows claimed by a run that died without cleaning up (killed), over STALE_CLAIM ago: all but the first of
    each claim go back to the queue. Returns how many."""
    stale = OutgoingMail.objects.filter(status=MailStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
    firsts = list(stale.values("claim").annotate(first=Min("pk")).values_list("first", flat=True))
    return stale.exclude(pk__in=firsts).update(status=MailStatus.PENDING, claim="", claimed_at=None)


def _send_batch(rows, connection):
    """Send claimed ``rows`` in order; (sent, failed). Whatever stops it, the rows not reached go back."""
    sent = failed = 0
    reached = 0
    try:
        for row in rows:
            reached += 1
            if _send_claimed(row, connection):
                sent += 1
            else:
                failed += 1
    finally:
        _release(rows[reached:])
    return sent, failed


def outbox_send(*, limit=None):
    """Send the pending rows, oldest first, through one connection; returns ``(sent, failed)``. Raises
    MailServerAway when the server cannot be reached or hangs up: what is left waits for the next run."""
    sent = failed = 0
    now = timezone.now()
    _recover_stale_claims(now)
    connection = get_connection()
    try:
        connection.open()
    except SEND_ERRORS as error:
        raise MailServerAway(str(error)) from error
    after = 0
    try:
        while limit is None or sent + failed < limit:
            size = BATCH if limit is None else min(BATCH, limit - sent - failed)
            ids = list(OutgoingMail.objects.filter(status=MailStatus.PENDING, pk__gt=after)
                       .order_by("pk").values_list("pk", flat=True)[:size])
            if not ids:
                break
            after = ids[-1]
            batch_sent, batch_failed = _send_batch(_claim(ids, timezone.now()), connection)
            sent, failed = sent + batch_sent, failed + batch_failed
    finally:
        connection.close()
    return sent, failed


def outbox_interrupted():
    """Rows « sending » now: in flight in a run going on, or left by a run that died (for staff to check)."""
    return OutgoingMail.objects.filter(status=MailStatus.SENDING).count()


def outbox_prune(now):
    """Delete the rows sent over 30 days ago, and the failed or interrupted ones created that long ago: the
    address and the text are kept no longer than staff need them. Returns how many."""
    cutoff = now - KEEP_SENT
    return OutgoingMail.objects.filter(
        Q(status=MailStatus.SENT, sent_at__lt=cutoff)
        | Q(status__in=[MailStatus.FAILED, MailStatus.SENDING], created_at__lt=cutoff)
    ).delete()[0]
