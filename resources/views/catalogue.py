"""The fiche list (faceted, searchable) and the fiche detail page."""

from django.core.exceptions import BadRequest
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers

from hub.page_cache import shared_page
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


def fiche_detail(request, slug):
    fiches = Fiche.objects.visible_to(request.user).prefetch_related(
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
    fiche = get_object_or_404(fiches, slug=slug)
    return render(request, "resources/fiche_detail.html", {"fiche": fiche})
