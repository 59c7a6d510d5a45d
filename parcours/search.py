"""Steps of the parcours in the site-wide search (a section of ``resources.views.search``)."""

from core.content_cache import kept_per_content_version
from core.text import fold_words
from parcours.models import Step
from resources.search import folded_text_matches


@kept_per_content_version
def _step_rows():
    """[(search text, parcours title, step title, url, objective)] of every step in the parcours' order: a few dozen
    rows read once per content version by each process, where a query at each search cost more than the matching."""
    steps = (
        Step.objects.select_related("parcours")
        .only("title", "slug", "objective", "order", "search_text", "parcours__title", "parcours__slug",
              "parcours__order")
        .order_by("parcours__order", "order", "pk")
    )
    return [(step.search_text, step.parcours.title, step.title, step.get_absolute_url(), step.objective)
            for step in steps]


def search_steps(parsed, limit=8):
    """[(parcours title, step title, url, objective)] of matching steps, title matches first.

    Matched on the folded copy kept at save (``Step.search_text``), from the start of words: the same
    answer on both databases.
    """
    if not parsed:
        return []
    words = parsed.positive_words()
    matches = [row for row in _step_rows() if folded_text_matches(parsed, row[0])][:50]
    ranked = sorted(matches, key=lambda row: -sum(f" {w}" in f" {fold_words(row[2])}" for w in words))
    return [(parcours, title, url, objective) for _, parcours, title, url, objective in ranked[:limit]]
