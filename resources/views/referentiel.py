"""The référentiel page: the parts of a socio-economic model, the levers and their components."""

from django.db.models import Prefetch
from django.shortcuts import render

from core.content_cache import shared_page
from resources.models import Component, Economy, Impact, Lever, ReferentielPart


def levers_with_components():
    return Lever.objects.prefetch_related(Prefetch("components", queryset=Component.objects.order_by("order")))


@shared_page
def referentiel(request):
    ctx = {
        "parts": ReferentielPart.objects.all(),
        "impacts": Impact.objects.all(),
        "economies": Economy.objects.all(),
        "levers": levers_with_components(),
    }
    return render(request, "resources/referentiel.html", ctx)


@shared_page
def information_status(request):
    """The legend of « confirmé », « déduit » and « à confirmer », linked from every provenance note."""
    return render(request, "resources/information_status.html")
