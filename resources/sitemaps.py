from django.contrib.sitemaps import Sitemap

from resources.models import Component, Fiche, GlossaryTerm, Lever, Worksheet
from resources.vocabularies import VOCABULARIES


class FicheSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Fiche.objects.published().order_by("slug")

    def lastmod(self, fiche):
        return fiche.updated_at


class LeverSitemap(Sitemap):
    def items(self):
        return list(Lever.objects.all()) + list(Component.objects.select_related("lever"))


class VocabularySitemap(Sitemap):
    def items(self):
        values = []
        for kind in VOCABULARIES:
            if kind.prefix:
                values.extend(kind.model.objects.all())
        return values


class GlossarySitemap(Sitemap):
    def items(self):
        return GlossaryTerm.objects.alphabetical().only("slug", "updated_at")

    def lastmod(self, term):
        return term.updated_at


class WorksheetSitemap(Sitemap):
    def items(self):
        return Worksheet.objects.only("slug", "updated_at").order_by("slug")

    def lastmod(self, sheet):
        return sheet.updated_at
