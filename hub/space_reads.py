"""What « Mon espace » reads of an account besides its progress, in one query: the profile (and the labels of its
kind of organisation and region), the kept parcours d’usage, the diagnostics and spaces with the person’s role.

Three ORM queries cost about 1 ms of Python to build on every visit, for a few rows. The SQL is written once (as in
accounts/sessions.py and parcours/tracking.py), each row tagged with its kind in the first column; its rules are the
ones of the ORM reads it replaces, and tests/hub/test_space_reads.py compares both for owners, members, members
removed and outsiders:

- ``diagnostic.ownership.organisations_for``: the person's own diagnostics, and the spaces they are a member of,
  ordered as the model (name, then id), each with ``member_role`` as ``diagnostic.access.organisations_with_roles``;
- ``parcours.usage_services.AccountPaths.all``: the kept paths, the last kept first;
- the profile, or None.

Visitors without an account keep the reads of their session (``space_reads`` is for accounts only).
"""

import datetime
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Profile
from diagnostic.models import Membership, Organisation
from parcours.models import KeptUsagePath
from resources.models import ActorProfile, Region

ORGANISATION, KEPT, PROFILE = 1, 2, 3


@dataclass(frozen=True)
class SpaceReads:
    profile: Profile | None  # its kind of organisation and region carry their id and label only
    kept_paths: list  # as AccountPaths.all(): dicts of key, query, entries, done, kept_at
    organisations: list  # unsaved Organisation rows (pk, name, is_space, updated_at) with member_role


def _moment(value):
    """A timestamp as the ORM gives it (aware, when USE_TZ): SQLite hands a UNION's column back naive or as text,
    PostgreSQL aware. Naive values are in the connection's time zone, as Django's SQLite backend reads them."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime.datetime) else parse_datetime(value)
    if settings.USE_TZ and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, connection.timezone)
    return moment


def _json(value):
    """A JSON column, cast to text in SQL (PostgreSQL's jsonb and SQLite's text then come back alike)."""
    return json.loads(value) if isinstance(value, str) else value


def _sql():
    organisation, membership = Organisation._meta.db_table, Membership._meta.db_table
    kept, profile = KeptUsagePath._meta.db_table, Profile._meta.db_table
    actor, region = ActorProfile._meta.db_table, Region._meta.db_table
    # Columns: kind, sort text, sort time, sort id, two integers, four texts, a time. Each NULL that could meet
    # another NULL before a typed value is cast: PostgreSQL types a UNION's columns from left to right.
    # Table names from the models, every value a parameter.
    return (
        f"SELECT {ORGANISATION}, o.name, NULL, o.id, CASE WHEN o.is_space THEN 1 ELSE 0 END, "  # nosec B608
        "CAST(NULL AS INTEGER), "
        f"(SELECT m.role FROM {membership} m WHERE m.organisation_id = o.id AND m.user_id = %s "  # nosec B608
        "ORDER BY m.joined_at, m.id LIMIT 1), NULL, NULL, NULL, o.updated_at "
        f"FROM {organisation} o WHERE o.user_id = %s OR (o.is_space AND EXISTS ("  # nosec B608
        f"SELECT 1 FROM {membership} m WHERE m.organisation_id = o.id AND m.user_id = %s)) "  # nosec B608
        f"UNION ALL SELECT {KEPT}, NULL, k.kept_at, -k.id, NULL, NULL, k.key, k.query, "  # nosec B608
        f"CAST(k.entries AS TEXT), CAST(k.done AS TEXT), NULL FROM {kept} k WHERE k.user_id = %s "  # nosec B608
        f"UNION ALL SELECT {PROFILE}, NULL, NULL, 0, p.actor_profile_id, p.region_id, a.label, r.label, "  # nosec B608
        f"NULL, NULL, NULL FROM {profile} p LEFT JOIN {actor} a ON a.id = p.actor_profile_id "  # nosec B608
        f"LEFT JOIN {region} r ON r.id = p.region_id WHERE p.user_id = %s "  # nosec B608
        "ORDER BY 1, 2, 3 DESC, 4"
    )


def space_reads(user):
    """The profile, kept paths and organisations of ``user`` (an account), in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [user.pk] * 5)
        rows = cursor.fetchall()
    profile, kept_paths, organisations = None, [], []
    for kind, name, kept_at, sort_id, first, second, text1, text2, text3, text4, moment in rows:
        if kind == ORGANISATION:
            row = Organisation(pk=sort_id, name=name, is_space=bool(first), updated_at=_moment(moment))
            row.member_role = text1
            organisations.append(row)
        elif kind == KEPT:
            kept_paths.append({"key": text1, "query": text2, "entries": _json(text3), "done": _json(text4),
                               "kept_at": _moment(kept_at)})
        else:
            profile = Profile(user_id=user.pk, actor_profile_id=first, region_id=second)
            if first is not None:
                profile.actor_profile = ActorProfile(pk=first, label=text1)
            if second is not None:
                profile.region = Region(pk=second, label=text2)
    return SpaceReads(profile, kept_paths, organisations)
