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
