"""Where to send a person after a form: a local ``next`` address, never another site."""

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, fallback):
    """The ``next`` of the POST or GET if it stays on this site, else ``fallback`` (a URL name or path)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path only: « mon-espace » would be read by redirect() as a URL name, and fail.
    local = target.startswith("/") and not target.startswith("//")
    if local and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback if fallback.startswith("/") else reverse(fallback)


def posted(request):
    """The POST data when the form was sent (even empty, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None
