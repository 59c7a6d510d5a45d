from django.apps import AppConfig


class RendezvousConfig(AppConfig):
    name = "rendezvous"
    verbose_name = "Rendez-vous et lettre"
