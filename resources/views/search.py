"""The site-wide search page: fiches first, then the référentiel's other pages."""

from django.shortcuts import render

from resources.models import Fiche
from resources.query import MAX_QUERY_LENGTH
from resources.search import excerpts, prepare_query, search_fiches, search_pages, suggest

FICHE_RESULTS = 10


def search(request):
    raw = request.GET.get("q", "")
    parsed = prepare_query(raw)
    fiches, total, pages, suggestion = [], 0, [], None
    if parsed:
        matches = search_fiches(Fiche.objects.published().for_cards(), parsed).order_by("-rank", "-published_at", "pk")
        total = matches.count()
        fiches = list(matches[:FICHE_RESULTS])
        found = excerpts(fiches, parsed)
        for fiche in fiches:
            fiche.excerpt = found.get(fiche.pk)
        pages = search_pages(parsed)
        if not total and not pages:
            suggestion = suggest(parsed)
    ctx = {
        "query": parsed.raw.strip(),
        "parsed": parsed,
        "fiches": fiches,
        "total": total,
        "pages": pages,
        "suggestion": suggestion,
        "truncated": parsed.truncated,
        "max_length": MAX_QUERY_LENGTH,
        "repeated": len(request.GET.getlist("q")) > 1,
    }
    return render(request, "resources/search.html", ctx)
