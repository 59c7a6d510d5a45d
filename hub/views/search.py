"""The site-wide search page: fiches first, then the référentiel's other pages."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse

from core.clients import client_group
from core.content_cache import cached

from parcours.search import search_steps
from resources.feeds import feed_response, search_params
from resources.query import MAX_QUERY_LENGTH, parse_query
from resources.search import (
    best_matches, excerpts, prepare_query, search_glossary, search_pages, suggest,
)

FICHE_RESULTS = 10


@dataclass
class SearchHit:
    kicker: str
    title: str
    url: str
    summary: str


def _referentiel_hits(parsed):
    return [SearchHit(kind.singular, label, url, description) for kind, label, url, description in search_pages(parsed)]


def _glossary_hits(parsed):
    return [SearchHit("Glossaire", term, url, extract) for term, url, extract in search_glossary(parsed)]


def _step_hits(parsed):
    return [
        SearchHit(f"Parcours « {parcours} »", title, url, objective)
        for parcours, title, url, objective in search_steps(parsed)
    ]


# The sections shown after the fiches: (id, heading, function parsed query -> [SearchHit]).
# Another kind of page (parcours steps…) joins the search by adding one line here.
SECTIONS = [
    ("res-glossaire", "Glossaire", _glossary_hits),
    ("res-pages", "Leviers, composantes et vocabulaires", _referentiel_hits),
    ("res-etapes", "Étapes des parcours", _step_hits),
]


@dataclass(frozen=True)
class Found:
    query: str
    html: str  # hub/_search_content.html, rendered
    feed_path: str = ""  # the head's link to the feed of the same words (none without words to search)


def search(request):
    # Results depend on the words and the content only: kept in the content cache for each query, within the
    # budget of new entries of whoever asked first. Keyed on what the page reads: the last « q » as the parser
    # keeps it (MAX_QUERY_LENGTH characters at most, no NUL), whether it was cut, whether « q » was repeated; other
    # parameters, or what lies past the cut, cannot multiply entries.
    kept = parse_query(request.GET.get("q", ""))
    text, truncated, repeated = kept.raw, kept.truncated, len(request.GET.getlist("q")) > 1
    found = cached("search", text, truncated, repeated, build=lambda: _found(text, truncated, repeated),
                   client=client_group(request))
    return render(request, "hub/search.html", {"found": found})


def search_feed(request):
    """/recherche/flux.atom?q=…: the Atom feed of the fiches these words find (resources.feeds)."""
    return feed_response(request, kind="recherche", params=search_params(request.GET))


def _found(text, truncated, repeated):
    parsed = prepare_query(text)  # already cut: ``truncated`` says whether it was
    fiches, total, sections, suggestion = [], 0, [], None
    if parsed:
        fiches, total = best_matches(parsed, FICHE_RESULTS)
        found = excerpts(fiches, parsed)
        for fiche in fiches:
            fiche.excerpt = found.get(fiche.pk)
        sections = [(anchor, heading, hits(parsed)) for anchor, heading, hits in SECTIONS]
        if not total and not any(found for _, _, found in sections):
            suggestion = suggest(parsed)
    words = parsed.raw.strip()
    follow = {"q": words} if parsed else None
    ctx = {
        "query": words,
        "parsed": parsed,
        "fiches": fiches,
        "total": total,
        "sections": sections,
        "suggestion": suggestion,
        "truncated": truncated,
        "max_length": MAX_QUERY_LENGTH,
        "repeated": repeated,
        # Followed by e-mail or in a feed reader: the words the page used (resources.feeds, rendezvous.alerts).
        "follow_path": f"{reverse('hub:search')}?{urlencode(follow)}" if follow else "",
        "feed_path": f"{reverse('hub:search_feed')}?{urlencode(follow)}" if follow else "",
    }
    # No request: nothing personal.
    return Found(words, render_to_string("hub/_search_content.html", ctx), ctx["feed_path"])
