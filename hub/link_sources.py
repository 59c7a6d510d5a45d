"""Every external address written in the content, and where each is used (the ``check_links`` command).

Found by looking, not by a list kept by hand: for every content model (``core.content_cache.is_content_model``), its
``URLField``s and its rendered HTML fields (``*_html``: the ``<a href>`` of bodies, definitions, descriptions); a
field added later is checked without anyone remembering to. One query per model that has such fields, whatever
the number of rows (the owner an inline row is edited in comes with it through ``select_related``).

Only ``http`` and ``https`` addresses count; ``mailto:``, ``tel:``, relative links (the hub's own pages, written
``/fiches/…`` by the renderer) and absolute links to the hub itself (HUB_SITE_URL) are left out. The fragment is
dropped: ``page#a`` and ``page#b`` are one address to check.

A place is stored with the check (``LinkCheck.used_in``) as plain data: the admin, in a lower layer, must not import
this module, and its list then costs one query instead of reading every body of the content on each view.
"""

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit, urlunsplit

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

from core.content_cache import is_content_model

HTML_SUFFIX = "_html"
MAX_URL_LENGTH = 2000  # LinkCheck.url; a longer address is not a link anybody typed


@dataclass(frozen=True)
class Place:
    """Where an address is written: the object to open in the admin (an inline row opens its owner at the inline),
    and the field, both in words."""

    model: str  # app_label.model_name of the object whose admin page edits the field
    pk: int
    anchor: str  # "" or the id of the inline group on that page
    label: str  # « Fiche «\u00a0Le mécénat\u00a0» »
    field: str  # « corps (Markdown) », « source\u00a0: adresse »

    def as_json(self):
        return {"model": self.model, "pk": self.pk, "anchor": self.anchor, "label": self.label, "field": self.field}


class _HrefParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def hrefs_in(html):
    parser = _HrefParser()
    parser.feed(html)
    parser.close()
    return parser.hrefs


def external_url(raw):
    """The address to check (without its fragment), or None when it is not an external http(s) address."""
    value = (raw or "").strip()
    try:
        parts = urlsplit(value)
    except ValueError:  # « http://[oops »: kept out, the admin's validation refuses such addresses anyway
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    if parts.netloc.lower() == urlsplit(settings.HUB_SITE_URL).netloc:
        return None  # the hub's own pages: the test suite checks them, not this job
    url = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))
    return url if len(url) <= MAX_URL_LENGTH else None


def _link_fields(model):
    """(URL fields, HTML fields) of a model, concrete ones only."""
    fields = model._meta.concrete_fields
    url_fields = [field for field in fields if isinstance(field, models.URLField)]
    html_fields = [field for field in fields if isinstance(field, models.TextField) and field.name.endswith(HTML_SUFFIX)]
    return url_fields, html_fields


def _owner_field(model):
    """For a model edited inline (not in the admin itself, like a fiche's sources): its ForeignKey to the model
    whose admin page edits it; None for a model with its own admin page (or none at all)."""
    if admin.site.is_registered(model):
        return None
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and admin.site.is_registered(field.related_model):
            return field
    return None


def _field_words(model, field):
    """The field staff type into: « corps (Markdown) » for body_html, rendered from body."""
    name = field.name.removesuffix(HTML_SUFFIX) if field.name.endswith(HTML_SUFFIX) else field.name
    try:
        source = model._meta.get_field(name)
    except FieldDoesNotExist:  # a rendered field without its source keeps its own name
        source = field
    return str(source.verbose_name)


def _describe(model, owner_field, obj, field):
    if owner_field is None:
        target, anchor, field_words = obj, "", _field_words(model, field)
    else:
        target = getattr(obj, owner_field.name)
        anchor = f"{owner_field.remote_field.get_accessor_name()}-group"  # Django's id of the inline group
        field_words = f"{model._meta.verbose_name}\u00a0: {_field_words(model, field)}"
    opts = target._meta
    label = f"{capfirst(opts.verbose_name)} «\u00a0{target}\u00a0»"
    return Place(opts.label_lower, target.pk, anchor, label, field_words)


def content_link_models():
    """[(model, URL fields, HTML fields, owner field)] for every content model with somewhere to write a link."""
    found = []
    for model in apps.get_models():
        if not is_content_model(model):
            continue
        url_fields, html_fields = _link_fields(model)
        if url_fields or html_fields:
            found.append((model, url_fields, html_fields, _owner_field(model)))
    return found


def collect_links():
    """{address: [Place, …]} for every external address of the content; one query per model with link fields."""
    links = {}
    for model, url_fields, html_fields, owner_field in content_link_models():
        rows = model._default_manager.order_by("pk")
        if owner_field is not None:
            rows = rows.select_related(owner_field.name)
        for obj in rows:
            for field in url_fields:
                _add(links, getattr(obj, field.attname), model, owner_field, obj, field)
            for field in html_fields:
                for href in hrefs_in(getattr(obj, field.attname) or ""):
                    _add(links, href, model, owner_field, obj, field)
    return links


def _add(links, raw, model, owner_field, obj, field):
    url = external_url(raw)
    if url is None:
        return
    place = _describe(model, owner_field, obj, field)
    places = links.setdefault(url, [])
    if place not in places:  # one body may link the same page twice
        places.append(place)
