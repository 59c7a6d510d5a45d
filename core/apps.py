from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared bottom layer: text, caching, environment, sessions, redirects, work after the response and the
    template tags every app uses.

    It has no model and imports no other package of the project.
    """

    name = "core"
    verbose_name = "Socle commun"

    def ready(self):
        from core import after_response
        from core.content_cache import watch_content_models

        watch_content_models()
        after_response.connect()
