"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

from tests import shipped

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags chromium keeps calling out to hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium est absent en CI : .ci/run doit l’installer (apt-get install -y chromium).")
        pytest.skip("chromium n’est pas installé (apt-get install -y chromium) : tests navigateur ignorés.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are still
    # synchronous, so Django's async-safety guard is lifted for the browser session only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session", autouse=True)
def server_connections_closed(django_db_setup, django_db_blocker):
    """Autouse, so set up before the live server and torn down after it, before the test database is dropped: a
    request thread of the server may still hold its connection then (a keep-alive socket the browser has not
    closed yet), and PostgreSQL refuses to drop a database in use. Those sessions are ended first."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def shipped_site(live_server, transactional_db, shipped_rows):
    """The live server with the real shipped content (committed: the server thread has its own connection)."""
    shipped.restore(shipped_rows)
    return live_server


def _new_page(browser, base_url, **options):
    context = browser.new_context(base_url=base_url, locale="fr-FR", **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    return context, page


@pytest.fixture
def page(browser, shipped_site):
    """A page under the site's real Content-Security-Policy; console errors are collected."""
    context, page = _new_page(browser, shipped_site.url)
    yield page
    context.close()


@pytest.fixture
def audit_page(browser, shipped_site):
    """A page for axe-core, whose injected script the CSP would (rightly) refuse."""
    context, page = _new_page(browser, shipped_site.url, bypass_csp=True)
    yield page
    context.close()
