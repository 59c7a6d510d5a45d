from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from hub.bench import floor
from hub.sitemaps import SITEMAPS
from parcours.throttle import throttled_admin_login
from resources.views import pages

admin.site.site_header = "Administration du hub"
admin.site.site_title = "Administration du hub"
admin.site.index_title = "Contenus et vocabulaires"

urlpatterns = [
    # The admin's log-in, under the same throttle as the site's (parcours/throttle.py).
    path("admin/login/", throttled_admin_login(admin.site.login), name="admin_login_throttled"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Browsers ask for /favicon.ico on pages that declare no icon (the admin).
    path("favicon.ico", pages.favicon),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
    # Before resources: its last patterns catch any /<prefix>/ for the vocabulary pages.
    path("", include("parcours.urls")),
    path("", include("diagnostic.urls")),
    path("", include("resources.urls")),
]

if settings.HUB_BENCH_FLOOR:
    # The benchmark's yardstick: the same middleware as every page, no query, no template.
    urlpatterns.insert(0, path("bench/plancher/", floor, name="bench_floor"))
