"""« Mon espace »: what a person has going on the hub, gathered from every app: parcours in progress and finished,
notes, saved fiches, suggestions for their kind of organisation, their diagnostics."""

from dataclasses import dataclass

from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from core.clients import client_group
from core.content_cache import cached
from hub.space_reads import space_reads
from hub.views.usage import kept_summaries
from diagnostic.access import organisations_with_roles
from parcours import selectors
from parcours.tracking import tracker_for
from resources.models import Fiche

SUGGESTIONS = 6


@dataclass(frozen=True)
class SavedCard:
    """A saved fiche as « Mon espace » lists it: its card, rendered, and its slug for the « Retirer » button."""

    pk: int
    slug: str
    card: str


def _suggestions(profile, excluded):
    """Published fiches for the person's kind of organisation or region (``profile``, or None), best matches first."""
    if profile is None or not (profile.actor_profile_id or profile.region_id):
        return []
    published = Fiche.objects.published().exclude(pk__in=excluded)
    matches = [published.with_value(field, value) for field, value in
               (("actor_profiles", profile.actor_profile_id), ("regions", profile.region_id)) if value]
    if len(matches) == 1:
        return matches[0].latest_preferring([], SUGGESTIONS)
    # Fiches for both the kind of organisation and the region first, then for either; newest first in each.
    both, either = matches[0] & matches[1], matches[0] | matches[1]
    return either.latest_preferring([both], SUGGESTIONS)


def _saved_cards(request, saved_ids):
    """The published fiches among ``saved_ids``, in that order, as SavedCard rows (the card rendered): from the
    content cache, keyed on the ids alone (content only: anyone who saved the same fiches gets the same list). A
    person can vary the ids at will: new entries count against their budget (core.clients)."""
    if not saved_ids:
        return []

    def build():
        found = {fiche.pk: fiche for fiche in Fiche.objects.published().for_cards().filter(pk__in=saved_ids)}
        return [SavedCard(pk, found[pk].slug, render_to_string("resources/_fiche_card.html", {"fiche": found[pk]}))
                for pk in saved_ids if pk in found]

    return cached("saved-cards", *saved_ids, build=build, client=client_group(request))


@never_cache
def dashboard(request):
    tracker = tracker_for(request)
    everything = tracker.everything()  # progress, levels and saved fiches: one query
    outlines = selectors.started_outlines(tracker, everything)
    saved_ids = everything.saved_ids
    if tracker.is_anonymous:
        profile, kept_paths, organisations = None, kept_summaries(request), list(
            organisations_with_roles(request).only("pk", "name", "updated_at", "is_space"))
    else:  # profile, kept paths and diagnostics: one query
        reads = space_reads(request.user)
        profile, organisations = reads.profile, reads.organisations
        kept_paths = kept_summaries(request, reads.kept_paths)
    ctx = {
        "in_progress": [outline for outline in outlines if not outline.is_finished],
        "finished": [outline for outline in outlines if outline.is_finished],
        "notes": [(outline, item) for outline in outlines for item in outline.steps if item.state.note],
        "saved": _saved_cards(request, saved_ids),
        "profile": profile,
        "suggestions": _suggestions(profile, saved_ids),
        "anonymous": tracker.is_anonymous,
        "kept_paths": kept_paths,
        "organisations": organisations,
    }
    return render(request, "hub/dashboard.html", ctx)
