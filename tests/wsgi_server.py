"""Django's own WSGI handler, called the way a WSGI server calls it: the answer first, then ``close()``.

The test client closes the response before it hands it back, so it cannot show what happens between the moment the
body is sent and the moment the server closes the response (core.after_response runs its work then).
"""

import io
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

# A CSRF secret sent both as the cookie and as the form field, which Django accepts (unmasked, 32 characters).
CSRF_SECRET = "a" * 32


@dataclass
class Answer:
    status: str
    headers: list
    body: bytes
    iterable: object  # what the server closes once it has sent the body

    def header(self, name):
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


@contextmanager
def wsgi_server():
    """Yield ``send(method, path, data=None, host="testserver")``, which returns the Answer, body read, not closed.

    As the test client does, Django's ``close_old_connections`` is kept away from the requests: it would close the
    test's own database connection, inside the test's transaction.
    """
    handler = WSGIHandler()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield lambda method, path, data=None, host="testserver": _send(handler, method, path, data, host)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _send(handler, method, path, data, host):
    body = urlencode({**(data or {}), "csrfmiddlewaretoken": CSRF_SECRET}).encode() if method == "POST" else b""
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": host,
        "HTTP_COOKIE": f"csrftoken={CSRF_SECRET}", "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
    }
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=headers)

    iterable = handler(environ, start_response)
    return Answer(started["status"], started["headers"], b"".join(iterable), iterable)
