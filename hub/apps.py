"""Application configurations: the hub's own, and the admin and taggit in French (listed in INSTALLED_APPS instead
of Django's and taggit's).

This module is imported while the application registry is being filled: it imports no model and no admin.
"""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from taggit.apps import TaggitAppConfig


class HubConfig(AppConfig):
    """The project's own app, on top of the others: home and information pages, site-wide search, « Mon espace »,
    project commands, and the wiring across apps."""

    name = "hub"
    verbose_name = "Hub"

    def ready(self):
        from hub.receivers import merge_visitor_work
        from hub.roles import roles_sync

        user_logged_in.connect(merge_visitor_work, dispatch_uid="hub-merge-visitor-work")
        post_migrate.connect(roles_sync, dispatch_uid="hub-roles-sync")


class HubAdminConfig(AdminConfig):
    """Django's admin on the hub's site (French titles, see hub.admin_french) and with French permission names."""

    default_site = "hub.admin_french.HubAdminSite"

    def ready(self):
        super().ready()
        from hub.admin_french import name_permissions_in_french

        post_migrate.connect(name_permissions_in_french, dispatch_uid="hub-permissions-in-french")


class TaggitConfig(TaggitAppConfig):
    """Taggit under a French name: its tags are the fiches' « mots-clés »."""

    verbose_name = "Mots-clés"

    def ready(self):
        super().ready()
        from taggit.models import Tag, TaggedItem

        # Taggit's French catalogue leaves « tags » untranslated and its models cannot take our Meta options (a
        # migration would have to go into the library). The names are display-only: makemigrations reads the
        # declared options (Options.original_attrs), so no migration follows from these four lines.
        Tag._meta.verbose_name, Tag._meta.verbose_name_plural = "mot-clé", "mots-clés"
        TaggedItem._meta.verbose_name = "attribution de mot-clé"
        TaggedItem._meta.verbose_name_plural = "attributions de mots-clés"
