"""A fiche's tags in its search copies: ``tags_text`` (and through it ``search_text`` and the PostgreSQL
``search_vector``) follow every way a tag changes.

Tags change through taggit's own paths, which the hub does not write: ``fiche.tags.add/remove/set/clear``, the
admin's fiche form, taggit's admin (a tag renamed, merged or deleted), the loader, the shell. Each of them saves or
deletes ``TaggedItem`` rows one by one, or saves a ``Tag``: thin receivers (connected by ResourcesConfig.ready())
hand those events to ``fiche_tags_text_refresh``, which holds the logic. Restores and ``loaddata`` (raw saves)
are left alone: they bring their copies with them.
"""

from collections import defaultdict

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from taggit.models import TaggedItem

from resources.tags import fiche_tagged_items
from core.text import fold_words

TAGS_TEXT_MAX = 1000


def fiche_tags_text_refresh(*, fiche_ids):
    """Copy each fiche's tag names into ``tags_text`` and ``search_text``: one read of the tags, one of the fiches,
    one UPDATE per fiche whose copy changed (a plain UPDATE: ``save()`` would render the body again for nothing).
    Returns the number of fiches updated."""
    fiche_model = apps.get_model("resources", "Fiche")
    names = defaultdict(list)
    rows = fiche_tagged_items().filter(object_id__in=fiche_ids).values_list("object_id", "tag__name")
    for object_id, name in rows:
        names[object_id].append(name)
    changed = 0
    fiches = fiche_model.objects.filter(pk__in=fiche_ids).only("pk", "title", "chapeau", "body_text", "tags_text")
    for fiche in fiches:
        text = ", ".join(sorted(names[fiche.pk]))[:TAGS_TEXT_MAX]
        if text == fiche.tags_text:
            continue
        search_text = " " + fold_words(f"{fiche.title} {fiche.chapeau} {text} {fiche.body_text}")
        fiche_model.objects.filter(pk=fiche.pk).update(tags_text=text, search_text=search_text,
                                                       updated_at=timezone.now())
        changed += 1
    return changed


def _is_fiche_row(row):
    return row.content_type_id == ContentType.objects.get_for_model(apps.get_model("resources", "Fiche")).pk


def _row_changed(sender, instance, raw=False, **kwargs):
    if not raw and _is_fiche_row(instance):
        fiche_tags_text_refresh(fiche_ids=[instance.object_id])


def _tag_saved(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:  # a rename: every fiche carrying the tag
        ids = fiche_tagged_items().filter(tag=instance).values_list("object_id", flat=True)
        fiche_tags_text_refresh(fiche_ids=list(ids))


def connect_receivers():
    """Called once by ResourcesConfig.ready()."""
    post_save.connect(_row_changed, sender=TaggedItem, dispatch_uid="fiche-tags-text-row-saved")
    post_delete.connect(_row_changed, sender=TaggedItem, dispatch_uid="fiche-tags-text-row-deleted")
    post_save.connect(_tag_saved, sender="taggit.Tag", dispatch_uid="fiche-tags-text-tag-saved")
