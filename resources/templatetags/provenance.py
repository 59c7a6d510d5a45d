"""The « Statut de l’information » section that ends a page: what its information rests on, said once, at the end,
never in the running text (CONVENTIONS 22)."""

from collections import Counter

from django import template

from resources.models import Provenance

register = template.Library()

# One line per status, after its word: what it means for the reader of this page.
EXPLANATIONS = {
    Provenance.CONFIRMED: "la source citée l’atteste.",
    Provenance.INFERRED: "déduction de la rédaction du hub à partir d’informations confirmées.",
    Provenance.TO_CONFIRM: "hypothèse de travail de la rédaction, à vérifier auprès de la source.",
}


def _provenance_of(item):
    return getattr(item, "provenance", item)


@register.inclusion_tag("resources/_provenance.html")
def information_status(items, subject="Statut", source_url="", source_term="Source", counted=False, note=""):
    """``items``: one provenance value, an object with a ``provenance``, or several of them (a list page, the steps
    of a parcours): one status is explained, several are counted (``counted``: always, for a list page).
    ``note``: one more sentence, under the list. An unknown value is left out rather than shown."""
    if isinstance(items, str) or hasattr(items, "provenance"):
        items = [items]
    counts = Counter(_provenance_of(item) for item in items)
    statuses = [(choice, counts[choice.value]) for choice in Provenance if counts[choice.value]]
    return {
        "statuses": statuses,
        "explanation": EXPLANATIONS[statuses[0][0]] if len(statuses) == 1 and not counted else "",
        "note": note,
        "subject": subject,
        "source_url": source_url,
        "source_term": source_term,
    }
