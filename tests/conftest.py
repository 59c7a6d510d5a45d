import os

import pytest
from hypothesis import settings as hypothesis_settings
from django.core.cache import cache
from django.test import Client

from hub import page_cache
from resources.facet_index import reset_index
from tests import shipped


# In CI the property tests draw the same examples on every run: a failure belongs to the commit that made it,
# and can be replayed locally with HYPOTHESIS_PROFILE=ci.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") or os.environ.get("HYPOTHESIS_PROFILE") == "ci":
    hypothesis_settings.load_profile("ci")


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


@pytest.fixture(autouse=True)
def fresh_facet_index():
    """Each test starts without the per-process facet index of the previous one."""
    reset_index()
    yield
    reset_index()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: no log-in lock or cached page left by another test."""
    cache.clear()
    page_cache.recent.clear()
    page_cache.forget_seen_version()
    yield


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
