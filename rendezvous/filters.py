"""The agenda's filters: the kind of event and the lever it concerns, each a closed list of declared choices (an
unknown value is a form error, answered 400 with its message, never sent to the database)."""

import django_filters
from django.db.models import Exists, OuterRef

from rendezvous.models import Event, EventKind
from resources.models import Lever

FILTER_PARAMS = ("type", "levier")


def lever_choices():
    """(slug, label) of every lever: read once per request, when the form is built."""
    return list(Lever.objects.order_by("order", "label").values_list("slug", "label"))


class EventFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(field_name="kind", choices=EventKind.choices, label="Type de rendez-vous",
                                       empty_label="Tous les types")
    levier = django_filters.ChoiceFilter(choices=lever_choices, method="filter_lever", label="Levier",
                                         empty_label="Tous les leviers")

    class Meta:
        model = Event
        fields = []

    def filter_lever(self, queryset, name, value):
        # One EXISTS: no join that would repeat an event concerning several levers.
        links = Event.levers.through.objects.filter(event_id=OuterRef("pk"), lever__slug=value)
        return queryset.filter(Exists(links))

    def errors_list(self):
        """[(parameter, message)] of the values refused, for the 400 page."""
        return [(name, " ".join(errors)) for name, errors in self.form.errors.items()]
