"""HTML to PDF with WeasyPrint, which reads nothing from the network: only ``data:`` addresses and the site's own
static files, read from disk.

WeasyPrint needs pango (a system library, installed with Chromium in CI and on the servers). It is imported inside
the functions, never at the top of a module: where pango is missing the site still starts and works, and
``pdf_available()`` says so, so that pages hide their PDF link.

The trap: a page rendered for the PDF must not let a person's text (an answer, a decision) make the server fetch
an address; ``StaticFilesFetcher`` refuses everything but the static files and ``data:``.
"""

import functools
import mimetypes
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation


class AddressRefused(ValueError):
    """An address the PDF may not read: anything but ``data:`` and the site's own static files."""


@functools.cache
def pdf_available():
    """True when WeasyPrint and the system libraries it needs (pango) can be loaded; tried once per process."""
    try:
        import weasyprint  # noqa: F401  (loading it is the test: it needs pango)
    except (ImportError, OSError):
        return False
    return True


def static_file(name):
    """The path on disk of the static file ``name`` (its source, or its collected copy with a hashed name in
    production), or None. ``..`` and absolute names are refused by the finders and the storage alike."""
    try:
        found = finders.find(name)
        if found:
            return found
        if staticfiles_storage.exists(name):
            return staticfiles_storage.path(name)
    except (SuspiciousFileOperation, NotImplementedError, ValueError):
        return None
    return None


def static_name(url, origin):
    """``css/print.css`` for ``<origin>/static/css/print.css``; None for any other address (another host, another
    path, a query string, a file: address)."""
    if not url.startswith(origin):
        return None
    parts = urlsplit(url[len(origin):])
    if parts.scheme or parts.netloc or parts.query or not parts.path.startswith(settings.STATIC_URL):
        return None
    name = unquote(parts.path[len(settings.STATIC_URL):])
    return name or None


# What an SVG drawing reads from CSS; a page's layout properties (width, display…) would resize the drawing itself.
SVG_PROPERTIES = ("fill", "stroke", "font", "paint-order", "opacity", "text-anchor", "dominant-baseline")
COMMENT = re.compile(r"/\*.*?\*/", re.S)
TOKEN = re.compile(r"(--[\w-]+)\s*:\s*([^;}]+)")
VAR = re.compile(r"var\((--[\w-]+)(?:\s*,\s*([^)]*))?\)")


def _top_level_rules(css):
    """(selector, declarations) of the rules outside any at-rule (@media, @page): a stylesheet of the hub, written
    by us, with no brace inside a string."""
    rules, depth, start, opened = [], 0, 0, 0
    for index, char in enumerate(css):
        if char == "{":
            opened = index if depth == 0 else opened
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                rules.append((css[start:opened].strip(), css[opened + 1:index]))
                start = index + 1
    return rules


def _read_static(name):
    path = static_file(name)
    with open(path, encoding="utf-8") as file:
        return COMMENT.sub("", file.read())


@functools.cache
def svg_stylesheet(names, prefixes, tokens="css/tokens.css"):
    """The drawing rules (fill, stroke, font…) of the static stylesheets ``names`` whose selectors all start with
    one of ``prefixes``, each ``var(--x)`` replaced by its value in ``tokens``. WeasyPrint draws an inline SVG
    apart from the page: only the SVG's own ``<style>`` applies, and custom properties are unknown there. Read from
    the page's stylesheets, so that the PDF's charts keep the page's colours."""
    values = dict(TOKEN.findall(_read_static(tokens)))

    def resolve(text):
        return VAR.sub(lambda m: values.get(m[1], m[2] or "").strip(), text)

    rules = []
    for name in names:
        for selector, body in _top_level_rules(_read_static(name)):
            parts = [part.strip() for part in selector.split(",")]
            if all(part.startswith(prefixes) for part in parts):
                rules.append((selector, parts, [d.strip() for d in body.split(";") if d.strip().startswith(SVG_PROPERTIES)]))
    # A halo under the text (paint-order: stroke): WeasyPrint ignores paint-order and would draw the halo over the
    # letters, hollowing them. The halo goes, and so does the stroke of its variants (.hub-stacks__value--public).
    haloed = tuple(part for _, parts, declarations in rules if any(d.startswith("paint-order") for d in declarations)
                   for part in parts)
    kept = []
    for selector, parts, declarations in rules:
        if any(part == halo or part.startswith(f"{halo}--") for part in parts for halo in haloed):
            declarations = [d for d in declarations if not d.startswith(("paint-order", "stroke"))]
        if declarations:
            kept.append(f"{selector} {{ {resolve('; '.join(declarations))} }}")
    return "\n".join(kept)


def fetcher_class():
    """The WeasyPrint URL fetcher of the hub (a subclass of its ``URLFetcher``, as its documentation asks)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Reads ``data:`` addresses and the static files under ``origin`` from disk; refuses any other."""

        def __init__(self, origin, **kwargs):
            super().__init__(allowed_protocols=("data", "http", "https"), allow_redirects=False, **kwargs)
            self.origin = origin.rstrip("/")

        def fetch(self, url, headers=None):
            if url.lower().startswith("data:"):
                return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
            name = static_name(url, self.origin)
            path = static_file(name) if name else None
            if path is None:
                raise AddressRefused(f"Adresse refusée dans un PDF du hub\u00a0: {url}")
            with open(path, "rb") as file:
                body = file.read()
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    return StaticFilesFetcher


def pdf_document(html, *, origin):
    """WeasyPrint's laid-out document for ``html``, whose relative addresses are read against ``origin`` (the
    site's scheme and host): ``.write_pdf()`` gives the bytes, ``.pages`` the sheets."""
    from weasyprint import HTML

    fetcher = fetcher_class()(origin)
    return HTML(string=html, base_url=f"{origin.rstrip('/')}/", url_fetcher=fetcher, media_type="print").render()
