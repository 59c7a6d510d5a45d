"""The e-mails the live server sends: it runs in this process with Django's test backend (``mail.outbox``)."""

import time

from django.core import mail

from tests.signup import confirmation_link


def sent_message(number, timeout=5.0):
    """The ``number``-th e-mail of the test (1 for the first). The server sends it once the page is out
    (core.after_response), which may be just after the browser shows that page: poll for it, briefly."""
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < number:
        assert time.monotonic() < deadline, f"le courriel n°{number} n’est jamais parti"
        time.sleep(0.02)
    return mail.outbox[number - 1]


def activation_path(number=1):
    """Where the confirmation link of the ``number``-th e-mail leads on the live server (path and query)."""
    return confirmation_link(sent_message(number))[1]
