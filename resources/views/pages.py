"""Editorial pages: home, référentiel, legal and help pages."""

from django.db.models import Count, Prefetch
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from core.page_cache import shared_page
from parcours.models import Parcours
from resources.models import Component, Economy, Fiche, Impact, Lever, ReferentielPart
from resources.vocabularies import VOCABULARIES


def _levers_with_components():
    return Lever.objects.prefetch_related(Prefetch("components", queryset=Component.objects.order_by("order")))


@shared_page
def home(request):
    family_counts = dict(
        Fiche.objects.published().values_list("family").annotate(n=Count("id")).values_list("family", "n")
    )
    ctx = {
        "levers": _levers_with_components(),
        "families": [(value, label, family_counts.get(value, 0)) for value, label in Fiche.Family.choices],
        "latest": Fiche.objects.published().for_cards()[:3],
    }
    return render(request, "resources/home.html", ctx)


@shared_page
def referentiel(request):
    ctx = {
        "parts": ReferentielPart.objects.all(),
        "impacts": Impact.objects.all(),
        "economies": Economy.objects.all(),
        "levers": _levers_with_components(),
    }
    return render(request, "resources/referentiel.html", ctx)


@shared_page
def accessibility(request):
    return render(request, "pages/accessibilite.html")


@shared_page
def legal(request):
    return render(request, "pages/mentions_legales.html")


@shared_page
def site_map(request):
    kinds = [kind for kind in VOCABULARIES if kind.prefix]
    ctx = {"levers": _levers_with_components(), "kinds": kinds, "all_parcours": Parcours.objects.only("title", "slug")}
    return render(request, "pages/plan_du_site.html", ctx)


def favicon(request):
    # Resolved per request: the hashed static name is only known once collectstatic has run.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
