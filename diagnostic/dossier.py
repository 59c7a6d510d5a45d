"""The « dossier de gouvernance »: what a board receives before a meeting, for a shared space.

Everything it shows, gathered in a fixed number of queries whatever the number of members, years, answers or
decisions: the organisation and its members, the diagnostic exactly as its page computes it (diagnostic.report,
so the figures are the page's), the state of the 8 steps of the method with the board's questions and the
answers the group agreed on, the decisions, and the recommended readings with why.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from diagnostic.method import METHOD_SLUG
from diagnostic.models import Answer, Decision, Membership, SpaceStep, ValuationRates
from diagnostic.report import build_report
from diagnostic.spaces import person_name
from parcours.models import BoardQuestion, Parcours, Status, Step

@dataclass
class Question:
    text: str
    answer: Answer | None  # None: « Pas encore de réponse »


@dataclass
class MethodStep:
    step: Step
    status: str
    status_label: str
    updated_at: object = None  # when a member last set the status (None: never set, « À faire »)
    questions: list = field(default_factory=list)

    @property
    def answered(self):
        return sum(1 for question in self.questions if question.answer is not None)


def members(organisation):
    """The members, responsables first, each with ``name`` (diagnostic.spaces.person_name: never a full address)."""
    order = {value: rank for rank, value in enumerate(("responsable", "contributeur", "lecteur"))}
    rows = list(Membership.objects.filter(organisation=organisation).select_related("user__profile"))
    for membership in rows:
        membership.name = person_name(membership.user)
    return sorted(rows, key=lambda m: (order.get(m.role, len(order)), m.name.casefold()))


def method_steps(organisation):
    """The 8 steps in their order, each with the space's status (« À faire » when nobody set one) and its board
    questions with the agreed answers. An answer whose question staff removed keeps its copied text, at the end
    of its step. Four queries."""
    parcours = Parcours.objects.filter(slug=METHOD_SLUG).prefetch_related(
        Prefetch("steps", queryset=Step.objects.only("pk", "parcours_id", "order", "slug", "title", "objective")
                 .prefetch_related(Prefetch("board_questions", queryset=BoardQuestion.objects.order_by("order", "pk"))))
    ).first()
    if parcours is None:
        return []
    states = {row.step_id: row for row in SpaceStep.objects.filter(organisation=organisation)}
    answers = {}
    for answer in Answer.objects.filter(organisation=organisation).select_related("updated_by__profile").order_by("pk"):
        answers.setdefault(answer.step_id, []).append(answer)
    rows = []
    for step in parcours.steps.all():
        state = states.get(step.pk)
        status = state.status if state else Status.TO_DO
        by_question = {answer.question_id: answer for answer in answers.get(step.pk, []) if answer.question_id}
        questions = [Question(q.text, by_question.get(q.pk)) for q in step.board_questions.all()]
        shown = {q.pk for q in step.board_questions.all()}
        questions += [Question(answer.question_text, answer) for answer in answers.get(step.pk, [])
                      if answer.question_id not in shown]
        rows.append(MethodStep(step, status, Status(status).label, state.updated_at if state else None, questions))
    return rows


def decisions(organisation):
    """The decisions in the order they were taken (the oldest first), with their step."""
    return list(Decision.objects.filter(organisation=organisation).select_related("step", "recorded_by__profile")
                .order_by("decided_on", "created_at", "pk"))


def build_dossier(organisation, *, user, now=None):
    """Everything the dossier shows, for ``organisation`` (from diagnostic.access.get_organisation_for) read by
    ``user``. Reads ``organisation.actor_profile`` and ``.region``: select_related them (access does)."""
    snapshots = list(organisation.snapshots.all())
    rates = ValuationRates.current()
    steps = method_steps(organisation)
    return {
        "organisation": organisation,
        "snapshots": snapshots,
        "rates": rates,
        **build_report(organisation, snapshots, rates),
        "generated_at": timezone.localtime(now or timezone.now()),  # Europe/Paris (TIME_ZONE)
        "generated_by": person_name(user),
        "members": members(organisation),
        "method_steps": steps,
        "steps_done": sum(1 for row in steps if row.status in Status.done()),
        "decisions": decisions(organisation),
        "printing": True,  # the diagnostic's partials open what they fold on screen
    }
