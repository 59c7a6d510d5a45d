"""« La lettre »: what an issue contains, frozen when it goes out, and its e-mails (the job's producer).

What an issue holds, for its period (``period_start`` to ``period_end``, whole days in Europe/Paris):

- the fiches published during the period;
- the fiches published before it and updated during it (``updated_at``: any save by the editorial team);
- the events to come, from the moment the issue goes out, and the replays of the events of the period.

Each section keeps its SECTION_LIMIT most recent items, and says how many more there were (the fiche list has them
all).

``letters_due(now)`` (in the job's PRODUCERS): each published issue whose date has come and whose e-mails are not
all queued is frozen (``letter_freeze``: its items written into ``Letter.content``, once), then gets one outbox row
per subscriber confirmed before its date (key ``lettre:<number>:<subscriber id>``), in chunks; ``queued_at`` is set
once every row exists. A crash in between resumes on the next run: the keys that exist are skipped, the content
stays as frozen. Someone who confirms after the issue's date never receives it (nor any older one).

The e-mail is rendered once per issue, with a marker where each subscriber's unsubscribe link goes, then copied
with the link of each (10,000 template renderings would take longer than the sending).
"""

import secrets
from datetime import datetime, time, timedelta

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator

from core.site import site_address
from diagnostic.numbers import format_day
from rendezvous.agenda import replays, upcoming_events
from rendezvous.ics import EXAMPLE_PREFIX
from rendezvous.models import Letter, LetterSubscriber
from rendezvous.outbox import mails_queue
from rendezvous.plain_text import html_to_text
from rendezvous.tokens import token_make
from resources.models import Fiche

SECTION_LIMIT = 20
CHAPEAU_WORDS = 40
CHUNK = 500  # subscribers whose e-mails are built and inserted at a time
UNSUBSCRIBE_PURPOSE = "lettre-desabonnement"
SECTIONS = ("new", "updated", "upcoming", "replays")


# Assembly ---------------------------------------------------------------------------------------------------------


def _period_bounds(period_start, period_end):
    """The period as aware datetimes [start, end): from the first day's midnight to the midnight after the last, in
    the site's time zone."""
    start = timezone.make_aware(datetime.combine(period_start, time.min))
    end = timezone.make_aware(datetime.combine(period_end + timedelta(days=1), time.min))
    return start, end


def when_label(moment):
    """« jeudi 14 janvier 2027 à 14 h 00 », « vendredi 1er janvier 2027 à 9 h 05 »: in Europe/Paris."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'l')} {format_day(local)} à {local.hour}\u202fh\u202f{local.minute:02d}"


def _fiche_item(fiche, moment):
    return {
        "title": fiche.title, "url": fiche.get_absolute_url(), "family": fiche.get_family_display(),
        "chapeau": Truncator(fiche.chapeau).words(CHAPEAU_WORDS), "date": format_day(moment),
    }


def _fiche_sections(period_start, period_end):
    start, end = _period_bounds(period_start, period_end)
    fields = ("pk", "title", "slug", "family", "chapeau", "published_at", "updated_at")
    online = Fiche.objects.visible_at(end)  # as the period ends: a fiche scheduled within it counts, once online
    new = online.filter(published_at__gte=start, published_at__lt=end)
    updated = online.filter(published_at__lt=start, updated_at__gte=start, updated_at__lt=end)
    new_items = new.only(*fields).order_by("-published_at", "-pk")[:SECTION_LIMIT]
    updated_items = updated.only(*fields).order_by("-updated_at", "pk")[:SECTION_LIMIT]
    return {
        "new": _section([_fiche_item(fiche, fiche.published_at) for fiche in new_items], new.count()),
        "updated": _section([_fiche_item(fiche, fiche.updated_at) for fiche in updated_items], updated.count()),
    }


def _section(items, total):
    return {"items": items, "more": max(0, total - len(items))}


def _value(thing, name):
    return thing.get(name) if isinstance(thing, dict) else getattr(thing, name, None)


def _web_address(value):
    """A link an item may carry: a path of the site, or an http(s) address; anything else is dropped."""
    value = str(value or "")
    return value if value.startswith(("/", "https://", "http://")) and not value.startswith("//") else ""


def _event_item(event):
    """An event of the agenda (a model instance or a dict: title, url or get_absolute_url, starts_at, replay_url)."""
    url = _value(event, "url") or (event.get_absolute_url() if hasattr(event, "get_absolute_url") else "")
    starts_at = _value(event, "starts_at")
    return {
        "title": f"{EXAMPLE_PREFIX if _value(event, 'is_example') else ''}{_value(event, 'title')}",
        "url": _web_address(url),
        "when": when_label(starts_at) if starts_at else "", "replay_url": _web_address(_value(event, "replay_url")),
    }


def _event_sections(period_start, period_end):
    """(upcoming events as of now, replays of the events that ended in the period)."""
    start, end = _period_bounds(period_start, period_end)
    return list(upcoming_events(after=timezone.now(), limit=None)), list(replays(since=start, until=end))


def letter_assemble(letter):
    """What ``letter`` would contain if it went out now: {section: {"items": [...], "more": n}} (JSON-ready)."""
    content = _fiche_sections(letter.period_start, letter.period_end)
    upcoming, replays = _event_sections(letter.period_start, letter.period_end)
    content["upcoming"] = _section([_event_item(event) for event in upcoming[:SECTION_LIMIT]], len(upcoming))
    content["replays"] = _section([_event_item(event) for event in replays[:SECTION_LIMIT]], len(replays))
    return content


def letter_freeze(letter, now):
    """Write the issue's items into ``letter.content`` unless a run did already (the conditional UPDATE: two runs at
    once freeze it once); ``letter`` is refreshed with what is stored."""
    Letter.objects.filter(pk=letter.pk, frozen_at__isnull=True).update(content=letter_assemble(letter), frozen_at=now)
    letter.refresh_from_db(fields=["content", "frozen_at"])


# Rendering --------------------------------------------------------------------------------------------------------


def _href(value, base):
    return base + value if value and value.startswith("/") else value or ""


def _linked(section, base):
    """The frozen section with each item's links ready to print: ``href``, ``replay_href``."""
    items = [{**item, "href": _href(item.get("url"), base), "replay_href": _href(item.get("replay_url"), base)}
             for item in section.get("items", [])]
    return {"items": items, "more": section.get("more", 0)}


def letter_context(letter, content, *, base=""):
    """What the templates of an issue read; ``base`` prefixes the site's own links (the site's address in e-mails)."""
    sections = {name: _linked(content.get(name) or {}, base) for name in SECTIONS}
    return {
        "letter": letter, "sections": sections,
        "fiches_href": base + reverse("resources:fiche_list") + "?tri=recent",
        "empty": not any(section["items"] for section in sections.values()),
        "published_label": format_day(letter.published_at) if letter.published_at else "",
        "period_label": f"du {format_day(letter.period_start)} au {format_day(letter.period_end)}",
    }


def letter_subject(letter):
    return f"La lettre du hub n°\u00a0{letter.number} — {letter.title}"  # a title may hold its own colon


def letter_email(letter, unsubscribe_url):
    """(subject, text, html) of ``letter``'s e-mail, from its frozen content."""
    context = {
        **letter_context(letter, letter.content, base=site_address("")),
        "web_url": site_address(letter.get_absolute_url()), "unsubscribe_url": unsubscribe_url,
        "intro_text": html_to_text(letter.intro_html),  # the Markdown as a reader sees it, not its source
        "archive_url": site_address(reverse("rendezvous:letter_archive")),
    }
    return (letter_subject(letter), render_to_string("rendezvous/letter/email.txt", context),
            render_to_string("rendezvous/letter/email.html", context))


def unsubscribe_url(subscriber):
    """The page with the « Me désabonner » button; its address followed by « un-clic/ » is the one-click one."""
    token = token_make(UNSUBSCRIBE_PURPOSE, subscriber.pk, subscriber.nonce)
    return site_address(reverse("rendezvous:letter_unsubscribe", args=[token]))


def unsubscribe_headers(url):
    """RFC 2369 and 8058 for the unsubscribe page at ``url``: mail programs show « Se désabonner » and may
    unsubscribe in one click (a POST to rendezvous:letter_unsubscribe_one_click)."""
    return {"List-Unsubscribe": f"<{url}un-clic/>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# The job ----------------------------------------------------------------------------------------------------------


def _recipients(letter):
    """Subscribers confirmed before the issue's date, in id order."""
    return LetterSubscriber.objects.filter(confirmed_at__lte=letter.published_at).order_by("pk")


def letter_queue(letter, now):
    """Freeze ``letter`` if needed, queue its e-mails (those not queued yet), then mark it queued; returns how many
    e-mails were new."""
    letter_freeze(letter, now)
    marker = f"@@desabonnement-{secrets.token_hex(8)}@@"
    subject, text, html = letter_email(letter, marker)
    queued, after = 0, 0
    while True:
        chunk = list(_recipients(letter).filter(pk__gt=after).only("pk", "email", "nonce")[:CHUNK])
        if not chunk:
            break
        after = chunk[-1].pk
        rows = []
        for subscriber in chunk:
            link = unsubscribe_url(subscriber)
            rows.append((f"lettre:{letter.number}:{subscriber.pk}", subscriber.email, subject,
                         text.replace(marker, link), html.replace(marker, link), unsubscribe_headers(link)))
        queued += mails_queue(rows)
    Letter.objects.filter(pk=letter.pk).update(queued_at=now)
    return queued


def letters_due(now):
    """The producer of the job: every issue due gets its e-mails queued (see the module's docstring)."""
    return sum(letter_queue(letter, now) for letter in Letter.objects.due(now).order_by("number"))


def next_letter_number():
    last = Letter.objects.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1
