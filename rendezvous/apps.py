from django.apps import AppConfig


class RendezvousConfig(AppConfig):
    name = "rendezvous"
    verbose_name = "Rendez-vous et lettre"

    def ready(self):
        from rendezvous.history import history_register_rendezvous

        history_register_rendezvous()  # already done if the admin was loaded first
