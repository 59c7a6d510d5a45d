"""The fiche list (faceted, searchable) and the fiche detail page."""

from django.core.exceptions import BadRequest
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers

from hub.page_cache import content_cached, shared_page
from resources.catalogue import build_catalogue
from resources.filters import oversized_facets
from resources.models import Component, Fiche

# Sent by static/js/catalogue.js: answer with the results partial only.
PARTIAL_HEADER = "HTTP_X_HUB_PARTIAL"


@shared_page
def fiche_list(request):
    too_many = oversized_facets(request.GET)
    if too_many:
        raise BadRequest(f"Trop de valeurs pour le filtre {', '.join(too_many)}.")
    catalogue = build_catalogue(request)
    partial = request.META.get(PARTIAL_HEADER) == "1"
    template = "resources/_results.html" if partial else "resources/fiche_list.html"
    response = render(request, template, {"catalogue": catalogue}, status=400 if catalogue.ignored else 200)
    patch_vary_headers(response, ["X-Hub-Partial"])
    return response


FICHE_RELATIONS = (
    "objectives",
    "levers",
    Prefetch("components", queryset=Component.objects.select_related("lever")),
    "actor_profiles",
    "actor_kinds",
    "regions",
    "domains",
    "entry_doors",
    "impacts",
    "referentiel_parts",
    "economies",
    "tools",
    "sources",
    "tags",
    Prefetch("related", queryset=Fiche.objects.published().for_cards()),
)


def _fiche_and_content(fiches, slug):
    """(fiche, its classification, sources and related fiches as HTML), or None; 16 queries."""
    fiche = fiches.prefetch_related(*FICHE_RELATIONS).filter(slug=slug).first()
    if fiche is None:
        return None
    content = render_to_string("resources/_fiche_content.html", {"fiche": fiche})
    fiche._prefetched_objects_cache = {}  # rendered: no need to keep them
    return fiche, content


def fiche_detail(request, slug):
    # A published fiche is the same for everyone but its « Sauvegarder » button: the rest comes from the content
    # cache; a draft (shown to staff only) is rendered afresh.
    found = content_cached(f"fiche:{slug}", lambda: _fiche_and_content(Fiche.objects.published(), slug))
    if found is None and request.user.is_authenticated and request.user.is_staff:
        found = _fiche_and_content(Fiche.objects.all(), slug)
    if found is None:
        raise Http404("Fiche introuvable")
    fiche, content = found
    # ``content`` is the SafeString that render_to_string returned (pickling keeps its class).
    return render(request, "resources/fiche_detail.html", {"fiche": fiche, "content": content})
