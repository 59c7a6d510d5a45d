"""The fiche list and the fiche detail page."""

from django.core.exceptions import BadRequest
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from resources.filters import FicheFilter, active_filters, invalid_filters, oversized_facets
from resources.models import Component, Fiche
from resources.pagination import paginate

PER_PAGE = 12


def fiche_list(request):
    too_many = oversized_facets(request.GET)
    if too_many:
        raise BadRequest(f"Trop de valeurs pour le filtre {', '.join(too_many)}.")
    filterset = FicheFilter(request.GET, queryset=Fiche.objects.published().for_cards())
    page = paginate(request, filterset.qs, PER_PAGE)
    ignored = invalid_filters(filterset)
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "filterset": filterset,
        "page": page,
        "active": active_filters(filterset),
        "ignored": ignored,
        "query_without_page": query.urlencode(),
    }
    return render(request, "resources/fiche_list.html", ctx, status=400 if ignored else 200)


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
