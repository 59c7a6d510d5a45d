"""The site's own pages: home, accessibility statement, legal notice, site map, bibliography."""

from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from core.content_cache import shared_page
from hub.bibliography import build_bibliography
from parcours.models import Parcours
from rendezvous import event_dates
from rendezvous.agenda import upcoming_cards
from resources.catalogue import published_counts
from resources.models import Fiche, Worksheet
from resources.models.fiche import with_card_levers
from resources.views.referentiel import levers_with_components
from resources.vocabularies import VOCABULARIES


@shared_page
def home(request):
    family_counts = published_counts("famille")  # the facet index's bit counts: no COUNT over every fiche
    ctx = {
        "levers": levers_with_components(),
        "families": [(value, label, family_counts.get(value, 0)) for value, label in Fiche.Family.choices],
        "latest": with_card_levers(Fiche.objects.published().card_fields()[:3]),
        # Kept with the page under the content version: an event that ends leaves the list at the next edit, or
        # when the page expires (HUB_PAGE_CACHE_SECONDS); places left change with every registration, so the
        # cards here do not say them.
        "next_events": upcoming_cards(after=event_dates.now(), limit=2),
    }
    return render(request, "hub/home.html", ctx)


@shared_page
def accessibility(request):
    return render(request, "hub/accessibilite.html")


@shared_page
def legal(request):
    return render(request, "hub/mentions_legales.html")


@shared_page
def site_map(request):
    kinds = [kind for kind in VOCABULARIES if kind.prefix]
    ctx = {
        "levers": levers_with_components(), "kinds": kinds, "all_parcours": Parcours.objects.only("title", "slug"),
        "worksheets": Worksheet.objects.only("title", "slug"),
    }
    return render(request, "hub/plan_du_site.html", ctx)


@shared_page
def bibliography(request):
    """Every reference the content cites, with who cites it (hub.bibliography): a fixed number of queries."""
    return render(request, "hub/bibliographie.html", {"bibliography": build_bibliography()})


def favicon(request):
    # Resolved per request: the hashed static name is only known once collectstatic has run.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
