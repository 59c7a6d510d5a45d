"""« Mon espace »: parcours in progress and finished, notes and their export, saved fiches, suggestions."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from diagnostic.ownership import organisations_for
from core.redirects import safe_next_url
from parcours import selectors
from parcours.models import Profile
from parcours.notes_export import NOTE_FORMATS, notes_document
from parcours.tracking import tracker_for
from resources.models import Fiche
from core.text import guillemets

SUGGESTIONS = 6


def _my_parcours(tracker):
    """The outlines of every parcours this person started or chose a level of."""
    return [outline for outline in selectors.outlines_for(tracker) if outline.is_started or outline.chosen]


def _suggestions(user, excluded):
    """Published fiches for the person's kind of organisation or region, best matches first."""
    if not user.is_authenticated:
        return None, []
    profile = Profile.objects.filter(user=user).select_related("actor_profile", "region").first()
    if profile is None or not (profile.actor_profile_id or profile.region_id):
        return profile, []
    published = Fiche.objects.published().exclude(pk__in=excluded)
    matches = [published.with_value(field, value) for field, value in
               (("actor_profiles", profile.actor_profile_id), ("regions", profile.region_id)) if value]
    if len(matches) == 1:
        return profile, matches[0].latest_preferring([], SUGGESTIONS)
    # Fiches for both the kind of organisation and the region first, then for either; newest first in each.
    both, either = matches[0] & matches[1], matches[0] | matches[1]
    return profile, either.latest_preferring([both], SUGGESTIONS)


@never_cache
def dashboard(request):
    tracker = tracker_for(request)
    outlines = _my_parcours(tracker)
    saved_ids = tracker.saved_fiche_ids()
    saved = {f.pk: f for f in Fiche.objects.published().for_cards().filter(pk__in=saved_ids)}
    profile, suggestions = _suggestions(request.user, saved_ids)
    ctx = {
        "in_progress": [outline for outline in outlines if not outline.is_finished],
        "finished": [outline for outline in outlines if outline.is_finished],
        "notes": [(outline, item) for outline in outlines for item in outline.steps if item.state.note],
        "saved": [saved[pk] for pk in saved_ids if pk in saved],
        "profile": profile,
        "suggestions": suggestions,
        "anonymous": tracker.is_anonymous,
        "organisations": list(organisations_for(request).only("pk", "name", "updated_at")),
    }
    return render(request, "parcours/dashboard.html", ctx)


def notes_export(request, extension):
    if extension not in NOTE_FORMATS:
        raise Http404("Format inconnu")
    outlines = _my_parcours(tracker_for(request))
    content_type, body = notes_document(outlines, extension, timezone.localdate())
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="mes-notes-hub.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def fiche_save(request, slug):
    fiche = get_object_or_404(Fiche.objects.published().only("pk", "slug", "title"), slug=slug)
    saved = request.POST.get("action") != "retirer"
    tracker_for(request).save_fiche(fiche, saved)
    if saved:
        messages.success(request, f"Fiche {guillemets(fiche.title)} sauvegardée dans Mon espace.")
    else:
        messages.success(request, f"Fiche {guillemets(fiche.title)} retirée de Mon espace.")
    return HttpResponseRedirect(safe_next_url(request, fiche.get_absolute_url()))
