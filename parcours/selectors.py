"""Reads of the parcours pages: a fixed number of queries whatever the number of steps or people."""

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.template.loader import render_to_string

from core.content_cache import cached, detached_copy
from parcours.models import Parcours, Step, StepSource
from parcours.outline import build_outline, resolve_depth
from resources.models import Fiche, Worksheet
from resources.references import source_list

# What the outline needs: the long texts stay in the database.
OUTLINE_FIELDS = ["id", "parcours_id", "order", "title", "slug", "minutes", "depth", "provenance"]


def outline_steps(parcours):
    steps = list(Step.objects.filter(parcours=parcours).only(*OUTLINE_FIELDS))
    for step in steps:
        step.parcours = parcours  # step.get_absolute_url() then costs no query
    return steps


def parcours_with_steps(slug):
    """(parcours, ordered steps) or 404; from the content cache when it has them (no query)."""
    def build():
        parcours = Parcours.objects.filter(slug=slug).first()
        return None if parcours is None else (parcours, outline_steps(parcours))

    found = cached("parcours", slug, build=build)
    if found is None:
        raise Http404("Parcours inconnu")
    return found


def step_in(steps, step_slug):
    """The step of this parcours with this slug, or 404 (a slug of another parcours is a 404 too)."""
    for step in steps:
        if step.slug == step_slug:
            return step
    raise Http404("Étape inconnue")


def step_content(step):
    """The full step, with ``content_html`` (its text, its worksheets and linked published fiches) and
    ``sources_html`` (its sources), rendered (five queries, none from the content cache)."""
    def build():
        fiches = Fiche.objects.published().for_cards().order_by("sort_title")
        full = Step.objects.get(pk=step.pk)
        # The fiches go on a copy, rendered then dropped: the cache keeps the step and its HTML, not its relations.
        shown = detached_copy(full)
        prefetch_related_objects([shown], Prefetch("fiches", queryset=fiches),
                                 Prefetch("sources", queryset=StepSource.objects.select_related("reference")),
                                 Prefetch("worksheets", queryset=Worksheet.objects.for_list()))
        full.content_html = render_to_string("parcours/_step_content.html", {"step": shown})
        full.sources_html = render_to_string("resources/_sources.html", {"sources": source_list(shown.sources.all()),
                                                                      "with_status": False})
        return full

    return cached("step", step.pk, build=build)


def all_parcours_with_steps():
    """Every parcours with its outline steps, in two queries, or none from the content cache."""
    def build():
        steps = Step.objects.only(*OUTLINE_FIELDS)
        return list(Parcours.objects.prefetch_related(Prefetch("steps", queryset=steps)))

    return cached("all-parcours", build=build)


def outlines_for(tracker, everything=None):
    """Every parcours as this person sees it (their states, their chosen level), from one query (the person's
    progress, ``tracker.everything()``, or ``everything`` when the caller has read it) and the content cache."""
    everything = tracker.everything() if everything is None else everything
    states, depths = everything.states, everything.depths
    outlines = []
    for parcours in all_parcours_with_steps():
        steps = list(parcours.steps.all())
        outline = build_outline(parcours, steps, states, resolve_depth(steps, None, depths.get(parcours.pk)))
        outline.chosen = parcours.pk in depths
        outlines.append(outline)
    return outlines


def started_outlines(tracker, everything=None):
    """The outlines of every parcours this person started or chose a level of."""
    return [outline for outline in outlines_for(tracker, everything) if outline.is_started or outline.chosen]
