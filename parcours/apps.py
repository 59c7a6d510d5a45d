from django.apps import AppConfig


class ParcoursConfig(AppConfig):
    name = "parcours"
    verbose_name = "Parcours"

    def ready(self):
        from parcours.history import history_register_parcours

        history_register_parcours()  # already done if the admin was loaded first
