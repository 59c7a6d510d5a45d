"""The fiche catalogue: filtered and sorted results, facets with counts, active filters, what was ignored.

Counts follow standard faceted semantics: each option counts the published fiches it would give with the
*other* active filters (and the text query) applied, from the bitmaps of resources.facet_index; the panel adds two
queries (vocabulary options, tag names), whatever the catalogue size.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from taggit.models import Tag

from resources.facet_index import current_index, facet_counts_and_matches
from resources.filters import SINGLE_VALUE_PARAMS, SORT_LABELS, FicheFilter
from resources.models import Fiche
from resources.models.fiche import with_card_levers
from resources.pagination import PAGE_PARAM, paginate
from resources.search import excerpts
from resources.vocabularies import vocabulary_rows

PER_PAGE = 12
TAG_OPTIONS = 15
# The facets shown in the panel, in this order; the other vocabularies still filter (from a fiche's chips).
FACETS = ("famille", "objectif", "levier", "composante", "profil", "region", "domaine", "porte", "tag")
OPEN_BY_DEFAULT = {"famille", "levier"}
# What the catalogue reads from the address: the filters of its FilterSet (the text query and the sort among
# them) and the page number. build_catalogue never sees anything else.
PARAMS = (*FicheFilter.base_filters, PAGE_PARAM)


@dataclass
class Option:
    value: str
    label: str
    count: int
    checked: bool


@dataclass
class Facet:
    name: str
    legend: str
    options: list
    is_open: bool

    @property
    def active_count(self):
        return sum(option.checked for option in self.options)


@dataclass
class Chip:
    label: str
    remove_url: str


@dataclass
class Catalogue:
    filterset: FicheFilter
    page: object
    facets: list
    chips: list
    ignored: list
    sort: str
    sort_choices: list
    query: str = ""
    requested_sort: str = ""
    query_string: str = ""
    hidden_filters: list = None  # active filters without a facet in the panel, kept when it is submitted
    filters_query: str = ""  # the filters alone (no sort, no page): the address of the list's feed and alert
    summary: str = ""  # those filters in words (filters_summary)

    @property
    def followed_path(self):
        """The list's address as a feed or an alert follows it: its filters, without sort nor page."""
        return reverse("resources:fiche_list") + (f"?{self.filters_query}" if self.filters_query else "")

    @property
    def feed_path(self):
        """The address of the list's Atom feed (resources.feeds)."""
        return reverse("resources:fiche_feed") + (f"?{self.filters_query}" if self.filters_query else "")


def _selected(filterset, name):
    return list(getattr(filterset.form, "cleaned_data", {}).get(name) or [])


def _options(name, counts, selected, values):
    if name == "famille":
        return [Option(value, label, counts.get(value, 0), value in selected) for value, label in Fiche.Family.choices]
    chosen_ids = {value.pk for value in selected}
    if name == "tag":
        top = [tag_id for tag_id, _ in sorted(counts.items(), key=lambda item: -item[1])[:TAG_OPTIONS]]
        tags = Tag.objects.filter(pk__in=set(top) | chosen_ids).order_by("name")
        return [Option(tag.slug, tag.name, counts.get(tag.pk, 0), tag.pk in chosen_ids) for tag in tags]
    return [Option(slug, label, counts.get(pk, 0), pk in chosen_ids) for pk, slug, label in values]


def _facets(filterset, counts):
    values = vocabulary_options([name for name in FACETS if name not in ("famille", "tag")])
    facets = []
    for name in FACETS:
        selected = _selected(filterset, name)
        legend = "Famille de fiches" if name == "famille" else filterset.filters[name].label
        options = _options(name, counts[name], selected, values.get(name, []))
        facets.append(Facet(name, legend, options, is_open=name in OPEN_BY_DEFAULT or bool(selected)))
    return facets


def published_counts(name):
    """{value key: number of published fiches carrying it} for one facet of the catalogue (« famille »: the family;
    a vocabulary: the value's pk), read from the facet index (bit counts, no SQL scan): the numbers the home page
    and the vocabulary pages show, the same as the catalogue's facets give without any filter."""
    index = current_index(FicheFilter.base_filters)
    return {key: bits.bit_count() for key, bits in index.postings.get(name, {}).items()}


def vocabulary_options(names):
    """{facet name: [(pk, slug, label)]} for the given vocabulary facets (one query for them all)."""
    param_of = {FicheFilter.base_filters[name].relation: name for name in names}
    options = {name: [] for name in names}
    for row in vocabulary_rows():
        if row.field in param_of:
            options[param_of[row.field]].append((row.pk, row.slug, row.label))
    return options


def active_filters(filterset):
    """(param, value, label) of every valid value in use, in the order of the filters (the text query first)."""
    cleaned = getattr(filterset.form, "cleaned_data", {})
    family_labels = dict(Fiche.Family.choices)
    pairs = []
    if cleaned.get("q"):
        pairs.append(("q", cleaned["q"], f"Recherche\u00a0: «\u00a0{cleaned['q']}\u00a0»"))
    for name in filterset.filters:
        if name in ("q", "tri"):
            continue
        for item in cleaned.get(name) or []:
            if name == "famille":
                pairs.append((name, item, family_labels[item]))
            else:
                pairs.append((name, item.slug, item.name if name == "tag" else item.label))
    return pairs


def _chips(pairs, sort):
    extra = [("tri", sort)] if sort else []
    chips = []
    for index, (_, _, label) in enumerate(pairs):
        kept = [(name, value) for i, (name, value, _) in enumerate(pairs) if i != index] + extra
        chips.append(Chip(label, "?" + urlencode(kept)))
    return chips


def _ignored(params, filterset):
    messages = [(name, " ".join(errors)) for name, errors in filterset.form.errors.items()]
    if any("\x00" in value for _, values in params.lists() for value in values):
        messages.append(("NUL", "caractères nuls retirés de l’adresse."))
    for name in SINGLE_VALUE_PARAMS:
        if len(params.getlist(name)) > 1:
            messages.append((name, "paramètre répété\u00a0: seule la dernière valeur a été prise en compte."))
    parsed = getattr(filterset, "parsed_query", None)
    if parsed is not None and parsed.truncated:
        messages.append(("q", "recherche trop longue\u00a0: seuls les 200 premiers caractères ont été utilisés."))
    if filterset.form.cleaned_data.get("q") and not filterset.has_query:
        messages.append(("q", "la recherche ne contient aucun mot à chercher (seulement des exclusions ou des "
                              "signes)\u00a0: elle a été ignorée."))
    return messages


def _without_nul_bytes(querydict):
    """A copy of the query without NUL characters (PostgreSQL refuses them in any string)."""
    cleaned = querydict.copy()
    for name, values in querydict.lists():
        cleaned.setlist(name, [value.replace("\x00", "") for value in values])
    return cleaned


def catalogue_params(querydict):
    """The catalogue's own parameters of a query (a new QueryDict, their values in order): the others (utm_source…)
    change nothing on the page, and must not each get an entry of their own in the cache."""
    kept = QueryDict(mutable=True)
    for name in PARAMS:
        if name in querydict:
            kept.setlist(name, querydict.getlist(name))
    return kept


def catalogue_filterset(params, queryset):
    """The catalogue's FilterSet of these parameters over ``queryset``, validated, and what of the parameters was
    not understood ([(name, message)], what the list shows above its results). The list shows the rest; a feed
    or an alert refuses such an address (resources.feeds, rendezvous.alerts)."""
    filterset = FicheFilter(_without_nul_bytes(params), queryset=queryset)
    filterset.qs  # noqa: B018 (validates the form and runs the text query parser, which _ignored reads)
    return filterset, _ignored(params, filterset)


def filters_query_string(filterset):
    """The valid filters of ``filterset`` as a query string in a fixed order, without sort nor page: the one
    address of a followed list whatever order its parameters came in."""
    return urlencode([(name, value) for name, value, _ in active_filters(filterset)])


def filters_summary(filterset):
    """« Fiches Actions, levier Financement, recherche « bénévoles » »: the valid filters of ``filterset`` in words
    (values of one facet joined by « ou », facets by commas), « Toutes les fiches » without any."""
    cleaned = getattr(filterset.form, "cleaned_data", {})
    families = [label for value, label in Fiche.Family.choices if value in (cleaned.get("famille") or [])]
    parts = []
    for name, values in _grouped(active_filters(filterset)):
        if name == "tag":
            parts.append("mot-clé " + " ou ".join(f"«\u00a0{value}\u00a0»" for value in values))
        elif name not in ("famille", "q"):
            word = filterset.filters[name].label
            parts.append(f"{word[:1].lower()}{word[1:]} {' ou '.join(values)}")
    if cleaned.get("q"):
        parts.append(f"recherche «\u00a0{cleaned['q']}\u00a0»")
    if not families and not parts:
        return "Toutes les fiches"
    head = "Fiches " + " ou ".join(families) if families else "Fiches"
    return ", ".join([head, *parts])


def _grouped(pairs):
    """[(param, [labels])] in the order of the filters, from active_filters' (param, value, label)."""
    grouped = {}
    for name, _value, label in pairs:
        grouped.setdefault(name, []).append(label)
    return list(grouped.items())


def build_catalogue(params):
    """The catalogue for these query parameters (a QueryDict): nothing personal goes in."""
    filterset, ignored = catalogue_filterset(params, Fiche.objects.published().card_fields())
    results = filterset.qs
    # The list is counted from the facet index too (no COUNT over thousands of matching rows): the index follows
    # the content version, so an edit shows in both the count and the results at the next request.
    counts, matched, index = facet_counts_and_matches(filterset, FACETS)
    page = paginate(params, results, PER_PAGE, count=matched.bit_count())
    if filterset.sort_key() == "recent":
        # The index's bits are in this sort's order: the page's fiches are read from them, and the database only
        # checks those few (every filter still applied) rather than sorting all the matches for one page.
        pks = index.ranked(matched, page.start_index() - 1, page.end_index())
        page.object_list = with_card_levers(results.filter(pk__in=pks)) if pks else []
    else:
        page.object_list = with_card_levers(page.object_list)
    parsed = getattr(filterset, "parsed_query", None)
    found = excerpts(page.object_list, parsed) if parsed else {}
    for fiche in page.object_list:
        fiche.excerpt = found.get(fiche.pk)
    pairs = active_filters(filterset)
    requested_sort = filterset.form.cleaned_data.get("tri") or None
    if requested_sort == "pertinence" and not filterset.has_query:
        requested_sort = None  # nothing to rank: the list falls back to the date, silently
    query_params = [(name, value) for name, value, _ in pairs] + ([("tri", requested_sort)] if requested_sort else [])
    return Catalogue(
        filterset=filterset,
        page=page,
        facets=_facets(filterset, counts),
        chips=_chips(pairs, requested_sort),
        ignored=ignored,
        sort=filterset.sort_key(),
        sort_choices=[(key, label) for key, label in SORT_LABELS.items() if key != "pertinence" or filterset.has_query],
        query=getattr(filterset.form, "cleaned_data", {}).get("q") or "",
        requested_sort=requested_sort or "",
        query_string=urlencode(query_params),
        hidden_filters=[(name, value) for name, value, _ in pairs if name not in FACETS and name != "q"],
        filters_query=urlencode([(name, value) for name, value, _ in pairs]),
        summary=filters_summary(filterset),
    )
