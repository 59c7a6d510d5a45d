"""Writes that touch a person's progress, notes, enrolments and saved fiches.

Every write is a single upsert on the (user, step) or (user, parcours) unique constraint, so a
double-click or two tabs can never create a second row: the database settles the race.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from parcours.models import Depth, Enrolment, Parcours, SavedFiche, Status, Step, StepProgress
from resources.models import Fiche


def default_depth_for(step):
    """The depth a person is enrolled at when they act on a step before choosing one: the first level
    that contains the step."""
    levels = [level.value for level in Depth.levels()]
    if not step.depth:
        return Depth.NONE.value
    return step.depth if step.depth in levels else levels[0]


def _ensure_enrolment(*, user, step):
    Enrolment.objects.bulk_create(
        [Enrolment(user=user, parcours_id=step.parcours_id, depth=default_depth_for(step))],
        ignore_conflicts=True,
    )


def enrolment_set_depth(*, user, parcours, depth):
    Enrolment.objects.bulk_create(
        [Enrolment(user=user, parcours=parcours, depth=depth)],
        update_conflicts=True,
        unique_fields=["user", "parcours"],
        update_fields=["depth"],
    )


@transaction.atomic
def progress_set_status(*, user, step, status):
    """Upsert the row, then lock it: a step already closed keeps its closing date when it stays closed
    (a double-click or a switch between « terminée » and « non concernée » does not move it)."""
    status = Status(status)
    _ensure_enrolment(user=user, step=step)
    StepProgress.objects.bulk_create([StepProgress(user=user, step=step)], ignore_conflicts=True)
    row = StepProgress.objects.select_for_update().get(user=user, step=step)
    if status in Status.done():
        row.completed_at = row.completed_at if row.status in Status.done() else timezone.now()
    else:
        row.completed_at = None
    row.status = status
    row.save(update_fields=["status", "completed_at", "updated_at"])


@transaction.atomic
def progress_set_note(*, user, step, note):
    """Save the note; an empty note on a step never touched creates no row."""
    if not note:
        StepProgress.objects.filter(user=user, step=step).update(note="", updated_at=timezone.now())
        return
    _ensure_enrolment(user=user, step=step)
    StepProgress.objects.bulk_create(
        [StepProgress(user=user, step=step, note=note)],
        update_conflicts=True,
        unique_fields=["user", "step"],
        update_fields=["note", "updated_at"],
    )


def fiche_set_saved(*, user, fiche, saved):
    if saved:
        SavedFiche.objects.bulk_create([SavedFiche(user=user, fiche=fiche)], ignore_conflicts=True)
    else:
        SavedFiche.objects.filter(user=user, fiche=fiche).delete()


NOTE_SEPARATOR = "\n\n---\n\n"


def merge_notes(kept, incoming):
    """Both notes survive a merge: the account's first, then the visitor's. Only an identical note (or one
    already appended by an earlier merge) is not repeated."""
    kept, incoming = kept.strip(), incoming.strip()
    if not incoming or incoming == kept or incoming in kept.split(NOTE_SEPARATOR):
        return kept
    if not kept:
        return incoming
    return f"{kept}{NOTE_SEPARATOR}{incoming}"


def _closed_at(entry, default):
    """When the visitor closed the step, as the session recorded it (the attestation's date)."""
    closed = entry.get("closed_at")
    parsed = parse_datetime(closed) if isinstance(closed, str) else None
    return parsed if parsed is not None and timezone.is_aware(parsed) and parsed <= default else default


def _by_id(mapping):
    """{int id: value} from a JSON object keyed by ids; keys that are not plain integers are dropped."""
    if not isinstance(mapping, dict):
        return {}
    result = {}
    for key, value in mapping.items():
        if isinstance(key, str) and key.isascii() and key.isdigit():
            result[int(key)] = value
    return result


@transaction.atomic
def progress_merge_session(*, user, data):
    """Fold a visitor's session progress (``parcours.tracking.SessionTracker`` layout) into an account.

    The most advanced status wins, notes are both kept, steps deleted meanwhile are ignored.
    Returns the number of steps merged.
    """
    if not isinstance(data, dict):
        return 0
    incoming = {
        key: value for key, value in _by_id(data.get("steps")).items()
        if isinstance(value, dict) and (value.get("status") not in (None, Status.TO_DO) or value.get("note"))
    }
    steps = {step.pk: step for step in Step.objects.filter(pk__in=incoming)}
    # Rows first (a concurrent merge or a click in another tab may insert them too), then lock and merge:
    # two merges of the same session serialise on the row locks and the second changes nothing.
    StepProgress.objects.bulk_create(
        [StepProgress(user=user, step=step) for step in steps.values()], ignore_conflicts=True
    )
    rows = StepProgress.objects.select_for_update().filter(user=user, step__in=steps)
    now = timezone.now()
    changed = []
    for row in rows:
        status = incoming[row.step_id].get("status")
        status = status if isinstance(status, str) and status in Status.values else Status.TO_DO
        note = incoming[row.step_id].get("note")
        note = note if isinstance(note, str) else ""
        if Status.advancement(status) > Status.advancement(row.status):
            row.status = status
            row.completed_at = _closed_at(incoming[row.step_id], now) if status in Status.done() else None
        row.note = merge_notes(row.note, note)
        row.updated_at = now
        changed.append(row)
    StepProgress.objects.bulk_update(changed, ["status", "completed_at", "note", "updated_at"])
    depths = _by_id(data.get("depths"))
    for step in steps.values():
        depths.setdefault(step.parcours_id, default_depth_for(step))
    existing = set(Parcours.objects.filter(pk__in=depths).values_list("pk", flat=True))
    Enrolment.objects.bulk_create(
        [Enrolment(user=user, parcours_id=pk, depth=depth) for pk, depth in depths.items()
         if pk in existing and depth in Depth.values],
        ignore_conflicts=True,
    )
    saved = data.get("saved")
    saved = [pk for pk in saved if type(pk) is int] if isinstance(saved, list) else []
    SavedFiche.objects.bulk_create(
        [SavedFiche(user=user, fiche_id=pk) for pk in Fiche.objects.filter(pk__in=saved).values_list("pk", flat=True)],
        ignore_conflicts=True,
    )
    return len(steps)
