"""Load the shipped example events (``fixtures/rendez-vous.toml``): create-only unless ``update=True``, like the
fiches. Load the levers and fiches first: the events name them.

A start is written as a local date and time in Paris; one in the hour that happens twice (the autumn night) or
never (the spring night) is refused, as the admin refuses it: the file would not say which instant it means.
"""

import tomllib
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from resources.content_files import FIXTURES_DIR, ContentError
from resources.content_loader import problems_message, upsert
from resources.models import Fiche, Lever
from rendezvous.models import Event

EVENTS_FILE = FIXTURES_DIR / "rendez-vous.toml"
FIELDS = ("title", "kind", "status", "duration", "format", "online_url", "place", "capacity", "description",
          "replay_url", "resources")


def paris_time(value):
    """The aware instant of a local date and time in Paris; ValueError if that local time is ambiguous or
    does not exist."""
    if not isinstance(value, datetime) or value.tzinfo is not None:
        raise ValueError("starts_at doit être une date et une heure locales (2027-01-21T13:00:00), sans fuseau")
    aware = value.replace(tzinfo=timezone.get_default_timezone())
    if aware.utcoffset() != aware.replace(fold=1).utcoffset():
        raise ValueError(f"{value:%Y-%m-%d %H:%M} est ambiguë ou n’existe pas à Paris (changement d’heure)")
    return aware


def _defaults(row):
    values = {name: row.get(name, "" if name != "capacity" else None) for name in FIELDS}
    values = {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
    values["speakers"] = "\n".join(row.get("speakers", []))
    values["is_example"] = row.get("is_example", True)
    values["starts_at"] = paris_time(row.get("starts_at"))
    return values


def _problems(rows, levers, fiches):
    problems = []
    for row in rows:
        name = row.get("slug", "?")
        try:
            event = Event(slug=row.get("slug", ""), **_defaults(row))
            event.derive_fields()
            event.full_clean(validate_unique=False)
        except (ValueError, TypeError) as error:
            problems.append(f"{name}\u00a0: {error}")
            continue
        except ValidationError as error:
            problems += [f"{name}\u00a0: {field} — {' '.join(messages)}" for field, messages in error.message_dict.items()]
        problems += [f"{name}\u00a0: levier inconnu {slug!r}" for slug in row.get("levers", []) if slug not in levers]
        problems += [f"{name}\u00a0: fiche inconnue {slug!r}" for slug in row.get("fiches", []) if slug not in fiches]
    return problems


@transaction.atomic
def events_load(*, update=False, path=EVENTS_FILE):
    """Returns the number of events created."""
    rows = tomllib.loads(path.read_text(encoding="utf-8")).get("event", []) if path.exists() else []
    levers = {lever.slug: lever for lever in Lever.objects.all()}
    fiches = {fiche.slug: fiche for fiche in Fiche.objects.only("pk", "slug")}
    if problems := problems_message("Rendez-vous", {path: _problems(rows, levers, fiches)}):
        raise ContentError(problems)
    created = 0
    for row in rows:
        event, was_created = upsert(Event, {"slug": row["slug"]}, _defaults(row), update)
        created += was_created
        if was_created or update:
            event.levers.set([levers[slug] for slug in row.get("levers", [])])
            event.fiches.set([fiches[slug] for slug in row.get("fiches", [])])
    return created
