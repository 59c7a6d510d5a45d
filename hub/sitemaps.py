"""The site's sitemap.xml, gathered from each app's public pages (per-person pages are never listed)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from parcours.sitemaps import ParcoursSitemap
from resources.sitemaps import FicheSitemap, LeverSitemap, StaticPagesSitemap, VocabularySitemap


class AppPagesSitemap(Sitemap):
    def items(self):
        return ["parcours:list", "diagnostic:index"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "outils": AppPagesSitemap,
    "fiches": FicheSitemap,
    "leviers": LeverSitemap,
    "vocabulaires": VocabularySitemap,
    "parcours": ParcoursSitemap,
}
