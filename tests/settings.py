"""Test settings: the production settings module under test-friendly environment values."""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client and the live server speak plain HTTP.
os.environ.setdefault("DJANGO_HTTPS", "0")

from hub.settings import *  # noqa: E402,F403  (the point of this module is to reuse them all)

# The tooling's commands (seed_demo, bench, bench_search) are tested too; the product's URLs stay the product's.
INSTALLED_APPS = [*INSTALLED_APPS, "tools"]  # noqa: F405

# PostgreSQL empties its tables after a transactional test with DELETE rather than TRUNCATE (tests/postgresql/base.py:
# a second or two saved per browser test on CI).
# And its commits do not wait for the disk (synchronous_commit=off, for these connections only): a test database
# that a crash would lose is recreated anyway, and the live server's tests commit at every request.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "tests.postgresql"  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}),  # noqa: F405
                                       "options": "-c synchronous_commit=off"}

# A fast hasher: password hashing is not what the tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Serve static files from the source folders: tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests change the catalogue between two requests: counts must follow at once.
FACET_INDEX_VERSION_TTL = 0
# Whatever the shell exports, the suite keeps its cache in memory (cache.clear() before each test must never empty
# a shared Redis) and its sessions in the test database; tests/hub/test_instances.py runs real servers on Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hub-tests"}}
SESSION_ENGINE = "accounts.sessions"
# The suite runs with the page cache on, as a one-process server would: every test that changes content and
# reads a page again checks that the change reaches it.
HUB_PAGE_CACHE_SECONDS = 600
