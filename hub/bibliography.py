"""The bibliography: every reference cited by a published fiche, a step, a parcours, a glossary term or a
vocabulary value, with who cites it. Here, on top, because it reads resources and parcours alike.

A fixed number of queries whatever the catalogue's size: the references, the citations of the fiches, the steps
and the glossary, the parcours, then one per vocabulary. A vocabulary value or a parcours cites a reference by its address alone
(``source_url``, compared as written).
"""

from dataclasses import dataclass, field

from django.urls import reverse

from parcours.models import Parcours, StepSource
from resources.models import Component, FicheSource, GlossaryTerm, Reference
from resources.vocabularies import VOCABULARIES

# The order a reader looks for them: publications first, then the law, then pages of sites.
KIND_ORDER = (Reference.Kind.DOCUMENT, Reference.Kind.OFFICIAL, Reference.Kind.WEB)
KIND_HEADINGS = {
    Reference.Kind.DOCUMENT: "Documents et publications",
    Reference.Kind.OFFICIAL: "Textes officiels",
    Reference.Kind.WEB: "Pages web",
}


@dataclass(frozen=True)
class Citing:
    """Something that cites a reference: its title and address (``context``: the parcours of a step)."""

    title: str
    url: str
    context: str = ""


@dataclass
class Entry:
    reference: Reference
    fiches: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    parcours: list = field(default_factory=list)
    values: list = field(default_factory=list)
    terms: list = field(default_factory=list)

    @property
    def citing_count(self):
        return len(self.fiches) + len(self.steps) + len(self.parcours) + len(self.values) + len(self.terms)

    @property
    def is_cited(self):
        return bool(self.fiches or self.steps or self.parcours or self.values or self.terms)


@dataclass
class Bibliography:
    groups: list  # (kind, heading, [Entry]) in KIND_ORDER, empty kinds left out
    reference_count: int
    fiche_count: int
    step_count: int
    parcours_count: int
    value_count: int
    term_count: int


def build_bibliography():
    entries = {reference.pk: Entry(reference) for reference in Reference.objects.all()}
    by_url = {}
    for entry in entries.values():
        if entry.reference.url:
            by_url.setdefault(entry.reference.url, []).append(entry)
    _fiche_citations(entries)
    _step_citations(entries)
    _glossary_citations(entries)
    _address_citations(by_url)
    cited = sorted((entry for entry in entries.values() if entry.is_cited),
                   key=lambda entry: (entry.reference.sort_key, entry.reference.pk))
    groups = [
        (kind, KIND_HEADINGS[kind], [entry for entry in cited if entry.reference.kind == kind]) for kind in KIND_ORDER
    ]

    def distinct(name):
        return len({citing.url for entry in cited for citing in getattr(entry, name)})

    return Bibliography(
        groups=[group for group in groups if group[2]],
        reference_count=len(cited),
        fiche_count=distinct("fiches"),
        step_count=distinct("steps"),
        parcours_count=distinct("parcours"),
        value_count=distinct("values"),
        term_count=distinct("terms"),
    )


def _fiche_citations(entries):
    """Published fiches only: a draft is not shown as citing (its page is not public)."""
    rows = (FicheSource.objects.filter(reference__isnull=False, fiche__status="published")
            .order_by("fiche__sort_title", "fiche__pk")
            .values_list("reference_id", "fiche__title", "fiche__slug").distinct())
    for reference_id, title, slug in rows:
        entries[reference_id].fiches.append(
            Citing(title, reverse("resources:fiche_detail", kwargs={"slug": slug})))


def _step_citations(entries):
    rows = (StepSource.objects.filter(reference__isnull=False)
            .order_by("step__parcours__order", "step__parcours__pk", "step__order", "step__pk")
            .values_list("reference_id", "step__title", "step__slug", "step__parcours__slug", "step__parcours__title")
            .distinct())
    for reference_id, title, slug, parcours_slug, parcours_title in rows:
        url = reverse("parcours:step", kwargs={"slug": parcours_slug, "step_slug": slug})
        entries[reference_id].steps.append(Citing(title, url, parcours_title))


def _glossary_citations(entries):
    rows = (GlossaryTerm.references.through.objects.order_by("glossaryterm__sort_term", "glossaryterm__pk")
            .values_list("reference_id", "glossaryterm__term", "glossaryterm__slug"))
    for reference_id, term, slug in rows:
        entries[reference_id].terms.append(
            Citing(term, reverse("resources:glossary_detail", kwargs={"slug": slug})))


def _address_citations(by_url):
    """Parcours and vocabulary values whose ``source_url`` is a reference's address (one query each)."""
    if not by_url:
        return
    urls = list(by_url)
    for parcours in Parcours.objects.filter(source_url__in=urls).only("title", "slug", "source_url"):
        for entry in by_url[parcours.source_url]:
            entry.parcours.append(Citing(parcours.title, parcours.get_absolute_url()))
    for kind in VOCABULARIES:
        values = kind.model.objects.filter(source_url__in=urls)
        if kind.model is Component:
            values = values.select_related("lever").only("label", "slug", "source_url", "lever__slug")
        else:
            values = values.only("label", "slug", "source_url")
        for value in values:
            for entry in by_url[value.source_url]:
                entry.values.append(Citing(value.label, value.get_absolute_url(), kind.singular))
