from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from hub.sitemaps import SITEMAPS
from accounts.throttle import throttled_admin_login
from hub.views import corrections, pages, search, space, usage

admin.site.site_header = "Administration du hub"
admin.site.site_title = "Administration du hub"
admin.site.index_title = "Contenus et vocabulaires"

# The hub's own pages, under the « hub: » namespace.
hub_patterns = ([
    path("", pages.home, name="home"),
    path("recherche/", search.search, name="search"),
    path("recherche/flux.atom", search.search_feed, name="search_feed"),
    path("mon-espace/", space.dashboard, name="dashboard"),
    path("par-ou-commencer/", usage.start, name="usage"),
    path("par-ou-commencer/ouvrir/", usage.open_first, name="usage_open"),
    path("par-ou-commencer/garder/", usage.keep, name="usage_keep"),
    path("mon-espace/parcours-d-usage/<str:key>/", usage.kept, name="usage_kept"),
    path("mon-espace/parcours-d-usage/<str:key>/fait/", usage.kept_done, name="usage_kept_done"),
    path("mon-espace/parcours-d-usage/<str:key>/retirer/", usage.kept_remove, name="usage_kept_remove"),
    path("accessibilite/", pages.accessibility, name="accessibility"),
    path("mentions-legales/", pages.legal, name="legal"),
    path("plan-du-site/", pages.site_map, name="site_map"),
    path("bibliographie/", pages.bibliography, name="bibliography"),
    # Before resources' patterns, which own /fiches/<slug>/: these two only extend a fiche's address.
    path("fiches/<slug:slug>/corriger/", corrections.fiche_correction, name="fiche_correction"),
    path("fiches/<slug:slug>/corriger/merci/", corrections.fiche_correction_sent, name="fiche_correction_sent"),
], "hub")

urlpatterns = [
    # The admin's log-in, under the same throttle as the site's (accounts/throttle.py).
    path("admin/login/", throttled_admin_login(admin.site.login), name="admin_login_throttled"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Browsers ask for /favicon.ico on pages that declare no icon (the admin).
    path("favicon.ico", pages.favicon),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
    # Before resources: its last patterns catch any /<prefix>/ for the vocabulary pages.
    path("", include(hub_patterns)),
    path("", include("accounts.urls")),
    path("", include("parcours.urls")),
    path("", include("diagnostic.urls")),
    path("", include("rendezvous.urls")),
    path("", include("resources.urls")),
]
