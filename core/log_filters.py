"""Logging filters for faults: one line per refused request, the traceback only for the server's own errors."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx answer (a « statut » or a « niveau » the form refuses, a forbidden page) logs its one-line message
    without the traceback: it points at the line that refused the request, which the message already names, and a
    scanner sending bad values would bury real errors under them. 5xx records keep theirs.

    Attached to a logger (``django.request``), not a handler, so that every handler sees the short record. Reads
    ``status_code``, which Django's request logging adds to each record.
    """

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
