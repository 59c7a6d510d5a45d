"""Backup and restore of the whole database as one gzip-compressed JSON file (Django's dumpdata / loaddata).

The same file round-trips SQLite and PostgreSQL alike: content, accounts, groups and permissions given to them,
progress, notes, saved fiches, enrolments, diagnostics, the valuation rates, tags and the admin history.

What does not travel, and why:

- ``contenttypes`` and ``auth.permission``: every database builds its own after ``migrate``, with ids of its
  own. Rows that point to them (tagged items, admin history, permissions given to users and groups) are
  written with natural keys (« resources.fiche », « change_fiche ») and find the target's ids on restore.
- ``sessions``: short-lived logins and the progress of visitors without an account; restoring them would
  bring back logins from the old server (and a restore with ``replace=True`` logs everyone out).

Derived columns are written as they are stored and loaded as they are (loaddata skips ``save()``): the
rendered HTML and folded search copies of fiches and steps come back identical. The PostgreSQL generated
column ``Fiche.search_vector`` is in the file but never inserted: the database computes it again from the
restored text. Times keep their milliseconds, not their microseconds (Django's JSON encoder, as ECMA-262 dates).
"""

import contextlib
import gzip
import json
import os
import tempfile
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.commands import loaddata
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from core.content_cache import bump_content_version
from hub.roles import roles_sync_all

SUFFIX = ".json.gz"
EXCLUDED = ("contenttypes", "auth.permission", "sessions", "accounts.session")
# Rows that migrations create in every new database (diagnostic/migrations/0002_default_rates.py; the editorial
# roles, hub/roles.py): they are not « data » for the emptiness check, and the backup's own rows replace them.
SEEDED_BY_MIGRATIONS = ("diagnostic.valuationrates", "auth.group")
# Models that changed app since older backups were written: their rows and the natural keys that name them
# (content types, permissions) are read under the new name.
MOVED_MODELS = {("parcours", "profile"): ("accounts", "profile")}


class BackupError(Exception):
    """A backup or restore that must not happen; the message says why, in French, for the command line."""


def backup_write(path, *, using=DEFAULT_DB_ALIAS):
    """Write every row that matters into ``path`` (a .json.gz file); returns the number of objects written.

    One transaction (repeatable read on PostgreSQL) so that the file is a consistent snapshot even while the
    site keeps writing; written beside the target then renamed, so a failed backup never leaves a truncated
    file under the expected name. The file is readable by its owner only: it holds password hashes and
    personal notes.
    """
    path = _checked_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    try:
        connection = connections[using]
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        with transaction.atomic(using=using):
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # UTF-8 whatever the locale says (dumpdata's own --output would use the locale's encoding).
            with gzip.open(partial, "wt", encoding="utf-8") as stream:
                call_command(
                    "dumpdata",
                    exclude=list(EXCLUDED),
                    use_natural_foreign_keys=True,
                    use_base_manager=True,
                    database=using,
                    verbosity=0,
                    stdout=stream,
                )
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    # Reading the file back proves it is complete before anyone relies on it.
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return len(json.load(stream))


def backup_restore(path, *, replace=False, using=DEFAULT_DB_ALIAS):
    """Load a file written by ``backup_write``; returns the number of objects loaded.

    Refuses a database that already holds data, since mixing two states would silently keep rows the backup
    does not know about (or fail halfway on a duplicate); ``replace=True`` empties it first (``flush``).
    Everything happens in one transaction: a restore that fails leaves the database as it was.
    """
    path = _checked_path(path)
    if not path.is_file():
        raise BackupError(f"Fichier de sauvegarde introuvable : {path}")
    loader = loaddata.Command()
    try:
        with transaction.atomic(using=using):
            if replace:
                call_command("flush", interactive=False, database=using, verbosity=0)
            else:
                _refuse_if_not_empty(using)
            seeded = [apps.get_model(label) for label in SEEDED_BY_MIGRATIONS]
            for model in seeded:
                model._base_manager.using(using).all().delete()
            # This database's content type ids may differ from the source's: natural keys are looked up afresh.
            ContentType.objects.clear_cache()
            with _current_labels(path) as current:
                call_command(loader, str(current), database=using, verbosity=0)
            # What the backup did not bring back is seeded again, as migrate would have: the default rates, and
            # the roles (their permissions as the code defines them, whatever the backup's groups held).
            rates = apps.get_model("diagnostic.valuationrates")._base_manager.using(using)
            if not rates.exists():
                rates.create()
            roles_sync_all(using=using)
    finally:
        # A flush rolled back would leave ids of content types that no longer exist in the cache.
        ContentType.objects.clear_cache()
    # Pages cached before the restore (or during it) are stale: flush empties tables in SQL, without signals.
    bump_content_version()
    return loader.loaded_object_count


def saved_models():
    """The models whose rows a backup holds (many-to-many tables travel with their models)."""
    models = []
    for model in apps.get_models():
        options = model._meta
        if options.app_label in EXCLUDED or options.label_lower in EXCLUDED:
            continue
        if options.proxy or not options.managed:
            continue
        models.append(model)
    return models


@contextlib.contextmanager
def _current_labels(path):
    """``path``, or a copy of it in the temporary folder where the models of MOVED_MODELS carry their current app
    label (backups written before they moved)."""
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        text = stream.read()
    if not any(f'"{app}.{model}"' in text for app, model in MOVED_MODELS):
        yield path
        return
    objects = json.loads(text)
    for row in objects:
        _relabel_row(row)
    handle, copy = tempfile.mkstemp(prefix="hub-restore-", suffix=SUFFIX)
    os.close(handle)
    try:
        with gzip.open(copy, "wt", encoding="utf-8") as stream:
            json.dump(objects, stream)
        yield Path(copy)
    finally:
        Path(copy).unlink(missing_ok=True)


def _moved(app, model):
    return MOVED_MODELS.get((app, model), (app, model))


def _relabel_row(row):
    """A row's own label, and the natural keys in its fields that name a moved model: a content type
    [app, model], or a permission [codename, app, model] (alone or in a many-to-many list). Nothing else."""
    row["model"] = ".".join(_moved(*row["model"].split(".", 1)))

    def key(value):
        if isinstance(value, list) and len(value) == 2 and all(isinstance(part, str) for part in value):
            return list(_moved(*value))
        if isinstance(value, list) and len(value) == 3 and all(isinstance(part, str) for part in value):
            return [value[0], *_moved(*value[1:])]
        return value

    for name, value in row.get("fields", {}).items():
        if isinstance(value, list) and value and all(isinstance(item, list) for item in value):
            row["fields"][name] = [key(item) for item in value]
        else:
            row["fields"][name] = key(value)


def _checked_path(path):
    path = Path(path)
    if not path.name.endswith(SUFFIX) or path.name == SUFFIX:
        raise BackupError(f"Le fichier de sauvegarde doit se terminer par « {SUFFIX} » (JSON compressé) : {path}")
    return path.resolve()


def _refuse_if_not_empty(using):
    found = []
    for model in saved_models():
        if model._meta.label_lower in SEEDED_BY_MIGRATIONS:
            continue
        count = model._base_manager.using(using).count()
        if count:
            name = str(model._meta.verbose_name_plural)
            found.append(f"{name[:1].lower()}{name[1:]} : {count}")
    if found:
        shown = ", ".join(found[:5]) + (", …" if len(found) > 5 else "")
        raise BackupError(
            f"Restauration refusée : la base contient déjà des données ({shown}). La sauvegarde s’y mêlerait "
            "à l’existant. Pour vider la base avant de restaurer, relancez avec --replace "
            "(make restore BACKUP=… REPLACE=1)."
        )
