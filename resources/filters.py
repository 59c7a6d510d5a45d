"""The FilterSet of the fiche list: one facet per vocabulary, values OR-ed inside a facet, facets AND-ed."""

import django_filters
from django import forms
from taggit.models import Tag

from resources.models import Fiche
from resources.vocabularies import VOCABULARIES

# Beyond this many values in one facet, the request is refused (400) rather than sent to the database.
MAX_VALUES_PER_FACET = 30


class BaseFicheFilter(django_filters.FilterSet):
    famille = django_filters.MultipleChoiceFilter(
        field_name="family",
        choices=Fiche.Family.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Famille",
    )
    tag = django_filters.ModelMultipleChoiceFilter(
        field_name="tags__slug", queryset=Tag.objects.all(), to_field_name="slug", label="Mot-clé", distinct=True
    )

    class Meta:
        model = Fiche
        fields = []


def _vocabulary_filter(kind):
    return django_filters.ModelMultipleChoiceFilter(
        field_name=f"{kind.field}__slug",
        queryset=kind.model.objects.all(),
        to_field_name="slug",
        label=kind.singular,
        distinct=True,
    )


FicheFilter = type(
    "FicheFilter",
    (BaseFicheFilter,),
    {kind.param: _vocabulary_filter(kind) for kind in VOCABULARIES} | {"__module__": __name__},
)
FILTER_PARAMS = tuple(FicheFilter.base_filters)


def oversized_facets(querydict):
    """Names of the parameters that carry more values than anyone would pick by hand."""
    return [name for name in FILTER_PARAMS if len(querydict.getlist(name)) > MAX_VALUES_PER_FACET]


def active_filters(filterset):
    """(param, value slug, label) for every valid value in use, to show and link the active filters."""
    if not filterset.is_bound or not hasattr(filterset.form, "cleaned_data"):
        return []
    family_labels = dict(Fiche.Family.choices)
    active = []
    for name, value in filterset.form.cleaned_data.items():
        for item in value or []:
            if name == "famille":
                active.append((name, item, family_labels[item]))
            else:
                label = item.name if name == "tag" else item.label
                active.append((name, item.slug, label))
    return active


def invalid_filters(filterset):
    """(param, message) for each parameter whose values were ignored."""
    return [(name, " ".join(errors)) for name, errors in filterset.form.errors.items()]
