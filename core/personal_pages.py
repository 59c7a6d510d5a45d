"""A personal page rendered once per content version and state by each process, the person's own text written in
at each request.

A step page shows content, a person's state (the statuses of the parcours' steps, their level) and two things of
their own: their note and the CSRF token of its forms. The state is shared by many people at a time (everyone who
has not started, everyone at step 3…); the note and the token are not. So the page is rendered once per state with
*slots* where the note and the token go (``slot(name)``: a marker with a random part drawn by each process, which no
content can contain), kept by the process (``content_cache.remembered``, under the content version), and each
request writes its own values into the slots, in one pass, so that a value is never read as a slot.

The key of a page must say everything it shows that is neither content nor a slot. A request with messages to
show (« Vos notes sont enregistrées. ») is rendered in full: the messages are read once, and only there."""

import re
import secrets

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token

from core import content_cache

_PROCESS_MARK = secrets.token_hex(12)
_SLOT = re.compile(rf"hub-slot-{_PROCESS_MARK}-([a-z]+)-")
CSRF = "csrf"


def slot(name):
    """Where ``name``'s value goes in the page (letters only: a marker stays the same once escaped)."""
    if not name.isalpha() or not name.islower():
        raise ValueError(f"Nom d’emplacement invalide : {name!r}")
    return f"hub-slot-{_PROCESS_MARK}-{name}-"


def _has_messages(request):
    return bool(len(get_messages(request)))


def personal_page(request, kind, values, render, personal):
    """The response of ``render(slots)``, a rendered page whose ``personal`` values (name → HTML, already
    escaped) were left as ``slots[name]``, and whose CSRF token is ``slots["csrf"]``: the view puts it in its
    context as ``csrf_token``. ``render(None)`` renders the page with the real values (for a request with
    messages). ``values`` must say everything else of the person's that the page shows."""
    if _has_messages(request):
        return render(None)
    slots = {name: slot(name) for name in (CSRF, *personal)}

    def build():
        response = render(slots)
        if response.status_code != 200:
            raise ValueError("Seule une page servie (200) a un squelette.")
        return response.content.decode(response.charset)

    skeleton = content_cache.remembered(kind, *values, build=build, store=content_cache.page_skeletons)
    own = dict(personal)

    def fill(match):
        name = match.group(1)
        if name == CSRF and CSRF not in own:
            own[CSRF] = get_token(request)  # only when the page has a form: it may set the CSRF cookie
        return own[name]

    return HttpResponse(_SLOT.sub(fill, skeleton))
