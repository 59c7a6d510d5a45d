from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Référentiel et fiches"

    def ready(self):
        from hub.page_cache import bump_on_content_change

        # Any saved or deleted content (here, in taggit or in the parcours) makes the cached pages stale.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(bump_on_content_change, dispatch_uid=f"page-cache-{signal}")
