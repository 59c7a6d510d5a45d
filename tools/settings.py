"""The product's settings plus the tooling: its commands (seed_demo, bench, bench_search) and the floor view."""

from hub.settings import *  # noqa: F403  (the point of this module is to reuse them all)

INSTALLED_APPS = [*INSTALLED_APPS, "tools"]  # noqa: F405
ROOT_URLCONF = "tools.urls"
