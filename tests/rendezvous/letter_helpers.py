"""Builders for the tests of « La lettre »: subscribers, issues, and the links read back from its e-mails."""

import re
from datetime import date, timedelta
from io import StringIO
from itertools import count

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from rendezvous.models import Letter, LetterSubscriber

_seq = count(1)
CONFIRM_LINK = re.compile(r"http://testserver(/lettre/confirmation/[^/\s\"]+/)")
UNSUBSCRIBE_LINK = re.compile(r"http://testserver(/lettre/desabonnement/[^/\s\"]+/)")
ONE_CLICK = re.compile(r"<http://testserver(/lettre/desabonnement/[^/\s\"]+/un-clic/)>")


def make_subscriber(email=None, *, confirmed=True, **overrides):
    n = next(_seq)
    fields = {"email": email or f"abonne{n}@example.org", "confirmed_at": timezone.now() - timedelta(days=1)
              if confirmed else None}
    fields.update(overrides)
    return LetterSubscriber.objects.create(**fields)


def make_letter(**overrides):
    """A published issue, due an hour ago, for the last 30 days."""
    fields = {
        "number": (Letter.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1,
        "title": "Des nouvelles du hub", "period_start": date.today() - timedelta(days=30), "period_end": date.today(),
        "status": Letter.Status.PUBLISHED, "published_at": timezone.now() - timedelta(hours=1),
    }
    fields.update(overrides)
    return Letter.objects.create(**fields)


def send_due():
    out = StringIO()
    call_command("send_due", stdout=out)
    return out.getvalue()


def letters_sent(number):
    """The e-mails of issue ``number`` in the test mailbox."""
    return [message for message in mail.outbox if f"n°\u00a0{number} " in message.subject]


def html_of(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def link_in(message, pattern=CONFIRM_LINK):
    return pattern.search(message.body).group(1)


# For the hardening suite (tests/hardening/): a subscriber whose links are known, a waiting one, an issue online
# (number 1) and a draft (number 2).
HARDENING_NONCE = "1" * 32
HARDENING_EMAIL = "lettre-durcie@example.org"


def make_letter_world():
    make_subscriber(HARDENING_EMAIL, nonce=HARDENING_NONCE)
    make_subscriber("lettre-en-attente@example.org", confirmed=False, nonce=HARDENING_NONCE)
    make_letter(number=1, frozen_at=timezone.now(), queued_at=timezone.now())
    make_letter(number=2, status=Letter.Status.DRAFT, published_at=None)


def letter_links(kind):
    """[{"token": …}]: the links of the hardening world's subscribers, then altered and made-up ones."""
    from rendezvous.letter import UNSUBSCRIBE_PURPOSE
    from rendezvous.letter_subscriptions import CONFIRM_PURPOSE
    from rendezvous.tokens import token_make

    email, purpose = ((HARDENING_EMAIL, UNSUBSCRIBE_PURPOSE) if kind == "unsubscribe"
                      else ("lettre-en-attente@example.org", CONFIRM_PURPOSE))
    subscriber = LetterSubscriber.objects.get(email=email)
    token = token_make(purpose, subscriber.pk, subscriber.nonce)
    return [{"token": token}] * 2 + [{"token": token[:-2] + "xx"}, {"token": "pas-un-jeton"}]
