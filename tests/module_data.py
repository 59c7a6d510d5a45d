"""Rows built once for a whole test module, the way Django's TestCase.setUpTestData builds them for a class.

The rows are written in a transaction left open until the module is done, then rolled back. Each test of the
module still runs in its own atomic block (pytest-django's ``db``), which becomes a savepoint inside that
transaction: whatever a test writes is undone, the shared rows stay. Only for tests that use ``db``; a
``transactional_db`` test would flush the shared rows away.

The objects handed to the tests are built once: a test must not rely on changing them in memory.
"""

import sys
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def rows_for_the_module(django_db_blocker, build):
    """Yields what ``build()`` returns; its rows last until the ``with`` block ends."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(*sys.exc_info())
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
