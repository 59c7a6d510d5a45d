"""The editorial roles, as Django groups: « Éditeur » and « Relecteur », defined here and nowhere else.

``roles_sync`` (post_migrate, connected in hub.apps) gives each group exactly the permissions below once Django
has created every app's permissions: a fresh database has both groups, a new content model joins them at the next
``migrate``, and running it again changes nothing. The groups are the code's: a permission added to them by hand
in the admin is taken away at the next ``migrate`` (give it to the person instead).

- Éditeur: every permission on content (``core.content_cache.is_content_model``, so a new content model follows,
  plus the editorial models that no cached page shows: the letter's issues) and on readers' corrections and
  review notes. Not: people and their rights (users, groups, permissions, accounts' models, sessions), the
  diagnostic's rates and what people typed (organisations, spaces…), the outgoing e-mails, nor the personal data
  of registrations, subscribers and alerts.
- Relecteur: view on the same content; view and change on corrections (to mark them handled); add and view on
  review notes.
- Both: view on the « Liens cassés » list.

Staff status is still what opens the admin: a role alone gives nothing (README « Rôles »).
"""

from django.apps import apps as global_apps
from django.contrib.auth import get_permission_codename
from django.db import DEFAULT_DB_ALIAS, router

from core.content_cache import is_content_model

EDITOR = "Éditeur"
REVIEWER = "Relecteur"
ROLES = (EDITOR, REVIEWER)
ALL = ("add", "change", "delete", "view")

# Edited by the editorial team but never part of a cached page, so not content for the cache.
EDITORIAL_MODELS = {"rendezvous.letter"}
# Content for the cache (the same for everyone, cached by the result page) but reserved to administrators: the
# diagnostic's rates change every organisation's figures.
ADMIN_ONLY_CONTENT = {"diagnostic.valuationrates"}
CORRECTION, REVIEW_NOTE = "resources.correction", "resources.reviewnote"
LINK_CHECK = "resources.linkcheck"  # the « Liens cassés » list: read-only for everyone, written by check_links


def _is_editorial(model):
    label = model._meta.label_lower
    return label in EDITORIAL_MODELS or (is_content_model(model) and label not in ADMIN_ONLY_CONTENT)


def role_actions(role, model):
    """The actions (add, change, delete, view) a role has on a model (a real model, not a migration's)."""
    label = model._meta.label_lower
    if label == LINK_CHECK:
        return ("view",)
    if role == EDITOR:
        return ALL if label in (CORRECTION, REVIEW_NOTE) or _is_editorial(model) else ()
    if label == CORRECTION:
        return ("change", "view")
    if label == REVIEW_NOTE:
        return ("add", "view")
    return ("view",) if _is_editorial(model) else ()


def roles_sync(sender, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """post_migrate: once per migrate (or flush), at the signal of the last app, when Django has created every
    app's permissions: each role gets exactly its permissions (see the module). A few queries, whatever the number
    of apps: flushes between transactional tests send this signal too."""
    with_models = [config for config in global_apps.get_app_configs() if config.models_module is not None]
    if with_models and sender.label == with_models[-1].label:
        roles_sync_all(using=using, apps=apps)


def roles_sync_all(using=DEFAULT_DB_ALIAS, apps=global_apps):
    """Give each role exactly its permissions now (post_migrate, a restored backup); idempotent."""
    try:
        Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    except LookupError:
        return
    if not router.allow_migrate_model(using, Permission):
        return
    by_key = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename")
    }
    groups = {group.name: group for group in Group.objects.using(using).filter(name__in=ROLES)}
    for name in ROLES:
        if name not in groups:
            groups[name] = Group.objects.using(using).create(name=name)
    Link = Group.permissions.through
    held = set(Link.objects.using(using).filter(group__in=groups.values()).values_list("group_id", "permission_id"))
    wanted = {
        (groups[role].pk, by_key[key])
        for role in ROLES
        for model in global_apps.get_models()  # the real models: is_content_model reads their managers
        for action in role_actions(role, model)
        if (key := (model._meta.app_label, get_permission_codename(action, model._meta))) in by_key
    }
    for group_id, permission_id in held - wanted:
        Link.objects.using(using).filter(group_id=group_id, permission_id=permission_id).delete()
    Link.objects.using(using).bulk_create(
        [Link(group_id=group_id, permission_id=permission_id) for group_id, permission_id in wanted - held]
    )
