"""The glossary: an alphabetical index with letter anchors, and one page per term."""

from itertools import groupby

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from core.content_cache import shared_page
from resources.models import Fiche, GlossaryTerm, Reference


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
        Prefetch("references", queryset=Reference.objects.order_by("sort_key", "pk")),
    )
    term = get_object_or_404(terms, slug=slug)
    ctx = {"term": term, "references": term.references.all()}
    return render(request, "resources/glossary_detail.html", ctx)
