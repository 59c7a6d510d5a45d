from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Référentiel et fiches"

    def ready(self):
        from taggit.models import Tag, TaggedItem

        from core.content_cache import declare_content, scheduled_content
        from resources import fiche_links, fiche_tags
        from resources.history import history_register_resources
        from resources.models.fiche import next_visibility_change

        fiche_links.connect_receivers()  # bodies that link a fiche follow its title, slug, status and deletion
        fiche_tags.connect_receivers()  # the search copies follow a fiche's tags, however they change
        declare_content(Tag, TaggedItem)  # the fiches' tags are content, under taggit's own managers
        scheduled_content(next_visibility_change)  # fiches scheduled ahead, or withdrawn at a date
        history_register_resources()  # already done if the admin was loaded first
