"""PostgreSQL for the tests, with one difference: emptying the tables after a transactional test (the live server's
browser tests, the races) deletes their rows instead of truncating them.

TRUNCATE gives each of the ~90 tables and their indexes new files: 0.6 s a test on an idle machine, up to 2 s on CI,
for tables that hold a few hundred rows. DELETE empties them in milliseconds. Django creates every foreign key
DEFERRABLE INITIALLY DEFERRED and runs the flush in one transaction, so the order of the deletions does not matter:
at commit, nothing is left to point anywhere. Everything else is Django's own backend (a documented extension point:
ENGINE names a package whose ``base`` module holds a ``DatabaseWrapper``).
"""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
