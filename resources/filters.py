"""The FilterSet of the fiche list: one facet per vocabulary, values OR-ed inside a facet, facets AND-ed,
a text query, and a sort order. Each facet filters with one ``EXISTS`` (no join, no ``DISTINCT``)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from taggit.models import Tag

from resources.facet_index import RECENT_ORDER
from resources.models import Fiche
from resources.pagination import PAGE_PARAM
from resources.search import prepare_query, search_fiches
from resources.tags import fiche_tagged_items
from resources.vocabularies import VOCABULARIES

# Beyond this many values in one facet, the request is refused (400) rather than sent to the database.
MAX_VALUES_PER_FACET = 30
SORTS = {
    "pertinence": ("-rank", "-published_at", "pk"),
    "recent": RECENT_ORDER,
    "titre": ("sort_title", "pk"),
}
SORT_LABELS = {"pertinence": "Pertinence", "recent": "Plus récentes", "titre": "Titre (A → Z)"}


class VocabularyFilter(django_filters.ModelMultipleChoiceFilter):
    """Fiches linked to any of the chosen values of one vocabulary (validated by slug)."""

    def __init__(self, *, relation, **kwargs):
        self.relation = relation
        super().__init__(to_field_name="slug", **kwargs)

    @property
    def through(self):
        field = Fiche._meta.get_field(self.relation)
        return field.remote_field.through, field.m2m_field_name(), field.m2m_reverse_field_name()

    def filter(self, qs, value):
        if not value:
            return qs
        through, own, target = self.through
        links = through.objects.filter(**{f"{own}_id": OuterRef("pk"), f"{target}__in": value})
        return qs.filter(Exists(links))


class TagFilter(django_filters.ModelMultipleChoiceFilter):
    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(Exists(fiche_tagged_items().filter(object_id=OuterRef("pk"), tag__in=value)))


class FicheFilterForm(forms.Form):
    def clean(self):
        # Chosen values as plain lists without repeats: testing an empty queryset for truth runs the ORM
        # each time, and « famille=action&famille=action » must give one chip. A facet left empty is an empty
        # list at once: its field cleans to ``queryset.none()``, which the ORM would compile only to find
        # nothing (a dozen facets: a dozen compilations per page).
        return {
            name: (list(dict.fromkeys(value)) if self[name].data else []) if isinstance(value, (QuerySet, list))
            else value
            for name, value in super().clean().items()
        }


class BaseFicheFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_query", label="Rechercher dans les fiches")
    famille = django_filters.MultipleChoiceFilter(
        field_name="family", choices=Fiche.Family.choices, widget=forms.CheckboxSelectMultiple, label="Famille",
        distinct=False,  # a column of the fiche itself: no join, so no duplicate to remove
    )
    tag = TagFilter(queryset=Tag.objects.none(), to_field_name="slug", label="Mot-clé")
    tri = django_filters.ChoiceFilter(choices=list(SORT_LABELS.items()), method="filter_sort", label="Trier par")

    class Meta:
        model = Fiche
        fields = []
        form = FicheFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tag" in self.data:  # without a tag to validate, the field’s queryset is never read (~0.3 ms to build)
            # Only tags of published fiches exist for visitors: a draft's tag is an unknown value.
            published = Fiche.objects.published().values("pk")
            tags = Tag.objects.filter(pk__in=fiche_tagged_items().filter(object_id__in=published).values("tag_id"))
            self.filters["tag"].queryset = tags
            self.form.fields["tag"].queryset = tags  # the form's own copy of the field (see get_form_class)

    def get_form_class(self):
        """The form class, built once per FilterSet class: django-filter builds a new one for every FilterSet, each
        filter making its form field anew (a dozen ModelMultipleChoiceFields, ~1 ms), which the form then copies.
        Its fields depend on no instance: their querysets are the vocabularies' ``all()`` (a function of the
        request, which ours ignore), the tag field's is set on each form's own copy (``__init__``); a Django form
        class is shared the same way, each form deep-copying its ``base_fields``."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_query(self, queryset, name, value):
        # Parsed once (the synonyms cost a query): the facet counts apply this filter again.
        if getattr(self, "_parsed_text", None) != value:
            self.parsed_query, self._parsed_text = prepare_query(value), value
        return search_fiches(queryset, self.parsed_query) if self.parsed_query else queryset

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in sort_key(), once every filter is known

    @property
    def has_query(self):
        return bool(getattr(self, "parsed_query", None))

    def sort_key(self):
        chosen = getattr(self.form, "cleaned_data", {}).get("tri")
        if chosen == "pertinence" and not self.has_query:
            chosen = None
        return chosen or ("pertinence" if self.has_query else "recent")

    @property
    def qs(self):
        if not hasattr(self, "_sorted_qs"):
            self._sorted_qs = super().qs.order_by(*SORTS[self.sort_key()])
        return self._sorted_qs


def _all_of(model):
    return lambda _request: model.objects.all()


FicheFilter = type(
    "FicheFilter",
    (BaseFicheFilter,),
    {
        # A function giving the queryset (django-filter calls it with the request) rather than a queryset: every
        # FilterSet deep-copies its filters, and a queryset deep-copies its whole query.
        kind.param: VocabularyFilter(relation=kind.field, queryset=_all_of(kind.model), label=kind.singular)
        for kind in VOCABULARIES
    }
    | {"__module__": __name__},
)
FILTER_PARAMS = tuple(name for name in FicheFilter.base_filters if name not in {"q", "tri"})
SINGLE_VALUE_PARAMS = ("q", "tri", PAGE_PARAM)


def oversized_facets(querydict):
    """Names of the parameters that carry more values than anyone would pick by hand."""
    return [name for name in FILTER_PARAMS if len(querydict.getlist(name)) > MAX_VALUES_PER_FACET]
