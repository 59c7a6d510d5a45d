"""Work a request starts but the visitor does not wait for: it runs once the response has been sent.

``after_response(function, *args, **kwargs)`` queues the call while a request is being served and runs it on
Django's ``request_finished`` signal, which the WSGI server fires when it closes the response, after the last byte
of the body was written (the test client fires it too, when the view returns: ``mail.outbox`` is filled by then).
Outside a request (a management command, the shell, a view called directly), the call runs at once.

What it is for: answers that must not depend on what the work finds. Sending a password reset link to an address
that has an account takes tens of milliseconds more than to one that has none; done after the response, both
answers take the same time. It is not a job queue: the work runs in the worker that served the request (which
serves no one else meanwhile), once, and is lost if the process dies. Anything sent in bulk or on a schedule is a
management command (CONVENTIONS 23).

The trap: a failure cannot reach the visitor any more. Each call is logged on failure, and the next one still runs.
Never log the arguments: they may carry a password.
"""

import logging
from contextvars import ContextVar

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

logger = logging.getLogger(__name__)

# The calls queued by the request being served in this thread; None outside a request.
_queue = ContextVar("hub_after_response", default=None)


def after_response(function, *args, **kwargs):
    """Call ``function(*args, **kwargs)`` once the current response is sent, or at once outside a request."""
    queue = _queue.get()
    if queue is None:
        _run(function, args, kwargs)
    else:
        queue.append((function, args, kwargs))


def _run(function, args, kwargs):
    try:
        function(*args, **kwargs)
    except Exception:
        logger.exception("Travail après la réponse en échec : %s", getattr(function, "__qualname__", function))


def _start(**kwargs):
    leftover = _queue.get()
    if leftover:
        logger.error("%d travaux après réponse abandonnés : la réponse précédente n’a jamais été fermée.", len(leftover))
    _queue.set([])


def _finish(**kwargs):
    queue = _queue.get()
    _queue.set(None)  # what the work itself queues runs at once
    for function, args, kwargs_ in queue or ():
        _run(function, args, kwargs_)


def connect():
    """Called once by CoreConfig.ready().

    The queue runs before Django's own ``close_old_connections`` receiver: the work uses the request's database
    connection, which is then closed or kept like after any request (the receivers of a signal run in the order
    they were connected, hence the reconnection: both functions are public, no private state is touched). The test
    client disconnects that receiver around ``response.close()`` and connects it back: the queue still runs.
    """
    request_started.connect(_start, dispatch_uid="hub-after-response-start")
    request_finished.disconnect(close_old_connections)
    request_finished.connect(_finish, dispatch_uid="hub-after-response-finish")
    request_finished.connect(close_old_connections)
