"""The fiche list (faceted, searchable) and the fiche detail page."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import BadRequest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from taggit.models import Tag, TaggedItem

from core.clients import client_group
from core.content_cache import PARTIAL_HEADER, cached, canonical_query, shared_page, wants_partial
from core.kept_sql import MOMENT, kept_sql, stand_in
from resources.catalogue import build_catalogue, catalogue_params
from resources.filters import oversized_facets
from resources.models import Fiche, FicheSource, Worksheet
from resources.models.fiche import with_card_levers
from resources.references import source_list
from resources.vocabularies import fiche_classement


@shared_page
def fiche_list(request):
    params = catalogue_params(request.GET)  # other parameters (utm_source…) are ignored
    too_many = oversized_facets(params)
    if too_many:
        raise BadRequest(f"Trop de valeurs pour le filtre {', '.join(too_many)}.")
    # The results and facets depend on the query and the content only: the same for everyone, kept in the content
    # cache for each query (unless some of it was ignored: a 400 is not worth keeping), within the budget of new
    # entries of whoever asked first.
    listing = cached("fiches", canonical_query(params), build=lambda: _listing(params),
                     keep=lambda listing: listing.status == 200, client=client_group(request))
    if wants_partial(request):
        response = HttpResponse(listing.html, status=listing.status)
    else:
        response = render(request, "resources/fiche_list.html", {"listing": listing}, status=listing.status)
    patch_vary_headers(response, [PARTIAL_HEADER])
    return response


@dataclass(frozen=True)
class Listing:
    status: int
    query: str
    number: int
    html: str  # resources/_results.html, rendered
    # The head's link to the feed of the same filters (defaults: entries cached before these fields existed).
    filters_query: str = ""
    summary: str = "Toutes les fiches"


def _listing(params):
    catalogue = build_catalogue(params)
    # No request, so nothing personal; the site's name (in the title catalogue.js sets) is given directly.
    html = render_to_string("resources/_results.html", {"catalogue": catalogue, "site_name": settings.SITE_NAME})
    return Listing(400 if catalogue.ignored else 200, catalogue.query, catalogue.page.number, html,
                   catalogue.filters_query, catalogue.summary)


# The « Classement » of a fiche page, in this order: (Fiche many-to-many, heading, catalogue parameter).
CLASSEMENT = (
    ("levers", "Leviers", "levier"),
    ("components", "Composantes", "composante"),
    ("objectives", "Objectifs", "objectif"),
    ("actor_kinds", "Types d’acteurs", "acteur"),
    ("actor_profiles", "Profils d’acteurs", "profil"),
    ("domains", "Domaines", "domaine"),
    ("regions", "Régions", "region"),
    ("entry_doors", "Portes d’entrée", "porte"),
    ("impacts", "Impacts", "impact"),
    ("referentiel_parts", "Parties du référentiel", "partie"),
    ("economies", "Économies", "economie"),
    ("tools", "Outils cités", "outil"),
)


def classement_groups(fiche_pk):
    """[(heading, parameter, [ClassementValue])] of the vocabularies that classify this fiche, in one query."""
    found = fiche_classement(fiche_pk)
    return [(title, param, found[field]) for field, title, param in CLASSEMENT if field in found]


def _relation_flags():
    """{name: whether the fiche has any source, related fiche or worksheet}, read with the fiche: most fiches have
    none of some, and a prefetch of an empty relation still cost a compiled query (~0.5 ms). Written as SQL (an
    EXISTS each): three ``Exists()`` compiled as much ORM as the queries they spared."""
    table = Fiche._meta.db_table
    related = Fiche.related.through
    relations = {
        "has_sources": (FicheSource._meta.db_table, FicheSource._meta.get_field("fiche").column),
        "has_related": (related._meta.db_table, related._meta.get_field("from_fiche").column),
        "has_worksheets": (Worksheet.fiches.through._meta.db_table,
                           Worksheet.fiches.through._meta.get_field("fiche").column),
    }
    return {
        name: RawSQL(f'EXISTS (SELECT 1 FROM "{links}" r WHERE r."{column}" = "{table}"."id")', [],  # nosec B608 B611
                     output_field=BooleanField())
        for name, (links, column) in relations.items()
    }


def fiche_relations(fiche):
    """(sources, related fiches, worksheets) a fiche page shows beside its text, its tags and its classement; the
    related fiches are those visible now. ``fiche`` carries ``_relation_flags``: only the relations it has are read."""
    sources = FicheSource.objects.select_related("reference").filter(fiche=fiche.pk) if fiche.has_sources else []
    links = Fiche.related.through.objects.filter(from_fiche_id=fiche.pk).values("to_fiche_id")  # as fiche.related
    related = Fiche.objects.published().card_fields().filter(pk__in=links) if fiche.has_related else []
    worksheets = Worksheet.objects.for_list().filter(fiches=fiche.pk) if fiche.has_worksheets else []
    return source_list(sources), with_card_levers(related), list(worksheets)


def _with_flags(fiches, slug):
    return fiches.annotate(**_relation_flags()).filter(slug=slug).order_by("pk")[:1]


def _published_fiche(slug):
    """The fiche published now at this address, with its ``_relation_flags``, or None: its SQL compiled once
    (core.kept_sql), where compiling it cost a millisecond a page."""
    sql, params = kept_sql(
        "fiche page", lambda: _with_flags(Fiche.objects.visible_at(MOMENT), stand_in("slug")).query.sql_with_params(),
        timezone.now(), slug=slug,
    )
    return next(iter(Fiche.objects.raw(sql, params)), None)


def fiche_tags(fiche_pk):
    """[Tag] of a fiche in the order they were given, in one plain query: taggit's prefetch compiled ~1.5 ms of
    Python for a few rows."""
    fiche_type = ContentType.objects.get_for_model(Fiche)  # kept by Django once read
    links, tags = TaggedItem._meta.db_table, Tag._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT t."id", t."name", t."slug" FROM "{links}" i INNER JOIN "{tags}" t ON t."id" = i."tag_id" '  # nosec B608
            'WHERE i."content_type_id" = %s AND i."object_id" = %s ORDER BY i."id"',
            [fiche_type.pk, fiche_pk],
        )
        return [Tag(id=pk, name=name, slug=slug) for pk, name, slug in cursor.fetchall()]


def _fiche_and_content(fiche):
    """(fiche, its classification, tags, sources and related fiches and worksheets as HTML), or None; 3 queries
    (the fiche with its flags, its tags, its classement), and one more for each relation it has (two for related
    fiches)."""
    if fiche is None:
        return None
    sources, related, worksheets = fiche_relations(fiche)
    ctx = {"fiche": fiche, "tags": fiche_tags(fiche.pk), "sources": sources, "related": related,
           "worksheets": worksheets, "classement": classement_groups(fiche.pk)}
    return fiche, render_to_string("resources/_fiche_content.html", ctx)


def fiche_detail(request, slug):
    # A published fiche is the same for everyone but its « Sauvegarder » button: the rest comes from the content
    # cache; a draft (shown to staff only) is rendered afresh.
    found = cached("fiche", slug, build=lambda: _fiche_and_content(_published_fiche(slug)))
    if found is None and request.user.is_staff:
        found = _fiche_and_content(_with_flags(Fiche.objects.visible_to(request.user), slug).first())
    if found is None:
        raise Http404("Fiche introuvable")
    fiche, content = found
    # ``content`` is the SafeString that render_to_string returned (pickling keeps its class).
    return render(request, "resources/fiche_detail.html", {"fiche": fiche, "content": content})
