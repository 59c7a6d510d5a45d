"""« Mon espace »: what a person has going on the hub, gathered from every app: parcours in progress and finished,
notes, saved fiches, suggestions for their kind of organisation, their diagnostics."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.models import Profile
from hub.views.usage import kept_summaries
from diagnostic.access import organisations_with_roles
from parcours import selectors
from parcours.tracking import tracker_for
from resources.models import Fiche

SUGGESTIONS = 6


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
    outlines = selectors.started_outlines(tracker)
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
        "kept_paths": kept_summaries(request),
        "organisations": list(organisations_with_roles(request).only("pk", "name", "updated_at", "is_space")),
    }
    return render(request, "hub/dashboard.html", ctx)
