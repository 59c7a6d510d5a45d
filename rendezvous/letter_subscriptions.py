"""Subscribing to « La lettre » (double opt-in), confirming, unsubscribing, and forgetting unconfirmed requests.

The page only checks the form; ``subscription_request`` runs after the response (core.after_response) and is the
only code that looks the address up: the visitor gets the same answer, in the same time, whether the address is
new, waiting for its confirmation or already subscribed. What differs goes by e-mail, to the address itself:

- new, or not confirmed yet: a confirmation link (signed with a fresh nonce: the previous link dies), valid 7 days;
- already subscribed: a word saying so, with the unsubscribe link (nothing changes).

Confirming and unsubscribing are POSTs (the links' GET shows a button: mail scanners open links).
"""

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.site import site_address
from rendezvous.letter import UNSUBSCRIBE_PURPOSE, unsubscribe_url
from rendezvous.models import LetterSubscriber, MailStatus, OutgoingMail
from rendezvous.models.letter import new_nonce
from rendezvous.outbox import mail_queue, mail_send_soon
from rendezvous.tokens import token_make, token_read

CONFIRM_PURPOSE = "lettre-confirmation"
CONFIRM_MAX_AGE = timedelta(days=7)
UNCONFIRMED_KEPT = CONFIRM_MAX_AGE  # a request nobody confirmed is deleted once its link has expired
# Every letter carries a fresh link; an older one still works for two years.
UNSUBSCRIBE_MAX_AGE = timedelta(days=730)


class SubscriberGone(Exception):
    """A genuine link whose subscription no longer exists (unsubscribed, never confirmed, or a newer request)."""


def _subscriber_for_request(email, now):
    try:
        with transaction.atomic():
            return LetterSubscriber.objects.get_or_create(email=email, defaults={"created_at": now})[0]
    except IntegrityError:  # the same address, asked twice at the same instant: the other request made the row
        return LetterSubscriber.objects.get(email=email)


def _send(key, to, template, context):
    context = {**context, "archive_url": site_address(reverse("rendezvous:letter_archive"))}
    subject = " ".join(render_to_string(f"rendezvous/letter/{template}_subject.txt", context).split())
    row = mail_queue(key=key, to=to, subject=subject,
                     text=render_to_string(f"rendezvous/letter/{template}.txt", context),
                     html=render_to_string(f"rendezvous/letter/{template}.html", context))
    mail_send_soon(row)


def subscription_request(*, email):
    """What a valid form asked for, once the response has left (see the module's docstring)."""
    now = timezone.now()
    subscriber = _subscriber_for_request(email, now)
    if subscriber.confirmed_at is not None:
        _send(f"lettre:deja-abonne:{subscriber.pk}:{secrets.token_hex(4)}", email, "email_already",
              {"unsubscribe_url": unsubscribe_url(subscriber)})
        return
    # A new link for each request, and seven more days to use it.
    nonce = new_nonce()
    LetterSubscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(nonce=nonce, created_at=now)
    token = token_make(CONFIRM_PURPOSE, subscriber.pk, nonce)
    _send(f"lettre:confirmation:{subscriber.pk}:{nonce}", email, "email_confirm",
          {"confirm_url": site_address(reverse("rendezvous:letter_confirm", args=[token]))})


def _subscriber_from(purpose, token, max_age):
    """The subscriber a link names; raises TokenInvalid (404), TokenExpired (410) or SubscriberGone (404)."""
    values = token_read(purpose, token, max_age=max_age)
    if not (isinstance(values, list) and len(values) == 2 and isinstance(values[0], int)):
        raise SubscriberGone
    subscriber = LetterSubscriber.objects.filter(pk=values[0], nonce=str(values[1])).first()
    if subscriber is None:
        raise SubscriberGone
    return subscriber


def subscriber_to_confirm(token):
    return _subscriber_from(CONFIRM_PURPOSE, token, CONFIRM_MAX_AGE)


def subscriber_to_unsubscribe(token):
    return _subscriber_from(UNSUBSCRIBE_PURPOSE, token, UNSUBSCRIBE_MAX_AGE)


def subscription_confirm(*, subscriber):
    """Confirmed from now on (a second click changes nothing)."""
    LetterSubscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())


def subscription_delete(*, subscriber):
    """Unsubscribing: the row goes, with the address, and so do the letters queued for it and not sent yet."""
    with transaction.atomic():
        LetterSubscriber.objects.filter(pk=subscriber.pk).delete()
        # Its letters' keys are « lettre:<number>:<subscriber id> » (rendezvous.letter).
        OutgoingMail.objects.filter(status=MailStatus.PENDING, key__regex=rf"^lettre:[0-9]+:{subscriber.pk}$").delete()


def subscribers_prune(now):
    """Delete the requests nobody confirmed within 7 days (the job's pruners); returns how many."""
    return LetterSubscriber.objects.filter(confirmed_at__isnull=True, created_at__lt=now - UNCONFIRMED_KEPT).delete()[0]
