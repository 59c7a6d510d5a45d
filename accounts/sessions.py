"""Sessions in the database, read with their account in one query.

A logged-in page used to cost two queries before any work of its own: the session row (SessionMiddleware), then
the account (AuthenticationMiddleware). The session row now carries the account's id, kept in step with the
session's data at every save, and the session is read joined to its account. ``AccountBackend.get_user`` then
takes the account read with the session, when it is the one the session names, instead of reading it again;
everything else is Django's: ``auth.get_user`` still checks that the backend is allowed and that the password hash
stored in the session matches the account's, and flushes the session otherwise.
"""

import contextvars

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
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
        # Django's own read (a live session with this key), joined to the account, in SQL written once and read
        # with a plain cursor: through the ORM, building the query cost three times running it, and a raw
        # queryset still spent a third of the read on mapping its columns. Each account field gets the
        # conversions the ORM would apply (the database's, then the field's own).
        account_model = get_user_model()
        session, account = self.model._meta, account_model._meta
        fields = account.concrete_fields
        quote = connection.ops.quote_name
        columns = ", ".join(f"a.{quote(field.column)}" for field in fields)
        # Table and column names from the models, every value a parameter.
        sql = (
            f"SELECT s.session_data, {columns} FROM {quote(session.db_table)} s "  # nosec B608
            f"LEFT JOIN {quote(account.db_table)} a ON a.{quote(account.pk.column)} = s.user_id "  # nosec B608
            "WHERE s.session_key = %s AND s.expire_date > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            self.account = None
            return None
        self.account = _account(account_model, fields, row[1:])
        return self.model(session_key=self.session_key, session_data=row[0])

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        try:
            row.user_id = int(data.get(auth.SESSION_KEY))
        except (TypeError, ValueError):
            row.user_id = None
        return row


def _account(model, fields, values):
    """The account of a session row, as the ORM would have built it; None when the row has no account."""
    if values[fields.index(model._meta.pk)] is None:
        return None
    converted = []
    for field, value in zip(fields, values, strict=True):
        column = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [field.attname for field in fields], converted)


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
