"""An event as an iCalendar file (RFC 5545, written by the icalendar library): one VEVENT, times in UTC.

Two versions of the same event, with the same UID (a calendar that imported one updates it with the other):
- the public one (``/agenda/<slug>.ics``), which never carries the online link;
- the one attached to a registered person's e-mail, with the online link in LOCATION and DESCRIPTION (an online
  event's; an event on site gives its place in both).
DESCRIPTION is plain text (rendezvous.plain_text): the description's paragraphs on one line each, its list items
on lines of their own.
The UID is the event's id at the site's host name (HUB_SITE_URL): stable across edits, renames and servers.
"""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from core.site import site_address
from rendezvous.plain_text import html_to_text

PRODUCT = "-//Le hub des modèles socio-économiques//Agenda//FR"
MIMETYPE = "text/calendar"
EXAMPLE_PREFIX = "[Exemple] "


def event_uid(event):
    return f"rendez-vous-{event.pk}@{urlsplit(settings.HUB_SITE_URL).hostname}"


def event_summary(event):
    """The title, with « [Exemple] » in front of a shipped example."""
    return f"{EXAMPLE_PREFIX if event.is_example else ''}{event.title}"


def _description(event, page, online_link):
    lines = [event.get_kind_display()]
    if online_link and event.is_online:
        lines.append(f"En ligne. Lien de connexion\u00a0: {event.online_url}")
    elif event.is_online:
        lines.append("En ligne (le lien est envoyé aux personnes inscrites).")
    else:
        lines.append(f"Lieu\u00a0: {event.place}")
    if event.speaker_list:
        lines.append(f"Avec\u00a0: {', '.join(event.speaker_list)}")
    # Plain text: a calendar shows no HTML, and the Markdown's hard-wrapped lines would break its paragraphs.
    lines += ["", html_to_text(event.description_html), "", f"Page du rendez-vous\u00a0: {page}"]
    return "\n".join(lines)


def event_calendar(event, *, online_link=False):
    """The .ics file's bytes; ``online_link`` only for a person whose place is confirmed."""
    page = site_address(event.get_absolute_url())
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    entry = CalendarEvent()
    entry.add("uid", event_uid(event))
    # In UTC (« …Z »), whatever zone the datetimes carry: no VTIMEZONE to ship, no daylight-saving guess.
    entry.add("dtstamp", event.updated_at.astimezone(UTC))
    entry.add("last-modified", event.updated_at.astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", event_summary(event))
    entry.add("description", _description(event, page, online_link))
    if event.is_online:
        entry.add("location", event.online_url if online_link else "En ligne")
    else:
        entry.add("location", event.place)
    entry.add("url", page)
    calendar.add_component(entry)
    return calendar.to_ical()


def event_filename(event):
    return f"{event.slug}.ics"


def event_attachment(event):
    """The outbox's attachment ({filename, content, mimetype}) with the online link: for a confirmed place."""
    return {"filename": event_filename(event), "content": event_calendar(event, online_link=True).decode(),
            "mimetype": MIMETYPE}
