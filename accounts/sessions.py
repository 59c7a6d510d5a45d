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
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
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
        # Django's own read, joined to the account.
        try:
            row = self.model.objects.select_related("user").get(
                session_key=self.session_key, expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            self._session_key = None
            self.account = None
            return None
        self.account = row.user
        return row

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
