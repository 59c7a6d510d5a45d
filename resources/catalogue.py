"""The fiche catalogue: filtered and sorted results, facets with counts, active filters, what was ignored.

Counts follow standard faceted semantics: each option counts the published fiches it would give with the
*other* active filters (and the text query) applied. Each facet costs two queries (its options and one
aggregate of its many-to-many table), whatever the catalogue size.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from taggit.models import Tag

from resources.filters import (
    SINGLE_VALUE_PARAMS,
    SORT_LABELS,
    FicheFilter,
    fiche_tagged_items,
)
from resources.models import Fiche
from resources.pagination import paginate
from resources.search import excerpts
from resources.vocabularies import BY_FIELD

PER_PAGE = 12
TAG_OPTIONS = 15
# The facets shown in the panel, in this order; the other vocabularies still filter (from a fiche's chips).
FACETS = ("famille", "objectif", "levier", "composante", "profil", "region", "domaine", "porte", "tag")
OPEN_BY_DEFAULT = {"famille", "levier"}


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


def _selected(filterset, name):
    return list(getattr(filterset.form, "cleaned_data", {}).get(name) or [])


def _queryset_without(filterset, excluded):
    """The published fiches with every valid filter applied but ``excluded`` (and no sorting)."""
    cleaned = getattr(filterset.form, "cleaned_data", {})
    queryset = Fiche.objects.published()
    for name, filter_ in filterset.filters.items():
        if name in (excluded, "tri") or cleaned.get(name) in (None, "", []):
            continue
        queryset = filter_.filter(queryset, cleaned[name])
    return queryset.order_by()


def _counts(name, queryset):
    ids = queryset.values("pk")
    if name == "famille":
        rows = queryset.values("family").annotate(n=Count("pk")).values_list("family", "n")
        return dict(rows)
    if name == "tag":
        rows = (
            fiche_tagged_items().filter(object_id__in=ids).values("tag_id").annotate(n=Count("pk"))
            .order_by("-n").values_list("tag_id", "n")
        )
        return dict(rows[:200])
    through, own, target = filterset_filter(name).through
    rows = through.objects.filter(**{f"{own}_id__in": ids}).values(f"{target}_id").annotate(n=Count("pk"))
    return dict(rows.values_list(f"{target}_id", "n"))


def filterset_filter(name):
    return FicheFilter.base_filters[name]


def _options(name, counts, selected):
    if name == "famille":
        return [Option(value, label, counts.get(value, 0), value in selected) for value, label in Fiche.Family.choices]
    if name == "tag":
        chosen_ids = {tag.pk for tag in selected}
        top = [tag_id for tag_id, _ in sorted(counts.items(), key=lambda item: -item[1])[:TAG_OPTIONS]]
        tags = Tag.objects.filter(pk__in=set(top) | chosen_ids).order_by("name")
        return [Option(tag.slug, tag.name, counts.get(tag.pk, 0), tag.pk in chosen_ids) for tag in tags]
    chosen_ids = {value.pk for value in selected}
    kind = BY_FIELD[filterset_filter(name).relation]
    return [
        Option(value.slug, value.label, counts.get(value.pk, 0), value.pk in chosen_ids)
        for value in kind.model.objects.all()
    ]


def _facet(filterset, name):
    selected = _selected(filterset, name)
    counts = _counts(name, _queryset_without(filterset, name))
    legend = "Famille de fiches" if name == "famille" else filterset.filters[name].label
    return Facet(name, legend, _options(name, counts, selected), is_open=name in OPEN_BY_DEFAULT or bool(selected))


def _active_pairs(filterset):
    """(param, value, label) of every valid value in use, in the order of the filters."""
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


def _ignored(request, filterset):
    messages = [(name, " ".join(errors)) for name, errors in filterset.form.errors.items()]
    for name in SINGLE_VALUE_PARAMS:
        if len(request.GET.getlist(name)) > 1:
            messages.append((name, "paramètre répété : seule la dernière valeur a été prise en compte."))
    parsed = getattr(filterset, "parsed_query", None)
    if parsed is not None and parsed.truncated:
        messages.append(("q", "recherche trop longue : seuls les 200 premiers caractères ont été utilisés."))
    if filterset.form.cleaned_data.get("tri") == "pertinence" and not filterset.has_query:
        messages.append(("tri", "le tri par pertinence demande une recherche : tri par date appliqué."))
    return messages


def build_catalogue(request):
    filterset = FicheFilter(request.GET, queryset=Fiche.objects.published().for_cards())
    results = filterset.qs  # validates the form and runs the text query parser
    page = paginate(request, results, PER_PAGE)
    page.object_list = list(page.object_list)
    parsed = getattr(filterset, "parsed_query", None)
    found = excerpts(page.object_list, parsed) if parsed else {}
    for fiche in page.object_list:
        fiche.excerpt = found.get(fiche.pk)
    pairs = _active_pairs(filterset)
    requested_sort = request.GET.get("tri") if "tri" not in filterset.form.errors else None
    query_params = [(name, value) for name, value, _ in pairs] + ([("tri", requested_sort)] if requested_sort else [])
    return Catalogue(
        filterset=filterset,
        page=page,
        facets=[_facet(filterset, name) for name in FACETS],
        chips=_chips(pairs, requested_sort),
        ignored=_ignored(request, filterset),
        sort=filterset.sort_key(),
        sort_choices=[(key, label) for key, label in SORT_LABELS.items() if key != "pertinence" or filterset.has_query],
        query=getattr(filterset.form, "cleaned_data", {}).get("q") or "",
        requested_sort=requested_sort or "",
        query_string=urlencode(query_params),
    )
