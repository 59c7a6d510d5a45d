"""The editorial roles, as Django groups: « Éditeur » and « Relecteur », defined here and nowhere else.

``roles_sync`` (post_migrate, connected in hub.apps) gives each group exactly the permissions below, app by app,
as Django creates permissions: a fresh database has both groups, a new content model joins them at the next
``migrate``, and running it again changes nothing. The groups are the code's: a permission added to them by hand
in the admin is taken away at the next ``migrate`` (give it to the person instead).

- Éditeur: every permission on content (``core.content_cache.is_content_model``, so a new content model follows,
  plus the editorial models that no cached page shows: the letter's issues, the diagnostic's level descriptions
  and recommendation rules) and on readers' corrections and review notes. Not: people and their rights (users,
  groups, permissions, accounts' models, sessions), the diagnostic's rates and what people typed (organisations,
  spaces…), the outgoing e-mails, nor the personal data of registrations, subscribers and alerts.
- Relecteur: view on the same content; view and change on corrections (to mark them handled); add and view on
  review notes.

Staff status is still what opens the admin: a role alone gives nothing (README « Rôles »).
"""

from django.apps import apps as global_apps
from django.contrib.auth import get_permission_codename
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, router

from core.content_cache import is_content_model

EDITOR = "Éditeur"
REVIEWER = "Relecteur"
ALL = ("add", "change", "delete", "view")

# Edited by the editorial team but never part of a cached page, so not content for the cache.
EDITORIAL_MODELS = {"rendezvous.letter", "diagnostic.activationdescriptor", "diagnostic.recommendationrule"}
CORRECTION, REVIEW_NOTE = "resources.correction", "resources.reviewnote"


def _is_editorial(model):
    return model._meta.label_lower in EDITORIAL_MODELS or is_content_model(model)


def role_actions(role, model):
    """The actions (add, change, delete, view) a role has on a model (a real model, not a migration's)."""
    label = model._meta.label_lower
    if role == EDITOR:
        return ALL if label in (CORRECTION, REVIEW_NOTE) or _is_editorial(model) else ()
    if label == CORRECTION:
        return ("change", "view")
    if label == REVIEW_NOTE:
        return ("add", "view")
    return ("view",) if _is_editorial(model) else ()


def roles_sync(sender, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """post_migrate: each role gets exactly its permissions on the models of the migrated app (see the module)."""
    if not getattr(sender, "models_module", None):
        return
    # Django creates the app's permissions on this same signal, maybe after this receiver: created here first.
    create_permissions(sender, verbosity=0, interactive=False, using=using, apps=apps)
    try:
        Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    except LookupError:
        return
    if not router.allow_migrate_model(using, Permission):
        return
    app_permissions = Permission.objects.using(using).filter(content_type__app_label=sender.label)
    by_key = {(p.content_type.model, p.codename): p.pk for p in app_permissions.select_related("content_type")}
    for role in (EDITOR, REVIEWER):
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = {
            by_key[key]
            for model in sender.get_models()  # the real models: is_content_model reads their managers
            for action in role_actions(role, model)
            if (key := (model._meta.model_name, get_permission_codename(action, model._meta))) in by_key
        }
        held = set(group.permissions.filter(pk__in=app_permissions.values("pk")).values_list("pk", flat=True))
        if held - wanted:
            group.permissions.remove(*(held - wanted))
        if wanted - held:
            group.permissions.add(*(wanted - held))


def roles_sync_all(using=DEFAULT_DB_ALIAS):
    """Every app's share of the roles at once (a restored backup that brought no groups, the tests)."""
    for config in global_apps.get_app_configs():
        roles_sync(config, using=using)
