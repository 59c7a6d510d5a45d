"""The history of content (django-reversion): what is kept, how two versions compare, how one comes back.

Each content app declares its models once with ``history_register`` (resources.history, parcours.history,
rendezvous.history), from its admin module: the admin's VersionAdmin would otherwise register them itself, with
every inline followed. A version holds the object's fields and many-to-many links; the rows it follows (a fiche's
sources and tags, a step's sources) are saved in the same revision, so a revert brings them back too.

- ``version_changes(older, newer)``: the fields that differ, each with its French label and both values as a
  reader sees them (names for links, a line diff for long texts), then the followed rows as lines.
- ``version_revert(version=…, user=…)``: the object and its followed rows as they were, the rows added since
  deleted, the derived fields computed again by an ordinary ``save()`` (which also makes the cached pages stale),
  the app's own follow-up (``after_revert``), and a new version commented « Retour à la version du … ».
"""

import difflib
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, models, transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from reversion.errors import RevertError
from reversion.models import Version

FIRST_EDIT_COMMENT = "État avant la première modification"
EMPTY = "(vide)"
# A text longer than this, or on several lines, is compared line by line.
LONG_TEXT = 120


@dataclass(frozen=True)
class Followed:
    """Rows of another model that belong to the object: ``accessor`` on the object (a manager or a queryset),
    ``belongs(field_dict, pk)`` whether a saved row is the object's, ``line(field_dict)`` how a saved row reads."""

    accessor: str
    label: str
    model: type
    belongs: object
    line: object


@dataclass
class HistoryOptions:
    followed: tuple = ()
    after_revert: object = None  # callable(obj, previous) or None


_options = {}


def history_register(model, *, followed=(), exclude=(), after_revert=None):
    """Keep every version of ``model`` saved in a revision (the admin's saves). Idempotent."""
    if model in _options:
        return
    for rows in followed:
        if not reversion.is_registered(rows.model):
            reversion.register(rows.model)
    reversion.register(model, exclude=exclude, follow=[rows.accessor for rows in followed])
    _options[model] = HistoryOptions(followed=tuple(followed), after_revert=after_revert)


def history_options(model):
    return _options[model]


def object_versions(obj):
    """The object's versions, oldest first, with their revision and its author (one query)."""
    return Version.objects.get_for_object(obj).select_related("revision", "revision__user").order_by("pk")


def version_first_edit_record(obj):
    """Save the state of an object that has no version yet (loaded by a command, never edited in the admin), so
    that its first edit has something to be compared with. Returns whether a version was saved."""
    if object_versions(obj).exists():
        return False
    with reversion.create_revision(manage_manually=True):
        reversion.add_to_revision(obj)
        reversion.set_comment(FIRST_EDIT_COMMENT)
    return True


def history_record(objs, *, user, comment):
    """One revision holding ``objs`` as saved: for rows written by another model's form (a parcours' steps)."""
    objs = [obj for obj in objs if obj.pk is not None]
    if not objs:
        return
    with reversion.create_revision(manage_manually=True):
        for obj in objs:
            reversion.add_to_revision(obj)
        reversion.set_user(user)
        reversion.set_comment(comment)


# Comparison ---------------------------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    lines: list = field(default_factory=list)  # [(kind, text)], kind in "same", "del", "ins", "gap"
    removed: list = field(default_factory=list)  # many-to-many and followed rows: names gone, names added
    added: list = field(default_factory=list)


def _display(model_field, value):
    if value is None or value == "":
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "Oui" if value else "Non"
    if isinstance(model_field, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(model_field, models.DateField):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def _names(model, pks):
    """{pk: name} of the rows still there; a row deleted since is named by its number."""
    found = {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=pks)}
    return {pk: found.get(pk, f"n°\u00a0{pk} (supprimé)") for pk in pks}


def text_lines(old, new):
    """A readable line diff: changed lines with one line of context, « … » for what is skipped."""
    rows = []
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), n=1, lineterm="")
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if rows or not line.startswith(("@@ -1,", "@@ -1 ", "@@ -0,")):  # lines skipped before this part
                rows.append(("gap", "…"))
        else:
            rows.append(({"-": "del", "+": "ins"}.get(line[:1], "same"), line[1:]))
    return rows


def _field_change(model_field, old, new):
    label = capfirst(str(model_field.verbose_name))
    if isinstance(model_field, models.ManyToManyField):
        old_set, new_set = set(old or ()), set(new or ())
        if old_set == new_set:
            return None
        names = _names(model_field.related_model, old_set | new_set)
        return Change(label, removed=sorted(names[pk] for pk in old_set - new_set),
                      added=sorted(names[pk] for pk in new_set - old_set))
    if old == new:
        return None
    if isinstance(old, str) and isinstance(new, str) and old.rstrip().splitlines() == new.rstrip().splitlines():
        # The same lines but for their endings (CRLF in versions saved from a browser before the admin read them as
        # LF, core.history_admin) or a last newline (the form strips a body loaded from a file): nothing to show.
        return None
    if model_field.is_relation:
        names = _names(model_field.related_model, [pk for pk in (old, new) if pk is not None])
        return Change(label, old=names.get(old, EMPTY), new=names.get(new, EMPTY))
    long = isinstance(old, str) and isinstance(new, str) and (
        "\n" in old or "\n" in new or max(len(old), len(new)) > LONG_TEXT)
    if long:
        return Change(label, lines=text_lines(old, new))
    return Change(label, old=_display(model_field, old), new=_display(model_field, new))


def followed_versions(revision, rows, pk):
    """The versions of ``rows`` (a Followed) saved with ``revision`` for the object ``pk``."""
    content_type = ContentType.objects.get_for_model(rows.model)
    return [version for version in revision.version_set.filter(content_type=content_type)
            if rows.belongs(version.field_dict, str(pk))]


def version_changes(older, newer):
    """What changed from ``older`` to ``newer`` (two versions of one object): a list of Change, in the order of
    the model's fields, then the followed rows."""
    model = newer._model
    old_data, new_data = older.field_dict, newer.field_dict
    changes = []
    for model_field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if not model_field.editable or model_field.primary_key or model_field.attname not in new_data:
            continue
        change = _field_change(model_field, old_data.get(model_field.attname), new_data.get(model_field.attname))
        if change:
            changes.append(change)
    for rows in history_options(model).followed:
        old_lines = {rows.line(v.field_dict) for v in followed_versions(older.revision, rows, older.object_id)}
        new_lines = {rows.line(v.field_dict) for v in followed_versions(newer.revision, rows, newer.object_id)}
        if old_lines != new_lines:
            changes.append(Change(capfirst(rows.label), removed=sorted(old_lines - new_lines),
                                  added=sorted(new_lines - old_lines)))
    return changes


# Revert -------------------------------------------------------------------------------------------------------


def revert_comment(version):
    moment = formats.date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
    return f"Retour à la version du {moment}"


def version_revert(*, version, user):
    """Bring the object of ``version`` back to it, with its followed rows (see the module docstring). Raises
    RevertError, in French, when the old state cannot be written any more (a reference deleted since, an address
    taken by another object): nothing is then changed."""
    model = version._model
    options = history_options(model)
    obj = model._default_manager.get(pk=version.object_id)
    previous = model._default_manager.get(pk=obj.pk)  # as it was: the after_revert hooks compare with it
    kept = []
    try:
        with transaction.atomic(), reversion.create_revision(manage_manually=True):
            for rows in options.followed:
                saved = followed_versions(version.revision, rows, version.object_id)
                kept += saved
                saved_pks = {str(v.object_id) for v in saved}
                for row in getattr(obj, rows.accessor).all():
                    if str(row.pk) not in saved_pks:
                        row.delete()  # added since: the version did not have it
            for row_version in kept:
                row_version.revert()
            version.revert()  # a raw save: the derived fields are computed again just below
            obj = model._default_manager.get(pk=obj.pk)
            obj.save()
            if options.after_revert:
                options.after_revert(obj, previous)
            reversion.add_to_revision(model._default_manager.get(pk=obj.pk))  # as the hooks left it
            reversion.set_user(user)
            reversion.set_comment(revert_comment(version))
    except (DatabaseError, ObjectDoesNotExist, serializers.base.DeserializationError) as error:
        raise RevertError(
            "Impossible de revenir à cette version\u00a0: une fiche, une référence ou un vocabulaire qu’elle cite a "
            "été supprimé depuis, ou son identifiant d’adresse est pris par un autre contenu."
        ) from error
    return obj
