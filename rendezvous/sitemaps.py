"""Public pages of the rendez-vous for sitemap.xml (gathered by hub/sitemaps.py)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from rendezvous.models import Letter


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
