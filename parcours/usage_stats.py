"""How « Par où commencer ? » is used, for staff: counts per month that hold no personal data
(parcours.models.usage), summed by the database over a period. A fixed number of queries, whatever the rows.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum

from parcours.models import ActorType, Aim, UsageFirstOpenCount, UsagePathCount
from parcours.usage_paths import resolve_items

# Period value (the page's parameter) → its label. The counts are kept per month: a period is a set of months.
PERIODS = {"30-jours": "Les 30 derniers jours", "12-mois": "Les 12 derniers mois", "tout": "Depuis le début"}
DEFAULT_PERIOD = "12-mois"
FIRST_OPENS_SHOWN = 50


def period_start(period, today):
    """The first month counted: the months that overlap the last 30 days, the current month and the eleven before
    it, or None for every month."""
    if period == "30-jours":
        return (today - timedelta(days=30)).replace(day=1)
    if period == "12-mois":
        months = today.year * 12 + today.month - 1 - 11
        return date(months // 12, months % 12 + 1, 1)
    return None


def _since(queryset, start):
    return queryset if start is None else queryset.filter(month__gte=start)


@dataclass(frozen=True)
class AnswersTable:
    """Paths shown, profile (rows) × aim (columns), with the totals of both: French labels, every answer listed."""

    columns: list
    rows: list  # [(label, [count per column], row total)]
    column_totals: list
    total: int


def paths_shown(start):
    """One query: the sums of UsagePathCount per profile and aim since ``start``. Values no longer offered (a
    vocabulary changed since they were counted) are left out of the table and of its totals."""
    sums = {(row["profile"], row["aim"]): row["total"]
            for row in _since(UsagePathCount.objects.all(), start).values("profile", "aim").annotate(total=Sum("count"))}
    rows = []
    for profile in ActorType:
        counts = [sums.get((profile.value, aim.value), 0) for aim in Aim]
        rows.append((profile.label, counts, sum(counts)))
    column_totals = [sum(counts[index] for _, counts, _ in rows) for index in range(len(Aim))]
    return AnswersTable(Aim.labels, rows, column_totals, sum(column_totals))


@dataclass(frozen=True)
class FirstOpen:
    key: str
    count: int
    kind_label: str = ""
    title: str = ""
    url: str = ""

    @property
    def gone(self):
        return not self.url


def first_opens(start, limit=FIRST_OPENS_SHOWN):
    """The items most often opened first from a path since ``start``, most opened first, each with its label and
    address read again now (one query, then one per kind of item); an item gone since (or a fiche back in draft)
    keeps only its key."""
    rows = list(
        _since(UsageFirstOpenCount.objects.all(), start).values("item").annotate(total=Sum("count"))
        .order_by("-total", "item")[:limit]
    )
    targets = resolve_items(row["item"] for row in rows)
    opens = []
    for row in rows:
        target = targets.get(row["item"])
        if target is None:
            opens.append(FirstOpen(row["item"], row["total"]))
        else:
            opens.append(FirstOpen(row["item"], row["total"], target.kind_label, target.title, target.url))
    return opens
