"""A write that could not get the database's lock in time, told apart from real failures so a page can refuse it
cleanly (« try again in a moment ») instead of answering 500.

SQLite lets one writer at a time. A transaction whose first statement writes waits for the lock (Python's default
five seconds); one that read first and then writes fails at once with « database is locked », since waiting
could deadlock. Connections sharing a cache (the in-memory test database) fail at once with « database table is
locked ». PostgreSQL makes a writer wait for the rows it needs and raises nothing of the kind.
"""

import sqlite3
from contextlib import contextmanager

from django.db import OperationalError

LOCK_ERRORS = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class DatabaseBusy(Exception):
    """Another writer held the database for too long: nothing was written; the same request may be sent again."""


def is_lock_timeout(error):
    """Django's OperationalError carries the driver's error as its cause; SQLite's says which error it is."""
    cause = error.__cause__
    return isinstance(cause, sqlite3.Error) and (getattr(cause, "sqlite_errorcode", 0) & 0xFF) in LOCK_ERRORS


@contextmanager
def busy_when_locked():
    """Turn SQLite's lock time-outs raised inside the block into DatabaseBusy; any other error goes through."""
    try:
        yield
    except OperationalError as error:
        if is_lock_timeout(error):
            raise DatabaseBusy from error
        raise
