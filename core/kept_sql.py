"""The SQL of a queryset compiled by the ORM once, then run with each request's values.

Compiling a queryset costs Python at every request (1–1.5 ms for the search's matches or a fiche with its flags,
a tenth of those pages when nothing is cached), although its SQL changes only with its shape. The queryset is
compiled once with stand-ins, ``MOMENT`` for the present moment and ``stand_in(name)`` for a value, and each call
puts its own values in their places. Only the compiled parameters are replaced, never the values put in: a value
typed by someone is never read as a stand-in. The tests compare the result with a fresh compile.
"""

import datetime

from django.db import connection

from core.content_cache import process_cache

# No request happens at this microsecond of 1970, and no value compiled into a query holds a NUL.
MOMENT = datetime.datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=datetime.timezone.utc)


def stand_in(name):
    return f"\x00{name}"


_compiled = {}
process_cache(_compiled.clear)


def kept_sql(key, compile_sql, now, **values):
    """(sql, params) of ``compile_sql()`` (a queryset's ``query.sql_with_params()`` built with the stand-ins),
    compiled once for ``key`` by this process, with ``now`` in place of ``MOMENT`` and ``values[name]`` in place of
    ``stand_in(name)``."""
    if key not in _compiled:
        _compiled[key] = compile_sql()
    sql, params = _compiled[key]
    adapt = connection.ops.adapt_datetimefield_value  # SQLite compiles a moment as text
    replaced = {MOMENT: now, adapt(MOMENT): adapt(now)}
    replaced.update((stand_in(name), value) for name, value in values.items())
    return sql, tuple(replaced.get(param, param) if isinstance(param, (str, datetime.datetime)) else param
                      for param in params)
