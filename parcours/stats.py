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
    en_cours: int
    terminee: int
    non_concernee: int

    @property
    def reached(self):
        return self.en_cours + self.terminee + self.non_concernee


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
            en_cours=Count("progress", filter=Q(progress__status=Status.IN_PROGRESS)),
            terminee=Count("progress", filter=Q(progress__status=Status.DONE)),
            non_concernee=Count("progress", filter=Q(progress__status=Status.NON_CONCERNEE)),
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
    funnel = [FunnelRow(step, n, step.en_cours, step.terminee, step.non_concernee) for n, step in enumerate(steps, 1)]
    return {"started": started, "finished": finished, "funnel": funnel}
