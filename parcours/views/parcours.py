"""The parcours pages: list, outline, steps, status and notes, attestation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.db.models import Max
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from parcours import selectors
from parcours.forms import NoteForm, StatusForm
from parcours.models import Depth, Status
from parcours.outline import build_outline, depth_durations, resolve_depth
from parcours.tracking import tracker_for
from core.personal_pages import CSRF, personal_page
from core.text import guillemets

# Sent by static/js/notes.js when it saves a note as it is typed: the answer is then JSON, not a page.
AUTOSAVE_HEADER = "X-Hub-Autosave"


def _outline(request, parcours, steps, requested=None):
    chosen, states = tracker_for(request).depth_and_states(parcours, steps)
    depth = resolve_depth(steps, requested, chosen)
    if depth is None:
        raise BadRequest("Niveau inconnu pour ce parcours.")
    outline = build_outline(parcours, steps, states, depth)
    outline.chosen = chosen == depth  # « Commencer » was clicked for this level: the page then says « Reprendre »
    return outline


def parcours_list(request):
    return render(request, "parcours/parcours_list.html", {"outlines": selectors.outlines_for(tracker_for(request))})


def parcours_detail(request, slug):
    """Rendered once per parcours and state (core.personal_pages): the CSRF token is written in at each request."""
    parcours, steps = selectors.parcours_with_steps(slug)
    outline = _outline(request, parcours, steps, request.GET.get("niveau"))

    def rendered(slots):
        ctx = {
            "outline": outline,
            "depths": depth_durations(steps),
            "parcours": parcours,
            "step_provenances": [step.provenance for step in steps],
        }
        if slots is not None:
            ctx["csrf_token"] = slots[CSRF]
        return render(request, "parcours/parcours_detail.html", ctx)

    return personal_page(request, "parcours-page", (parcours.pk, outline.chosen, *_page_key(request, outline)),
                         rendered, {})


@require_POST
def parcours_start(request, slug):
    """« Commencer » / « Reprendre »: remember the depth, then go to the first step not done."""
    parcours, steps = selectors.parcours_with_steps(slug)
    if not steps:
        raise Http404("Ce parcours n’a pas encore d’étape.")
    tracker = tracker_for(request)
    depth = resolve_depth(steps, request.POST.get("niveau"), tracker.depth(parcours))
    if depth is None:
        raise BadRequest("Niveau inconnu pour ce parcours.")
    tracker.choose_depth(parcours, depth)
    outline = build_outline(parcours, steps, tracker.states(steps), depth)
    target = outline.resume or outline.depth_steps[0]
    return redirect("parcours:step", slug=parcours.slug, step_slug=target.step.slug)


def _step_context(request, parcours, outline, step, note_form):
    current = next(item for item in outline.steps if item.step.pk == step.pk)
    previous, following = outline.neighbours(step)
    return {
        "parcours": parcours,
        "outline": outline,
        "current": current,
        "step": selectors.step_content(step),
        "previous": previous,
        "following": following,
        "note_form": note_form or NoteForm(initial={"note": current.state.note}),
        "statuses": Status,
        "anonymous": tracker_for(request).is_anonymous,
    }


def _step_page(request, parcours, steps, step, note_form=None, status=200):
    """The page with a form as posted (its errors): rendered in full."""
    ctx = _step_context(request, parcours, _outline(request, parcours, steps), step, note_form)
    return render(request, "parcours/step_detail.html", ctx, status=status)


def _page_key(request, outline):
    """What the header and the step or parcours page show of the person besides their outline: whether they are
    logged in, and for a visitor, the address their log-in links come back to."""
    if request.user.is_authenticated:
        return (outline.state_key, True)
    return (outline.state_key, False, request.get_full_path())


@never_cache
def step_detail(request, slug, step_slug):
    """Rendered once per step and state of the parcours (core.personal_pages): the note and the CSRF token are
    written in at each request."""
    parcours, steps = selectors.parcours_with_steps(slug)
    step = selectors.step_in(steps, step_slug)
    outline = _outline(request, parcours, steps)
    note = next(item.state.note for item in outline.steps if item.step.pk == step.pk)

    def rendered(slots):
        if slots is None:
            return render(request, "parcours/step_detail.html", _step_context(request, parcours, outline, step, None))
        ctx = _step_context(request, parcours, outline, step, NoteForm(initial={"note": slots["note"]}))
        ctx["csrf_token"] = slots[CSRF]
        return render(request, "parcours/step_detail.html", ctx)

    return personal_page(request, "step-page", (step.pk, *_page_key(request, outline)), rendered,
                         {"note": escape(note)})


@require_POST
def step_status(request, slug, step_slug):
    parcours, steps = selectors.parcours_with_steps(slug)
    step = selectors.step_in(steps, step_slug)
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise BadRequest("Statut inconnu.")
    status = Status(form.cleaned_data["statut"])
    tracker = tracker_for(request)
    if "note" in request.POST:  # the status buttons send the note typed beside them: it is never lost
        note_form = _note_form(request, tracker, step)
        if not note_form.is_valid():
            return _step_page(request, parcours, steps, step, note_form=note_form, status=400)
        if note_form.has_changed():
            tracker.set_note(step, note_form.cleaned_data["note"])
            messages.success(request, "Vos notes sont enregistrées.")
    tracker.set_status(step, status)
    messages.success(request, f"Étape {guillemets(step.title)}\u00a0: {status.label.lower()}.")
    if status in Status.done():
        following = _outline(request, parcours, steps).next_open(step)
        if following is not None:
            return redirect("parcours:step", slug=parcours.slug, step_slug=following.step.slug)
        return redirect(f"{parcours.get_absolute_url()}#progression")
    return redirect("parcours:step", slug=parcours.slug, step_slug=step.slug)


def _note_form(request, tracker, step):
    """The note as posted; bound with the saved one as its initial value, so that has_changed() says whether to
    write. A note that grew past the limit when two were merged can still be saved, as long as it does not grow."""
    current = tracker.states([step]).get(step.pk)
    saved = current.note if current else ""
    return NoteForm(request.POST, initial={"note": saved}, current_length=len(saved))


@require_POST
def step_note(request, slug, step_slug):
    parcours, steps = selectors.parcours_with_steps(slug)
    step = selectors.step_in(steps, step_slug)
    form = _note_form(request, tracker_for(request), step)
    autosave = request.headers.get(AUTOSAVE_HEADER) == "1"
    if not form.is_valid():
        if autosave:
            return JsonResponse({"saved": False, "message": " ".join(form.errors["note"])}, status=400)
        return _step_page(request, parcours, steps, step, note_form=form, status=400)
    tracker_for(request).set_note(step, form.cleaned_data["note"])
    if autosave:  # notes.js, as the person types: an answer for the page, no message for the next one
        # The time is written by the page in the person's own time zone (Paris is not La Réunion's).
        return JsonResponse({"saved": True, "saved_at": timezone.now().isoformat()})
    messages.success(request, "Vos notes sont enregistrées.")
    return redirect(f"{step.get_absolute_url()}#notes")


def _finished_on(user, steps):
    """When the depth was finished: the last step closed (terminée or non concernée), not a later note."""
    return user.step_progress.filter(step__in=steps).aggregate(closed=Max("completed_at"))["closed"]


@never_cache
@login_required
def attestation(request, slug, niveau=""):
    """Only the person who finished the depth sees their attestation: anyone else gets a 404."""
    parcours, steps = selectors.parcours_with_steps(slug)
    if resolve_depth(steps, niveau) is None:
        raise Http404("Niveau inconnu pour ce parcours.")
    outline = _outline(request, parcours, steps, niveau)
    if not outline.is_finished:
        raise Http404("Parcours non terminé à ce niveau.")
    profile = getattr(request.user, "profile", None)
    finished_on = _finished_on(request.user, [item.step for item in outline.depth_steps])
    ctx = {
        "outline": outline,
        "parcours": parcours,
        "name": (profile.display_name if profile else "") or request.user.email or request.user.get_username(),
        "has_name": bool(profile and profile.display_name),
        "finished_on": finished_on or timezone.now(),
        "depth": Depth(niveau) if niveau else None,
    }
    return render(request, "parcours/attestation.html", ctx)
