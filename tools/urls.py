from django.urls import path

from hub.urls import urlpatterns as product_urlpatterns
from tools.floor import floor

urlpatterns = [
    # The benchmark's yardstick: the same middleware as every page, no query, no template.
    path("bench/plancher/", floor, name="bench_floor"),
    *product_urlpatterns,
]
