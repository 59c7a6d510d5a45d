"""Steps of the parcours in the site-wide search (a section of ``resources.views.search``)."""

from parcours.models import Step
from resources.search import folded_text_condition
from core.text import fold_words


def search_steps(parsed, limit=8):
    """[(parcours title, step title, url, objective)] of matching steps, title matches first.

    Matched on the folded copy kept at save (``Step.search_text``), from the start of words: the same
    answer on both databases for these few rows.
    """
    if not parsed:
        return []
    steps = (
        Step.objects.filter(folded_text_condition(parsed)).select_related("parcours")
        .only("title", "slug", "objective", "order", "parcours__title", "parcours__slug", "parcours__order")
        .order_by("parcours__order", "order", "pk")
    )
    words = parsed.positive_words()
    ranked = sorted(steps[:50], key=lambda step: -sum(f" {w}" in f" {fold_words(step.title)}" for w in words))
    return [(step.parcours.title, step.title, step.get_absolute_url(), step.objective) for step in ranked[:limit]]
