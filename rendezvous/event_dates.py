"""When an event takes place, as a French reader writes it, in Paris time whatever the server's clock.

« jeudi 14 janvier 2027, 14 h 00 – 15 h 30 (heure de Paris) ». Times are stored in UTC and shown in the site's
time zone (TIME_ZONE, Europe/Paris). The trap: the night clocks go back, 2 h 00 to 3 h 00 happens twice; a time in
that hour says which one (« 2 h 30 (heure d’été) »), so two events an hour apart never read the same.

``now()`` is the one clock of the rendez-vous: tests move it by patching this module's attribute.
"""

from django.utils import timezone
from django.utils.formats import date_format

from diagnostic.numbers import format_day

PARIS = " (heure de Paris)"


def now():
    return timezone.now()


def clock_label(moment):
    """« 14 h 00 », « 9 h 05 », « 2 h 30 (heure d’été) » in the repeated hour of the autumn night."""
    local = timezone.localtime(moment)
    text = f"{local.hour}\u202fh\u202f{local.minute:02d}"
    twin = local.replace(fold=1 - local.fold)
    if twin.utcoffset() != local.utcoffset():
        text += " (heure d’été)" if local.dst() else " (heure d’hiver)"
    return text


def day_label(moment):
    """« jeudi 14 janvier 2027 », « lundi 1er mars 2027 », in Paris."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'l')} {format_day(local)}"


def when_label(starts_at, ends_at):
    """« jeudi 14 janvier 2027, 14 h 00 – 15 h 30 (heure de Paris) »; the end's day is said when it differs."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.date() == end.date():
        return f"{day_label(start)}, {clock_label(start)} – {clock_label(end)}{PARIS}"
    return f"{day_label(start)}, {clock_label(start)} – {day_label(end)}, {clock_label(end)}{PARIS}"


def start_label(starts_at):
    """« jeudi 14 janvier 2027 à 14 h 00 »."""
    return f"{day_label(starts_at)} à {clock_label(starts_at)}"
