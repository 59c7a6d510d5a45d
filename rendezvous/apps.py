from django.apps import AppConfig


class RendezvousConfig(AppConfig):
    name = "rendezvous"
    verbose_name = "Rendez-vous et lettre"

    def ready(self):
        from core.content_cache import scheduled_content
        from rendezvous.history import history_register_rendezvous
        from rendezvous.models.events import next_visibility_change

        scheduled_content(next_visibility_change)  # events scheduled ahead, or withdrawn at a date
        history_register_rendezvous()  # already done if the admin was loaded first
