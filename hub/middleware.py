from django.conf import settings
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers to every response that has none yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class PrivatePagesMiddleware:
    """Marks ``Cache-Control: private, no-store`` every response built from a session: a shared cache (a CDN, a
    company proxy) must not keep one person's page for another, nor the browser keep it for the back button after
    a log-out. ``Vary: Cookie`` alone is not enough: many caches ignore it.

    A response depends on the session when the view read a session that holds something (a logged-in person, a
    visitor's progress or diagnostics) or wrote one. A visitor without a session reads an empty one: the page is
    the same for everyone and stays cacheable (core.content_cache). A view that already said ``private`` or
    ``no-store`` (``never_cache``, the admin's translation catalogue kept a day by the browser) is left as it is.
    Sits just inside SessionMiddleware, so that it sees what every inner layer did with the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not (session.modified or (session.accessed and not session.is_empty())):
            return response
        directives = {part.split("=", 1)[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}
        if not directives & {"private", "no-store"}:
            response.headers.pop("Cache-Control", None)  # a « public » or a « max-age » would contradict it
            patch_cache_control(response, private=True, no_store=True)
        return response


class MethodNotAllowedPageMiddleware:
    """Gives Django's empty 405 (``require_POST``: an address a form posts to, opened from the address bar) a page
    in French that says what happened, keeping its ``Allow`` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and request.method != "HEAD":
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
