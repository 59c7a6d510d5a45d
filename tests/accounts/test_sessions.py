"""The session is read with its account in one query (accounts/sessions.py), and Django's checks still hold."""

import pytest
from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Session
from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db

# A page that reads nothing but who is asking (the header says « Mon compte » or « Se connecter »).
PAGE = "/accessibilite/"


def test_a_logged_in_page_reads_the_session_and_its_account_in_one_query(learner_client, learner):
    with CaptureQueriesContext(connection) as captured:
        response = learner_client.get(PAGE)
    assert "Se déconnecter" in response.content.decode()
    assert len(captured) == 1
    sql = captured[0]["sql"]
    assert "accounts_session" in sql and "auth_user" in sql
    row = Session.objects.get(session_key=learner_client.cookies["sessionid"].value)
    assert row.user_id == learner.pk


def test_the_account_read_with_the_session_is_the_one_the_orm_reads(learner_client, learner):
    learner.first_name, learner.last_login, learner.is_staff = "Alice Émilie", timezone.now(), True
    learner.save()
    store = SessionStore(session_key=learner_client.cookies["sessionid"].value)
    store.load()
    read, expected = store.account, type(learner).objects.get(pk=learner.pk)
    assert type(read) is type(expected) and not read._state.adding and read._state.db == expected._state.db
    for field in expected._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
    assert isinstance(read.last_login, type(expected.last_login)) and read.last_login.tzinfo is not None


def test_the_session_of_a_deleted_account_is_deleted_with_it(learner_client, learner):
    key = learner_client.cookies["sessionid"].value
    learner.delete()
    assert not Session.objects.filter(session_key=key).exists()
    assert "Se connecter" in learner_client.get(PAGE).content.decode()


def test_a_deactivated_account_or_a_changed_password_ends_the_session(learner_client, learner, client):
    learner.is_active = False
    learner.save()
    assert "Se connecter" in learner_client.get(PAGE).content.decode()

    learner.is_active = True
    learner.save()
    client.force_login(learner)
    assert "Se déconnecter" in client.get(PAGE).content.decode()
    learner.set_password("another-pw-456")  # the hash kept in the session no longer matches
    learner.save()
    assert "Se connecter" in client.get(PAGE).content.decode()


def test_a_logged_out_session_names_no_account(learner_client):
    key = learner_client.cookies["sessionid"].value
    assert learner_client.post("/compte/deconnexion/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not Session.objects.filter(user__isnull=False).exists()


def test_sessions_open_before_the_switch_are_copied_and_stay_logged_in(client, learner):
    copy_sessions = __import__("accounts.migrations.0005_copy_sessions", fromlist=["copy_sessions"]).copy_sessions
    codec = DjangoSessionStore()  # how the rows were written before the switch
    data = {SESSION_KEY: str(learner.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: learner.get_session_auth_hash(), "hub_parcours": {"saved": [3]}}
    expiry = timezone.now() + timezone.timedelta(days=3)
    DjangoSession.objects.create(session_key="k" * 32, session_data=codec.encode(data), expire_date=expiry)
    DjangoSession.objects.create(session_key="x" * 32, session_data="garbage", expire_date=expiry)
    DjangoSession.objects.create(session_key="e" * 32, session_data=codec.encode(data),
                                 expire_date=timezone.now() - timezone.timedelta(days=1))

    copy_sessions(apps, None)

    copied = Session.objects.get()
    assert (copied.session_key, copied.user_id, copied.expire_date) == ("k" * 32, learner.pk, expiry)
    assert copied.get_decoded()["hub_parcours"] == {"saved": [3]}
    client.cookies["sessionid"] = "k" * 32
    assert "Se déconnecter" in client.get(PAGE).content.decode()
