"""Writes of the 8-step method worked on together in a space: the state of a step, the group's answers to the
board's questions, decisions and comments. Each write that changes something leaves one line of history
(diagnostic.spaces.space_event_record); who may call which is the views' business (diagnostic.access).
"""

from django.db import transaction

from diagnostic.numbers import format_day
from diagnostic.models import Answer, Comment, Decision, SpaceStep
from diagnostic.spaces import person_name, space_event_record, space_lock
from parcours.models import Status


def _step_name(step):
    return f"l’étape\u00a0{step.order}"


def comment_target_name(*, step=None, snapshot=None):
    """What a comment is about, as the history and the forms say it: « l’étape 2 », « les chiffres de 2024 »,
    « la cible 2030 »."""
    if step is not None:
        return _step_name(step)
    return f"la cible {snapshot.year}" if snapshot.is_target else f"les chiffres de {snapshot.year}"


@transaction.atomic
def space_step_status_set(*, organisation, step, status, actor):
    """Set where the space stands on ``step``. Returns True when the status changed (and a history line was
    written), False when it already was ``status``."""
    current = SpaceStep.objects.select_for_update().filter(organisation=organisation, step=step).first()
    if (current.status if current else Status.TO_DO) == status:
        return False
    SpaceStep.objects.update_or_create(
        organisation=organisation, step=step, defaults={"status": status, "updated_by": actor}
    )
    space_event_record(
        organisation=organisation, actor=actor,
        summary=f"a passé {_step_name(step)} à «\u00a0{Status(status).label}\u00a0»",
    )
    return True


def plain_text(text):
    """A text as a person typed it, whatever the line endings their browser sent (« \\r\\n » in a form), without the
    blanks around it: what is stored and what two versions are compared on."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


class AnswersConflict(Exception):
    """Someone else changed an answer this person changed too, since their page was shown: nothing was written.
    ``answers``: {question: the answer as it now stands, its author's profile read (None: it was erased)}."""

    def __init__(self, answers):
        super().__init__("Réponses modifiées entre-temps par quelqu’un d’autre.")
        self.answers = answers


def _conflicts(texts, shown, existing):
    """The questions whose stored answer is neither what the person's page showed nor what they now send."""
    conflicts = []
    for question, text in texts.items():
        if question not in shown:
            continue
        answer = existing.get(question.pk)
        stored = plain_text(answer.text if answer else "")
        if stored not in (plain_text(shown[question]), plain_text(text)):
            conflicts.append(question)
    return conflicts


@transaction.atomic
def answers_save(*, organisation, step, texts, actor, shown=None):
    """Save the group's answers to the board's questions of ``step``; ``texts``: {BoardQuestion: text}, the answers
    to write (a page sends only those the person changed). An emptied answer is deleted, an unchanged one left as
    it was (its author and date too); the question's text is copied into the answer. Returns how many answers
    changed; one history line when any did.

    ``shown`` ({BoardQuestion: the text the person's page showed}) guards against a stale page: when a stored
    answer is no longer the one shown (another member changed it meanwhile) and is not the new text either,
    nothing at all is written and AnswersConflict names those answers as they now stand.

    The trap: every question must belong to ``step`` (a ValueError otherwise), so that a form cannot write an
    answer under another step's question."""
    if any(question.step_id != step.pk for question in texts):
        raise ValueError("Une question n’appartient pas à cette étape.")
    if not texts:
        return 0
    # The space's row is locked (on SQLite, the write lock is taken), not only the answers that exist: two people
    # answering a question nobody had answered yet take turns, and the second one sees the first one's answer.
    space_lock(organisation.pk)
    existing = {
        answer.question_id: answer
        for answer in Answer.objects.select_for_update().filter(organisation=organisation, question__in=list(texts))
    }
    conflicts = _conflicts(texts, shown or {}, existing)
    if conflicts:
        current = Answer.objects.filter(organisation=organisation, question__in=conflicts).select_related(
            "updated_by__profile")
        by_question = {answer.question_id: answer for answer in current}
        raise AnswersConflict({question: by_question.get(question.pk) for question in conflicts})
    name, changed = person_name(actor)[:200], 0
    for question, text in texts.items():
        text, answer = plain_text(text), existing.get(question.pk)
        if not text:
            if answer is not None:
                answer.delete()
                changed += 1
            continue
        if answer is not None and plain_text(answer.text) == text:
            continue
        Answer.objects.update_or_create(
            organisation=organisation, question=question,
            defaults={"step": step, "question_text": question.text, "text": text, "updated_by": actor,
                      "updated_by_name": name},
        )
        changed += 1
    if changed:
        space_event_record(
            organisation=organisation, actor=actor, summary=f"a mis à jour les réponses de {_step_name(step)}"
        )
    return changed


@transaction.atomic
def step_work_save(*, organisation, step, status, texts, shown, actor):
    """What a step's answers' form sends: the status a button chose (``status``, or "" for none), then the
    answers the person changed (answers_save). All or nothing: AnswersConflict leaves the status as it was too.
    Returns (whether the status changed, how many answers did)."""
    moved = bool(status) and space_step_status_set(organisation=organisation, step=step, status=status, actor=actor)
    return moved, answers_save(organisation=organisation, step=step, texts=texts, shown=shown, actor=actor)


@transaction.atomic
def decision_add(*, organisation, step, decided_on, text, actor):
    """Record a decision the group took on ``decided_on``, on ``step`` (or on none)."""
    decision = Decision.objects.create(
        organisation=organisation, step=step, decided_on=decided_on, text=text.strip(), recorded_by=actor,
        recorded_by_name=person_name(actor)[:200],
    )
    where = f" (étape\u00a0{step.order})" if step else ""
    space_event_record(
        organisation=organisation, actor=actor,
        summary=f"a noté une décision du {format_day(decided_on)}{where}",
    )
    return decision


@transaction.atomic
def decision_delete(*, decision, actor):
    """Delete a decision. Returns False when it was already gone (two responsables at once)."""
    deleted, _ = Decision.objects.filter(pk=decision.pk).delete()
    if deleted:
        space_event_record(
            organisation=decision.organisation, actor=actor,
            summary=f"a supprimé la décision du {format_day(decision.decided_on)}",
        )
    return bool(deleted)


@transaction.atomic
def comment_add(*, organisation, body, actor, step=None, snapshot=None):
    """A member's comment on ``step`` or on the year of figures ``snapshot`` (exactly one of them; the snapshot
    must be the organisation's: a ValueError otherwise)."""
    if (step is None) == (snapshot is None):
        raise ValueError("Un commentaire porte sur une étape ou sur une année, pas les deux.")
    if snapshot is not None and snapshot.organisation_id != organisation.pk:
        raise ValueError("Cette année de chiffres n’est pas celle de cet espace.")
    comment = Comment.objects.create(
        organisation=organisation, author=actor, author_name=person_name(actor)[:200], step=step,
        snapshot=snapshot, body=body.strip(),
    )
    space_event_record(
        organisation=organisation, actor=actor, summary=f"a commenté {comment_target_name(step=step, snapshot=snapshot)}"
    )
    return comment
