"""The site's sitemap.xml, gathered from each app's public pages (per-person pages are never listed)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from parcours.sitemaps import ParcoursSitemap
from rendezvous.sitemaps import AgendaSitemap, LetterPagesSitemap, LetterSitemap
from resources.sitemaps import FicheSitemap, GlossarySitemap, LeverSitemap, VocabularySitemap, WorksheetSitemap


class StaticPagesSitemap(Sitemap):
    def items(self):
        return [
            "hub:home", "resources:referentiel", "resources:fiche_list", "resources:glossary_index",
            "hub:accessibility", "hub:legal", "hub:site_map", "resources:information_status", "hub:bibliography",
            "resources:worksheet_list",
        ]

    def location(self, item):
        return reverse(item)


class AppPagesSitemap(Sitemap):
    def items(self):
        return ["hub:usage", "parcours:list", "diagnostic:index",
                "rendezvous:alert_new"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "outils": AppPagesSitemap,
    "fiches": FicheSitemap,
    "leviers": LeverSitemap,
    "vocabulaires": VocabularySitemap,
    "glossaire": GlossarySitemap,
    "parcours": ParcoursSitemap,
    "feuilles": WorksheetSitemap,
    "agenda": AgendaSitemap,
    "lettre": LetterPagesSitemap,
    "lettres": LetterSitemap,
}
