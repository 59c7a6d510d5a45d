"""The admin page « À vérifier »: every piece of shipped information that is not confirmed, grouped by kind, each
with a link to the page where staff correct it (CONVENTIONS 22: doubts go to the provenance and to this list).

A kind is one ``ReviewKind`` in ``REVIEW_KINDS``: a label, the model whose view permission opens it, and the query
of what is left to check (one query per kind, whatever the number of rows: select_related what ``describe`` reads).
"""

from dataclasses import dataclass
from typing import Callable

from django.contrib.auth import get_permission_codename
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.urls import reverse

from parcours.models import Step, StepSource
from resources.models import FicheSource, GlossaryTerm, Provenance
from resources.vocabularies import VOCABULARIES


@dataclass(frozen=True)
class ReviewRow:
    text: str
    url: str
    status: str
    detail: str


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _describe_value(value):
    detail = value.source_url or "Aucune adresse de source."
    return ReviewRow(value.label, change_url(value), value.get_provenance_display(), detail)


def _describe_step(step):
    return ReviewRow(step.title, change_url(step), step.get_provenance_display(), f"Parcours «\u00a0{step.parcours.title}\u00a0»")


def _describe_inference(source):
    # Sources are edited in their fiche's form: the link opens it at the sources (Django's inline group id).
    url = f"{change_url(source.fiche)}#sources-group"
    return ReviewRow(source.fiche.title, url, Provenance.INFERRED.label, source.label)


def _describe_term(term):
    return ReviewRow(term.term, change_url(term), term.get_provenance_display(), term.extract)


def _describe_step_inference(source):
    url = f"{change_url(source.step)}#sources-group"
    return ReviewRow(source.step.title, url, Provenance.INFERRED.label, source.label)


@dataclass(frozen=True)
class ReviewKind:
    label: str
    model: type
    items: Callable[[], QuerySet]
    describe: Callable[[object], ReviewRow]

    def visible_to(self, user):
        opts = self.model._meta
        return user.has_perm(f"{opts.app_label}.{get_permission_codename('view', opts)}")


def _unconfirmed(model, *related):
    return lambda: model.objects.filter(provenance__in=Provenance.unconfirmed()).select_related(*related)


REVIEW_KINDS = [
    *(ReviewKind(kind.title, kind.model, _unconfirmed(kind.model), _describe_value) for kind in VOCABULARIES),
    ReviewKind(
        "Intitulés des étapes de parcours",
        Step,
        lambda: _unconfirmed(Step, "parcours")().order_by("parcours__order", "parcours__pk", "order", "pk"),
        _describe_step,
    ),
    ReviewKind(
        "Déductions de la rédaction dans les sources des fiches",
        FicheSource,
        lambda: FicheSource.objects.filter(kind=FicheSource.Kind.INFERENCE)
        .select_related("fiche")
        .order_by("fiche__title", "order", "pk"),
        _describe_inference,
    ),
    ReviewKind(
        "Déductions de la rédaction dans les sources des étapes",
        StepSource,
        lambda: StepSource.objects.filter(kind=StepSource.Kind.INFERENCE)
        .select_related("step")
        .order_by("step__parcours_id", "step__order", "order", "pk"),
        _describe_step_inference,
    ),
    ReviewKind(
        "Termes du glossaire",
        GlossaryTerm,
        lambda: GlossaryTerm.objects.filter(provenance__in=Provenance.unconfirmed()).order_by("sort_term", "pk"),
        _describe_term,
    ),
]


def review_groups(user):
    """(kind, rows) for every kind the user may view, in the registry's order; one query per kind."""
    return [(kind, [kind.describe(obj) for obj in kind.items()]) for kind in REVIEW_KINDS if kind.visible_to(user)]


def review_view(request, site):
    groups = review_groups(request.user)
    ctx = {
        **site.each_context(request),
        "title": "À vérifier",
        "groups": groups,
        "total": sum(len(rows) for _kind, rows in groups),
        "legend_url": reverse("resources:information_status"),
    }
    return TemplateResponse(request, "admin/review.html", ctx)
