from django.contrib.sitemaps import Sitemap

from parcours.models import Parcours, Step


class ParcoursSitemap(Sitemap):
    """The parcours pages and every step (the public content; per-person pages are not listed)."""

    def items(self):
        return list(Parcours.objects.all()) + list(Step.objects.select_related("parcours").only(
            "slug", "parcours__slug", "order", "parcours__order"
        ).order_by("parcours__order", "parcours", "order", "pk"))
