"""The « Se désabonner » button of mail programs (RFC 8058: the List-Unsubscribe and List-Unsubscribe-Post headers
of the alerts and the letter), shared by their one-click addresses."""

from functools import wraps

from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods


def one_click(page, incomplete):
    """The decorated view runs on a POST that carries ``List-Unsubscribe=One-Click``; a GET (a person who opened the
    address) leads to ``page``, the page with the buttons; any other POST is refused with ``incomplete``.

    The mail program POSTs without a form, hence without a CSRF token. CSRF protects an ambient credential (a
    session cookie) from another site's forms; here the credential is the signed link itself, which whoever holds it
    can use anyway: nothing to protect, hence csrf_exempt."""
    def decorator(view):
        @csrf_exempt
        @require_http_methods(["GET", "POST"])
        @wraps(view)
        def wrapped(request, token):
            if request.method == "GET":
                return redirect(page, token=token)
            if request.POST.get("List-Unsubscribe") != "One-Click":
                return HttpResponse(incomplete, status=400, content_type="text/plain; charset=utf-8")
            return view(request, token)
        return wrapped
    return decorator
