"""What the history keeps of the référentiel (core.history): fiches with their sources, tags and links, every
vocabulary, glossary terms. Called by resources/admin.py before its admins are built, and by ResourcesConfig."""

from django.contrib.contenttypes.models import ContentType
from taggit.models import Tag, TaggedItem

from core.history import Followed, history_register
from resources import models as m
from resources.fiche_tags import fiche_tags_text_refresh
from resources.glossary import glossary_term_changed
from resources.vocabularies import VOCABULARIES

# Computed from the other fields (Fiche.derive_fields, fiche_tags) or by the database: a revert derives them again.
FICHE_DERIVED = ("search_vector", "tags")


def _source_line(data):
    """« Référence : <title> — <note> » or « Déduction : <reasoning> »: how a saved source reads."""
    if data.get("kind") == m.FicheSource.Kind.INFERENCE or not data.get("reference_id"):
        return f"Déduction\u00a0: {data.get('label', '')}"
    reference = m.Reference.objects.filter(pk=data["reference_id"]).first()
    title = str(reference) if reference else f"référence n°\u00a0{data['reference_id']} (supprimée)"
    return f"Référence\u00a0: {title}" + (f" — {data['note']}" if data.get("note") else "")


def _tag_line(data):
    tag = Tag.objects.filter(pk=data.get("tag_id")).first()
    return tag.name if tag else f"mot-clé n°\u00a0{data.get('tag_id')} (supprimé)"


def _is_fiche_tag(data, pk):
    fiche_type = ContentType.objects.get_for_model(m.Fiche)
    return str(data.get("object_id")) == pk and data.get("content_type_id") == fiche_type.pk


def _fiche_reverted(fiche, previous):
    fiche_tags_text_refresh(fiche_ids=[fiche.pk])  # the tags came back by raw saves, which fiche_tags leaves alone


def _term_reverted(term, previous):
    glossary_term_changed(term=term, previous_forms=previous.forms, previous_slug=previous.slug)


FICHE_FOLLOWED = (
    Followed("sources", "sources", m.FicheSource, lambda data, pk: str(data.get("fiche_id")) == pk, _source_line),
    Followed("tagged_items", "mots-clés", TaggedItem, _is_fiche_tag, _tag_line),
)


def history_register_resources():
    """Idempotent: the admin module and the app's ready() both call it, whichever comes first."""
    history_register(m.Fiche, followed=FICHE_FOLLOWED, exclude=FICHE_DERIVED, after_revert=_fiche_reverted)
    history_register(m.GlossaryTerm, after_revert=_term_reverted)
    for kind in VOCABULARIES:
        history_register(kind.model)
