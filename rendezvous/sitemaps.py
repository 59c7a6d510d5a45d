"""Public pages of the rendez-vous for sitemap.xml (gathered by hub/sitemaps.py)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from rendezvous.models import Event, Letter


class AgendaSitemap(Sitemap):
    """The agenda's two lists and every published event (upcoming or past: a past one keeps its replay). A
    person's registration page is never listed."""

    def items(self):
        return ["rendezvous:agenda", "rendezvous:agenda_past", *Event.objects.published().only(
            "slug", "updated_at").order_by("starts_at", "pk")]

    def location(self, item):
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()

    def lastmod(self, item):
        return None if isinstance(item, str) else item.updated_at


class LetterPagesSitemap(Sitemap):
    def items(self):
        return ["rendezvous:letter_archive", "rendezvous:letter_subscribe"]

    def location(self, item):
        return reverse(item)


class LetterSitemap(Sitemap):
    def items(self):
        return Letter.objects.online().only("number", "updated_at").order_by("-number")

    def lastmod(self, letter):
        return letter.updated_at
