"""Pages of the levers, their components and every other vocabulary value."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core.content_cache import shared_page
from resources.catalogue import published_counts
from resources.models import Component, Lever
from resources.models.fiche import visible_q, with_card_levers
from resources.pagination import paginate
from resources.vocabularies import BY_PREFIX

PER_PAGE = 12


def _published_fiches_of(value):
    return value.fiches.published().card_fields()


def _page_of(params, fiches, count=None):
    """The requested page of ``fiches`` (card fields), with their levers (with_card_levers)."""
    page = paginate(params, fiches, PER_PAGE, count=count)
    page.object_list = with_card_levers(page.object_list)
    return page


@shared_page
def lever_detail(request, slug):
    lever = get_object_or_404(Lever, slug=slug)
    # Counted from the facet index (bit counts), not by two COUNTs over the lever's thousands of links.
    per_component = published_counts("composante")
    components = list(lever.components.all())
    for component in components:
        component.n = per_component.get(component.pk, 0)
    count = published_counts("levier").get(lever.pk, 0)
    page = _page_of(request.GET, _published_fiches_of(lever), count=count)
    return render(request, "resources/lever_detail.html", {"lever": lever, "components": components, "page": page})


@shared_page
def component_detail(request, lever_slug, slug):
    component = get_object_or_404(Component.objects.select_related("lever"), slug=slug, lever__slug=lever_slug)
    siblings = component.lever.components.exclude(pk=component.pk)
    page = _page_of(request.GET, _published_fiches_of(component))
    ctx = {"component": component, "lever": component.lever, "siblings": siblings, "page": page}
    return render(request, "resources/component_detail.html", ctx)


def _kind_or_404(prefix):
    try:
        return BY_PREFIX[prefix]
    except KeyError:
        raise Http404("Vocabulaire inconnu.") from None


@shared_page
def vocabulary_index(request, kind):
    kind = _kind_or_404(kind)
    values = list(kind.model.objects.annotate(n=Count("fiches", filter=visible_q(timezone.now(), prefix="fiches__"))))
    # A badge on a tile only tells something when the list mixes statuses; the end of the page counts them anyway.
    mixed_statuses = len({value.provenance for value in values}) > 1
    ctx = {"kind": kind, "values": values, "mixed_statuses": mixed_statuses}
    return render(request, "resources/vocabulary_index.html", ctx)


@shared_page
def vocabulary_detail(request, kind, slug):
    kind = _kind_or_404(kind)
    value = get_object_or_404(kind.model, slug=slug)
    page = _page_of(request.GET, _published_fiches_of(value))
    return render(request, "resources/vocabulary_detail.html", {"kind": kind, "value": value, "page": page})
