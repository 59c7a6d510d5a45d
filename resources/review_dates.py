"""Review dates of the fiches: each published fiche is to be read again « avant le » its ``review_by`` date.

- The default is a year after the fiche's publication, or after its last review when that is more recent
  (``review_date_default``): Fiche.derive_fields sets it when a published fiche has none, so it stays a default
  staff can change in the admin. A draft never published has none.
- ``fiches_mark_reviewed`` is what « Marquer comme relue » does: reviewed today, to read again in a year.
- What is « to re-read » (the admin « À relire » list and the editors' weekly e-mail): published fiches whose date
  is past or within NOTICE_DAYS days (``FicheQuerySet.to_reread``), most overdue first.

No model is imported here: the model and the data migration that filled existing fiches (resources 0016) both
call ``review_dates_fill`` with their own Fiche.
"""

from datetime import datetime, timedelta

from django.utils import timezone

NOTICE_DAYS = 30  # a fiche shows in « À relire » this many days before its date
PUBLISHED = "published"  # Fiche.Status.PUBLISHED, spelt out for the historical model of the migration


def one_year_after(day):
    """The same day a year later; 29 February gives 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def review_date_default(published_at, last_reviewed):
    """A year after the publication (its day in Paris) or the last review, whichever is more recent; None for a
    fiche with neither."""
    days = [_day(value) for value in (published_at, last_reviewed) if value not in (None, "")]
    return one_year_after(max(days)) if days else None


def _day(value):
    """The day of a date, of a datetime (in Paris when aware) or of their ISO text (a value given to create())."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def review_dates_fill(fiches):
    """Give a review date to the published fiches of ``fiches`` that have none; returns how many. Reads three
    columns, writes in batches (the data migration runs it over the whole table)."""
    missing = fiches.filter(status=PUBLISHED, review_by__isnull=True).only("pk", "published_at", "last_reviewed")
    changed = []
    for fiche in missing:
        fiche.review_by = review_date_default(fiche.published_at, fiche.last_reviewed)
        if fiche.review_by is not None:
            changed.append(fiche)
    fiches.model.objects.bulk_update(changed, ["review_by"], batch_size=500)
    return len(changed)


def fiches_mark_reviewed(*, fiches, today):
    """« Marquer comme relue »: the published fiches of ``fiches`` reviewed ``today``, to read again in a year.
    Their ``updated_at`` stays: a review is no news for the alerts and feeds. Returns how many."""
    return fiches.filter(status=PUBLISHED).update(last_reviewed=today, review_by=one_year_after(today))


def delay_label(review_by, today):
    """« en retard de 3 jours », « à relire aujourd’hui », « à relire dans 12 jours »."""
    days = (review_by - today).days
    if days < 0:
        return f"en retard de {-days}\u00a0jour{'s' if days < -1 else ''}"
    if days == 0:
        return "à relire aujourd’hui"
    return f"à relire dans {days}\u00a0jour{'s' if days > 1 else ''}"


def notice_limit(today):
    """The last review date that is « to re-read » on ``today``."""
    return today + timedelta(days=NOTICE_DAYS)

