"""The glossary: an alphabetical index with letter anchors, and one page per term."""

from functools import lru_cache
from itertools import groupby

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from core.content_cache import shared_page
from resources import content_files
from resources.models import Fiche, GlossaryTerm


@lru_cache(maxsize=1)
def shipped_references():
    """{slug: reference} from fixtures/references/*.toml, read once per process (the files ship with the code)."""
    return content_files.load_references()


def cited_references(term):
    """The references a term cites, in its order; a slug the files lack is shown as it is, without an address."""
    known = shipped_references()
    return [known.get(slug, {"slug": slug, "title": slug}) for slug in term.source_list]


def _letter(term):
    first = term.sort_term[:1].upper()
    return first if first.isalpha() else "#"


@shared_page
def glossary_index(request):
    terms = list(GlossaryTerm.objects.for_index())  # one query
    letters = [(letter, list(group)) for letter, group in groupby(terms, key=_letter)]
    return render(request, "resources/glossary_index.html", {"letters": letters, "count": len(terms)})


@shared_page
def glossary_detail(request, slug):
    terms = GlossaryTerm.objects.prefetch_related(
        Prefetch("related_fiches", queryset=Fiche.objects.published().for_cards()),
        Prefetch("see_also", queryset=GlossaryTerm.objects.for_index()),
    )
    term = get_object_or_404(terms, slug=slug)
    ctx = {"term": term, "references": cited_references(term)}
    return render(request, "resources/glossary_detail.html", ctx)
