import os

import pytest
from hypothesis import settings as hypothesis_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client

from core.content_cache import reset_process_caches
from tests import shipped
from tests.smtp import Mailbox, free_port


# In CI the property tests draw the same examples on every run: a failure belongs to the commit that made it,
# and can be replayed locally with HYPOTHESIS_PROFILE=ci.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") or os.environ.get("HYPOTHESIS_PROFILE") == "ci":
    hypothesis_settings.load_profile("ci")


def pytest_runtest_setup(item):
    """``@pytest.mark.postgres_only(reason=…)``: run on PostgreSQL, skipped with its reason elsewhere (``-m
    postgres_only`` selects them)."""
    marker = item.get_closest_marker("postgres_only")
    if marker is not None and connection.vendor != "postgresql":
        pytest.skip(marker.kwargs.get("reason", "PostgreSQL seulement."))


# How many tests each xdist process holds at a time (the one running and the next).
XDIST_QUEUE = 2


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """xdist's ``load`` scheduling, with short queues: the stock one lets each process queue up to an eighth of
    the tests still to hand out, so the slow browser and transactional tests (pytest-django runs them after the
    others, in one block) could all sit in one process's queue while the other ran out of work. Handed out two
    at a time, in the same order, both processes end within a test of each other."""
    if config.getoption("dist") != "load":
        return None
    from xdist.scheduler import LoadScheduling

    class ShortQueues(LoadScheduling):
        def __init__(self, config, log):
            super().__init__(config, log)
            self.maxschedchunk = XDIST_QUEUE  # the first hand-out too

        def check_schedule(self, node, duration=0):
            if node.shutting_down:
                return
            if not self.pending:
                node.shutdown()
                return
            queued = self.node2pending[node]
            if len(queued) < XDIST_QUEUE:
                tests = self.pending[: XDIST_QUEUE - len(queued)]
                del self.pending[: len(tests)]
                queued.extend(tests)
                node.send_runtest_some(tests)

    return ShortQueues(config, log)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The migration tests (a fresh database migrated back and forth in a process of their own, the longest tests
    without a database) go first: pytest-django puts the tests without a database last, and a run that ended on
    one of them would leave the other xdist process idle meanwhile. They need no test database, so running them
    before it exists changes nothing else."""
    items.sort(key=lambda item: "scratch_database_url" not in getattr(item, "fixturenames", ()))


def pytest_itemcollected(item):
    """Marked as collected, before ``-m`` selects: ``no_db`` for a test that reaches no database."""
    if not _uses_the_database(item):
        item.add_marker(pytest.mark.no_db)


DATABASE_FIXTURES = ("db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                     "live_server", "shipped_rows", "scratch_database_url")


def _uses_the_database(item):
    """Whether the test reaches a database: ``no_db`` marks the others, the same whichever database is configured,
    which CI runs once (in its PostgreSQL pass: .ci/run)."""
    names = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or any(name in names for name in DATABASE_FIXTURES)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache and no per-process copy of content (facet index, search lexicon, recent
    pages): no log-in lock or cached page left by another test."""
    cache.clear()
    reset_process_caches()
    yield
    reset_process_caches()


@pytest.fixture(scope="session")
def shipped_rows(django_db_setup, django_db_blocker):
    """What the three loaders of the shipped content write, captured once per test process (tests/shipped.py)."""
    with django_db_blocker.unblock():
        return shipped.capture()


@pytest.fixture
def shipped_content(db, shipped_rows):
    """The database as `make run` leaves it: every shipped vocabulary, fiche, parcours and diagnostic rule."""
    shipped.restore(shipped_rows)


@pytest.fixture
def visitor():
    """An anonymous visitor, with a browser of their own (never shares cookies with staff_client)."""
    return Client()


@pytest.fixture
def learner(django_user_model):
    return django_user_model.objects.create_user(username="alice", email="alice@example.org", password="pw-alice-123")


@pytest.fixture
def other_learner(django_user_model):
    return django_user_model.objects.create_user(username="bob", email="bob@example.org", password="pw-bob-123")


@pytest.fixture
def staff(django_user_model):
    """A staff member with every permission on content (as the editorial team has)."""
    return django_user_model.objects.create_superuser(
        username="charlie", email="charlie@example.org", password="pw-charlie-123"
    )


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def scratch_database_url(tmp_path):
    """A fresh database of the same kind as the test database: a SQLite file, or a PostgreSQL database made
    for this test and dropped after it."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'avant-v2.sqlite3'}"
        return
    import psycopg

    settings = connection.settings_dict
    name = f"hub_migration_{os.getpid()}"
    admin = psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
                            dbname="postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


@pytest.fixture
def mail_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 for one test: ``(port, mailbox)``; tests.smtp.smtp_to(port) points
    Django's SMTP backend at it."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), server_hostname="smtp.test")
    controller.start()
    yield controller.port, mailbox
    controller.stop()
