"""The 8-step method worked on together in a space: the steps, a step's page (status, the board's questions and
the group's answers, decisions, comments), the decisions, the comments on a step or a year, the history.

Every view asks diagnostic.access with the action it needs: reading for the pages, « debate » to change a step,
answer or record a decision, « comment » to comment. A personal diagnostic has no shared method: a 404.
"""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.redirects import posted
from diagnostic.access import Action, get_space_for
from diagnostic.governance import AnswersConflict, comment_add as comment_create, comment_target_name, decision_add
from diagnostic.governance import decision_delete, step_work_save
from diagnostic.governance_forms import AnswersForm, CommentForm, DecisionForm, StepStatusForm
from diagnostic.method import CONTENT_FIELDS, METHOD_SLUG, method_parcours, method_steps, step_page
from diagnostic.models import Decision
from diagnostic.spaces import HISTORY_LENGTH
from parcours.models import Status, Step

STEP_FORMS = ("reponses", "decision")  # the « formulaire » a step's page posts


def _writing(request, action):
    return action if request.method == "POST" else Action.READ


@never_cache
def method(request, pk):
    organisation = get_space_for(request, pk)
    parcours = method_parcours()
    steps = method_steps(organisation, parcours)
    ctx = {"organisation": organisation, "parcours": parcours, "steps": steps,
           "done": sum(step.status in Status.done() for step in steps)}
    return render(request, "diagnostic/space_method.html", ctx)


def _step_forms(request, page):
    sent = request.POST.get("formulaire") if request.method == "POST" else None
    answers_data = posted(request) if sent == "reponses" else None
    return {
        "answers_form": AnswersForm(page.questions, answers_data),
        "status_form": StepStatusForm(answers_data),
        "decision_form": DecisionForm(posted(request) if sent == "decision" else None),
        "comment_form": CommentForm(),
    }, sent


def _answers_and_status_save(request, organisation, page, forms):
    """The status a button sent and the answers the person changed: nothing at all when another member changed one
    of these answers meanwhile (the form, rebuilt, says so). Returns the anchor, or None."""
    step, user, answers_form = page.step, request.user, forms["answers_form"]
    status = forms["status_form"].cleaned_data["statut"]
    try:
        moved, saved = step_work_save(organisation=organisation, step=step, status=status, actor=user,
                                      texts=answers_form.changed_texts(), shown=answers_form.shown_texts())
    except AnswersConflict as conflict:
        forms["answers_form"] = answers_form.after_conflict(conflict.answers, with_status=bool(status))
        return None
    if moved:
        messages.success(request, f"Étape passée à «\u00a0{Status(status).label}\u00a0».")
    if saved:
        messages.success(request, "Réponses enregistrées.")
    elif not moved:
        messages.info(request, "Rien n’avait changé\u00a0: il n’y avait rien à enregistrer.")
    return "statut" if status else "reponses"


def _step_save(request, organisation, page, forms, sent):
    """The anchor of the part of the page saved, or None when nothing was (the forms hold the errors)."""
    if sent == "reponses" and forms["answers_form"].is_valid() and forms["status_form"].is_valid():
        return _answers_and_status_save(request, organisation, page, forms)
    if sent == "decision" and forms["decision_form"].is_valid():
        data = forms["decision_form"].cleaned_data
        decision_add(organisation=organisation, step=page.step, decided_on=data["decided_on"], text=data["text"],
                     actor=request.user)
        messages.success(request, "Décision notée.")
        return "decisions"
    if sent not in STEP_FORMS:
        messages.error(request, "Ce formulaire n’est pas reconnu\u00a0: rien n’a été enregistré.")
    return None


@never_cache
def method_step(request, pk, step_slug):
    organisation = get_space_for(request, pk, _writing(request, Action.DEBATE))
    page = step_page(organisation, method_parcours(), step_slug)
    forms, sent = _step_forms(request, page)
    if request.method == "POST":
        anchor = _step_save(request, organisation, page, forms, sent)
        if anchor:
            return redirect(f"{reverse('diagnostic:method_step', args=[organisation.pk, page.step.slug])}#{anchor}")
    ctx = {"organisation": organisation, "page": page, "step": page.step, "statuses": Status, **forms}
    status = 200 if request.method == "GET" else 409 if forms["answers_form"].conflicts else 400
    return render(request, "diagnostic/space_method_step.html", ctx, status=status)


@never_cache
def decisions(request, pk):
    organisation = get_space_for(request, pk, _writing(request, Action.DEBATE))
    steps = Step.objects.filter(parcours__slug=METHOD_SLUG).defer(*CONTENT_FIELDS)
    form = DecisionForm(posted(request), steps=steps)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decision_add(organisation=organisation, step=data["etape"], decided_on=data["decided_on"], text=data["text"],
                     actor=request.user)
        messages.success(request, "Décision notée.")
        return redirect("diagnostic:decisions", pk=organisation.pk)
    rows = organisation.decisions.select_related("step", "recorded_by__profile").defer(
        *(f"step__{name}" for name in CONTENT_FIELDS))
    ctx = {"organisation": organisation, "decisions": list(rows), "form": form}
    return render(request, "diagnostic/space_decisions.html", ctx, status=400 if form.errors else 200)


@never_cache
def decision_remove(request, pk, decision_pk):
    """GET: the decision that would disappear; POST: it does (a responsable only)."""
    organisation = get_space_for(request, pk, Action.DELETE_DECISION)
    rows = Decision.objects.select_related("step", "recorded_by__profile")
    decision = get_object_or_404(rows, pk=decision_pk, organisation=organisation)
    if request.method == "POST":
        decision.organisation = organisation  # the history line is the space's
        if decision_delete(decision=decision, actor=request.user):
            messages.success(request, "Décision supprimée.")
        return redirect("diagnostic:decisions", pk=organisation.pk)
    return render(request, "diagnostic/space_decision_delete.html", {"organisation": organisation, "decision": decision})


def _comment_target(request, organisation):
    """(step, snapshot, the page to go back to): a 404 for a step that is not the method's or a year that is
    not the space's, a 400 when the form names neither or both."""
    step_slug, year_pk = request.POST.get("etape", ""), request.POST.get("annee", "")
    if bool(step_slug) == bool(year_pk):
        raise BadRequest("Un commentaire porte sur une étape ou sur une année.")
    if step_slug:
        step = get_object_or_404(Step.objects.defer(*CONTENT_FIELDS), parcours__slug=METHOD_SLUG, slug=step_slug)
        return step, None, reverse("diagnostic:method_step", args=[organisation.pk, step.slug]) + "#commentaires"
    if not year_pk.isdigit():
        raise Http404("Année introuvable")
    snapshot = get_object_or_404(organisation.snapshots.all(), pk=int(year_pk))
    anchor = f"commentaires-{'cible-' if snapshot.is_target else ''}{snapshot.year}"
    return None, snapshot, f"{organisation.get_absolute_url()}#{anchor}"


@require_POST
def comment_add(request, pk):
    organisation = get_space_for(request, pk, Action.COMMENT)
    step, snapshot, back = _comment_target(request, organisation)
    about = f"sur {comment_target_name(step=step, snapshot=snapshot)}"
    form = CommentForm(request.POST, about=about)
    if form.is_valid():
        comment_create(organisation=organisation, step=step, snapshot=snapshot, body=form.cleaned_data["corps"],
                       actor=request.user)
        messages.success(request, "Commentaire publié.")
        return redirect(back)
    ctx = {"organisation": organisation, "form": form, "step": step, "snapshot": snapshot, "back": back, "about": about}
    return render(request, "diagnostic/space_comment_form.html", ctx, status=400)


@never_cache
def history(request, pk):
    organisation = get_space_for(request, pk)
    events = list(organisation.events.select_related("actor__profile")[:HISTORY_LENGTH])
    ctx = {"organisation": organisation, "events": events, "history_length": HISTORY_LENGTH}
    return render(request, "diagnostic/space_history.html", ctx)
