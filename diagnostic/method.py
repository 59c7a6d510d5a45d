"""Reads of the 8-step method worked on together in a space: each step with where the space stands on it, and a
step's page (its questions with the group's answers, its decisions, its comments), in a fixed number of queries
whatever the number of answers, decisions or comments.
"""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from diagnostic.models import Answer, Comment, Decision, SpaceStep
from parcours.models import BoardQuestion, Parcours, Status, Step

METHOD_SLUG = "trajectoire-socio-economique"  # the parcours « Concevoir et transformer sa trajectoire… »
CONTENT_FIELDS = ("body", "body_html", "search_text", "questions")  # long texts the space's pages never show


def method_parcours():
    """The parcours of the method, or a 404 while it is not loaded (fixtures/parcours/)."""
    parcours = Parcours.objects.filter(slug=METHOD_SLUG).first()
    if parcours is None:
        raise Http404("La démarche en huit étapes n’est pas chargée.")
    return parcours


def _count(model, organisation, step_field="step"):
    """How many rows of ``model`` the space has on the step of the outer query (0 when none)."""
    rows = (model.objects.filter(organisation=organisation, **{step_field: OuterRef("pk")})
            .order_by().values(step_field).annotate(n=Count("pk")).values("n")[:1])
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def method_steps(organisation, parcours):
    """The steps of the method in order, each with ``status`` (and ``status_label``), ``question_count``,
    ``answered_count``, ``decision_count`` and ``comment_count`` for the space. One query."""
    status = SpaceStep.objects.filter(organisation=organisation, step=OuterRef("pk")).values("status")[:1]
    questions = (BoardQuestion.objects.filter(step=OuterRef("pk")).order_by().values("step")
                 .annotate(n=Count("pk")).values("n")[:1])
    steps = list(
        Step.objects.filter(parcours=parcours).select_related("parcours").defer(*CONTENT_FIELDS).annotate(
            space_status=Subquery(status),
            question_count=Coalesce(Subquery(questions, output_field=IntegerField()), Value(0)),
            answered_count=_count(Answer, organisation, "question__step"),
            decision_count=_count(Decision, organisation),
            comment_count=_count(Comment, organisation),
        )
    )
    for step in steps:
        step.status = step.space_status or Status.TO_DO
        step.status_label = Status(step.status).label
    return steps


@dataclass
class StepPage:
    step: Step
    status: str
    status_label: str
    questions: list  # BoardQuestion, each with ``answer`` (an Answer or None)
    retired_answers: list  # answers whose question staff removed: their copied question stays readable
    decisions: list
    comments: list
    number: int
    count: int


def step_page(organisation, parcours, step_slug):
    """Everything the page of one step shows for the space, or a 404 for a slug that is not a step of the
    method. Six queries; the step's content is not read (its public page shows it). The authors' accounts and
    profiles come with the rows (the pages name each one as they are called today)."""
    steps = list(Step.objects.filter(parcours=parcours).select_related("parcours").defer(*CONTENT_FIELDS))
    found = next((index for index, step in enumerate(steps) if step.slug == step_slug), None)
    if found is None:
        raise Http404("Étape introuvable")
    step = steps[found]
    space_step = SpaceStep.objects.filter(organisation=organisation, step=step).first()
    answers = list(Answer.objects.filter(organisation=organisation, step=step).select_related("updated_by__profile")
                   .order_by("pk"))
    by_question = {answer.question_id: answer for answer in answers if answer.question_id}
    questions = list(BoardQuestion.objects.filter(step=step))
    for question in questions:
        question.answer = by_question.get(question.pk)
    shown = {question.pk for question in questions}
    status = space_step.status if space_step else Status.TO_DO
    return StepPage(
        step=step, status=status, status_label=Status(status).label, questions=questions,
        retired_answers=[answer for answer in answers if answer.question_id not in shown],
        decisions=list(Decision.objects.filter(organisation=organisation, step=step).select_related(
            "recorded_by__profile")),
        comments=list(Comment.objects.filter(organisation=organisation, step=step).select_related("author__profile")),
        number=found + 1, count=len(steps),
    )


def year_comments(organisation, snapshots):
    """Set ``comment_list`` on each of ``snapshots`` (the organisation's): its comments, oldest first. One query."""
    by_snapshot = {}
    for comment in Comment.objects.filter(organisation=organisation, snapshot__isnull=False).select_related(
            "author__profile"):
        by_snapshot.setdefault(comment.snapshot_id, []).append(comment)
    for snapshot in snapshots:
        snapshot.comment_list = by_snapshot.get(snapshot.pk, [])
    return snapshots
