"""Content visible between two dates, « publiée le » (``published_at``) and « retirée le » (``unpublish_at``): fiches
and events. Decided by the query, so what is scheduled appears and disappears on time without a job; the caches
follow through ``core.content_cache.scheduled_content``, told of ``next_date_change``."""

from django.db.models import Min, Q

SCHEDULED, WITHDRAWN, WITHIN = "scheduled", "withdrawn", "within"


def within_dates_q(now, prefix=""):
    """Rows whose dates admit ``now``: from ``published_at`` (none: always) until ``unpublish_at`` (none: never);
    ``prefix`` reaches them through a relation (« fiches__ »)."""
    return (
        (Q(**{f"{prefix}published_at__isnull": True}) | Q(**{f"{prefix}published_at__lte": now}))
        & (Q(**{f"{prefix}unpublish_at__isnull": True}) | Q(**{f"{prefix}unpublish_at__gt": now}))
    )


def next_date_change(rows, now):
    """The next moment after ``now`` one of ``rows`` enters or leaves its dates (one query), or None."""
    moments = rows.aggregate(
        appears=Min("published_at", filter=Q(published_at__gt=now)),
        disappears=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
    )
    return min((moment for moment in moments.values() if moment is not None), default=None)


def date_state(row, now):
    """Where ``now`` falls for ``row``'s dates: SCHEDULED (before them), WITHDRAWN (after them) or WITHIN."""
    if row.published_at is not None and row.published_at > now:
        return SCHEDULED
    if row.unpublish_at is not None and row.unpublish_at <= now:
        return WITHDRAWN
    return WITHIN
