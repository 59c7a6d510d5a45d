"""The glossary in the bodies of fiches and steps: what they are rendered with, and the services that render them
again when a term changes.

- A body is rendered when it is saved (``resources.fiche_links.render_body``) with the whole glossary: its
  ``[[glossaire:slug]]`` links, and the first occurrence of each term linked (``resources.glossary_text``).
- A slug that names no term is refused by the models' ``clean()`` and by the check of the shipped files.
- When staff create, change or delete a term, the admin calls ``glossary_term_changed`` or
  ``glossary_term_deleted`` (no signal): only the bodies whose folded text (``search_text``) holds one of the
  term's forms, old or new, or whose Markdown names its slug, are rendered again, a batch at a time.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import transaction
from django.db.models import Q

from core.text import fold_words
from resources.glossary_text import GLOSSARY_LINK_RE, Glossary, GlossaryEntry
from resources.markdown import glossary_link_slugs, markdown_escape

BATCH_SIZE = 500
# Inside ``glossary_snapshot()``: the glossary every body saved meanwhile is rendered with (read once).
_snapshot = ContextVar("glossary_snapshot", default=None)


def _term_model():
    # Looked up, not imported: resources.models imports resources.fiche_links, which imports this module.
    return apps.get_model("resources", "GlossaryTerm")


def _linking_models():
    """Fiche and Step: the models whose Markdown ``body`` is rendered with the glossary (resources.fiche_links)."""
    return [model for model in apps.get_models() if getattr(model, "fiche_links_update_fields", None)]


def load_glossary():
    """Every term as the bodies see it (one query)."""
    from django.urls import reverse

    rows = _term_model().objects.values_list("slug", "term", "variants")
    return Glossary([
        GlossaryEntry(slug, term, reverse("resources:glossary_detail", kwargs={"slug": slug}),
                      tuple(line.strip() for line in variants.splitlines() if line.strip()))
        for slug, term, variants in rows
    ])


def current_glossary():
    """The glossary to render a body with: the snapshot taken by ``glossary_snapshot()``, else read now."""
    snapshot = _snapshot.get()
    return snapshot if snapshot is not None else load_glossary()


@contextmanager
def glossary_snapshot():
    """Within it, bodies are rendered with the glossary read once on entering (a batch of bodies, the loader)."""
    if _snapshot.get() is not None:
        yield
        return
    token = _snapshot.set(load_glossary())
    try:
        yield
    finally:
        _snapshot.reset(token)


def unknown_terms_message(unknown):
    if not unknown:
        return ""
    named = ", ".join(f"[[glossaire:{slug}]]" for slug in sorted(unknown))
    if len(unknown) == 1:
        return f"Terme du glossaire inconnu\u00a0: {named}. Vérifiez l’identifiant d’adresse (slug) du terme."
    return f"Termes du glossaire inconnus\u00a0: {named}. Vérifiez les identifiants d’adresse (slugs) de ces termes."


def glossary_links_error(text):
    """The error for the ``[[glossaire:…]]`` of ``text`` that name no term, or "" (one query at most)."""
    slugs = glossary_link_slugs(text)
    if not slugs:
        return ""
    known = set(_term_model().objects.filter(slug__in=slugs).values_list("slug", flat=True))
    return unknown_terms_message(slugs - known)


def _mentioning(forms, slugs):
    """Q for the bodies that may show one of ``forms`` (folded) or name one of ``slugs``; None when there is none."""
    query = Q()
    for form in forms:
        folded = fold_words(form)
        if folded:
            query |= Q(search_text__contains=f" {folded}")
    for slug in slugs:
        query |= Q(body__contains=f"[[glossaire:{slug}")
    return query if query else None


def _has_field(model, name):
    return any(field.name == name for field in model._meta.get_fields())


def glossary_refresh(*, forms=(), slugs=()):
    """Render again the bodies of fiches and steps that hold one of ``forms`` or link one of ``slugs``, a batch at a
    time, with the glossary read once; returns how many. Their Markdown is unchanged, ``updated_at`` too."""
    query = _mentioning(set(forms), set(slugs))
    if query is None:
        return 0
    count = 0
    with glossary_snapshot():
        for model in _linking_models():
            # Worksheets keep no folded copy of their text: there are few, each is rendered again.
            rows = model.objects.filter(query) if _has_field(model, "search_text") else model.objects.all()
            pks = list(rows.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), BATCH_SIZE):
                with transaction.atomic():
                    for row in model.objects.filter(pk__in=pks[start:start + BATCH_SIZE]).order_by("pk"):
                        row.save(update_fields=row.fiche_links_update_fields)
                        count += 1
    return count


def glossary_term_changed(*, term, previous_forms=(), previous_slug=None):
    """After a term was created or changed (the admin, the loader): the bodies that showed its old forms or show
    its new ones are rendered again. A changed slug rewrites the explicit links first."""
    if previous_slug and previous_slug != term.slug:
        _rewrite_links(previous_slug, lambda match: f"[[glossaire:{term.slug}|{match.group(2)}]]"
                       if match.group(2) is not None else f"[[glossaire:{term.slug}]]")
    return glossary_refresh(forms=set(previous_forms) | term.forms, slugs={term.slug})


def glossary_term_deleted(*, slug, term, forms):
    """After a term was deleted: its explicit links become their text (the link's own, else the term's name) and
    the bodies that showed it are rendered again, without the link."""
    _rewrite_links(slug, lambda match: markdown_escape((match.group(2) or "").strip() or term))
    return glossary_refresh(forms=forms)


def _rewrite_links(slug, replacement):
    """Rewrite the ``[[glossaire:slug…]]`` of every body that names ``slug`` (saving renders it again)."""
    for model in _linking_models():
        for row in model.objects.filter(body__contains=f"[[glossaire:{slug}").order_by("pk"):
            body = GLOSSARY_LINK_RE.sub(lambda match: replacement(match) if match.group(1) == slug else match.group(0),
                                        row.body)
            if body != row.body:
                row.body = body
                row.save(update_fields=row.fiche_links_update_fields)
