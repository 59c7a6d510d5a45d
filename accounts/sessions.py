"""Sessions in the database, read with their account in one query.

A logged-in page used to cost two queries before any work of its own: the session row (SessionMiddleware), then
the account (AuthenticationMiddleware). The session row now carries the account's id, kept in step with the
session's data at every save, and the session is read joined to its account. ``AccountBackend.get_user`` then
takes the account read with the session, when it is the one the session names, instead of reading it again;
everything else is Django's: ``auth.get_user`` still checks that the backend is allowed and that the password hash
stored in the session matches the account's, and flushes the session otherwise.
"""

import contextvars
import logging

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.db import connection
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

BACKEND = "accounts.sessions.AccountBackend"

# The session being authenticated while auth.get_user runs for it (it hands the backend a user id only).
_authenticating = contextvars.ContextVar("authenticating_session", default=None)


class SessionStore(DatabaseSessionStore):
    # The account read with the session: None before the session is read, without an account, or when the row's
    # account no longer exists.
    account = None

    @classmethod
    def get_model_class(cls):
        from accounts.models import Session

        return Session

    def _get_session_from_db(self):
        # Django's own read (a live session with this key), joined to the account, in SQL written once: through the
        # ORM, building the query cost three times running it. Raw keeps the ORM's conversions of the account's
        # fields; the session's data comes as one more column.
        account_model = get_user_model()
        session, account = self.model._meta, account_model._meta
        # Table and column names from the models, every value a parameter.
        sql = (
            f"SELECT a.*, s.session_data AS hub_session_data FROM {session.db_table} s "  # nosec B608
            f"LEFT JOIN {account.db_table} a ON a.{account.pk.column} = s.user_id "  # nosec B608
            "WHERE s.session_key = %s AND s.expire_date > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        try:
            row = next(iter(account_model._default_manager.raw(sql, [self.session_key, now])), None)
        except SuspiciousOperation as error:
            logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            row = None
        if row is None:
            self._session_key = None
            self.account = None
            return None
        self.account = row if row.pk is not None else None
        return self.model(session_key=self.session_key, session_data=row.hub_session_data)

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        try:
            row.user_id = int(data.get(auth.SESSION_KEY))
        except (TypeError, ValueError):
            row.user_id = None
        return row


class AccountBackend(ModelBackend):
    """Django's ModelBackend, which takes the account read with the session when it is the one asked for."""

    def get_user(self, user_id):
        session = _authenticating.get()
        account = getattr(session, "account", None)
        if account is not None and str(account.pk) == str(user_id):
            return account if self.user_can_authenticate(account) else None
        return super().get_user(user_id)


def _user(request):
    if not hasattr(request, "_cached_user"):
        token = _authenticating.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _authenticating.reset(token)
    return request._cached_user


class SessionAccountMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, whose lazy ``request.user`` lets the backend see the session's account."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))
