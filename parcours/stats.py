"""Per-parcours statistics for staff, counted by the database (never a loop over people)."""

from dataclasses import dataclass

from django.db.models import Count, Q

from parcours.models import Enrolment, Status, Step, StepProgress
from parcours.outline import available_depths, depth_includes

DONE = list(Status.done())


@dataclass
class FunnelRow:
    step: Step
    number: int
    in_progress: int
    done: int
    not_concerned: int

    @property
    def reached(self):
        return self.in_progress + self.done + self.not_concerned


def _finished_count(steps):
    """People whose every one of ``steps`` is terminée or non concernée."""
    if not steps:
        return 0
    return (
        StepProgress.objects.filter(step__in=steps, status__in=DONE)
        .values("user").annotate(n=Count("pk")).filter(n=len(steps)).count()
    )


def parcours_stats(parcours):
    """Started (an enrolment or any progress row), finished per depth, and the per-step funnel.

    Counts accounts only: a visitor's progress lives in their session until they sign up.
    """
    steps = list(
        Step.objects.filter(parcours=parcours).annotate(
            in_progress=Count("progress", filter=Q(progress__status=Status.IN_PROGRESS)),
            done=Count("progress", filter=Q(progress__status=Status.DONE)),
            not_concerned=Count("progress", filter=Q(progress__status=Status.NOT_CONCERNED)),
        )
    )
    enrolled = Enrolment.objects.filter(parcours=parcours).values("user")
    started = (
        StepProgress.objects.filter(step__parcours=parcours).values("user")
        .union(enrolled).count()
    )
    depths = available_depths(steps) or [None]
    finished = [
        (depth.label if depth else "Toutes les étapes", _finished_count([s for s in steps if depth_includes(depth, s)]))
        for depth in depths
    ]
    funnel = [FunnelRow(step, n, step.in_progress, step.done, step.not_concerned) for n, step in enumerate(steps, 1)]
    return {"started": started, "finished": finished, "funnel": funnel}
