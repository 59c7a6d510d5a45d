from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Référentiel et fiches"

    def ready(self):
        from core.page_cache import bump_on_content_change, is_content_model
        from resources import fiche_links, fiche_tags

        fiche_links.connect_receivers()  # bodies that link a fiche follow its title, slug, status and deletion
        fiche_tags.connect_receivers()  # the search copies follow a fiche's tags, however they change

        # Any saved or deleted content (here, in taggit or in the parcours) makes the cached pages stale.
        # Connected to content models only: a receiver on every model would deny Django its fast deletes.
        for model in apps.get_models(include_auto_created=True):
            if is_content_model(model):
                uid = model._meta.label_lower
                post_save.connect(bump_on_content_change, sender=model, dispatch_uid=f"page-cache-save-{uid}")
                post_delete.connect(bump_on_content_change, sender=model, dispatch_uid=f"page-cache-delete-{uid}")
                m2m_changed.connect(bump_on_content_change, sender=model, dispatch_uid=f"page-cache-m2m-{uid}")
