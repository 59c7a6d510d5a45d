from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import Http404

MAX_PAGE_DIGITS = 6
PAGE_PARAM = "page"


class _CountedPaginator(Paginator):
    """A paginator told its number of objects (counted elsewhere, without a ``COUNT`` scan)."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self):
        return self._known_count


def paginate(params, queryset, per_page, count=None):
    """The requested page; a page number that is not a positive integer is a 400, one past the end a 404.
    ``count``, when known (the facet index's), spares the ``COUNT`` query over the whole list."""
    raw = params.get(PAGE_PARAM, "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_PAGE_DIGITS or int(raw) < 1:
        raise BadRequest("Le numéro de page doit être un nombre entier positif.")
    paginator = Paginator(queryset, per_page) if count is None else _CountedPaginator(queryset, per_page, count=count)
    number = int(raw)
    if number > max(paginator.num_pages, 1):
        raise Http404("Cette page de résultats n’existe pas.")
    page = paginator.page(number)
    # A compact « 1 … 4 5 6 … 40 » range: the list stays short whatever the catalogue size.
    page.elided_range = list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))
    return page
