"""The last check of each external address of the content (the ``check_links`` command, the admin « Liens cassés »)."""

from django.db import models


class LinkCheck(models.Model):
    """One external address and what the last check found.

    Not content: its manager is Django's plain one, so that a check run (thousands of writes a day) never changes
    the content version and never empties the page cache (core.content_cache).
    """

    class Status(models.TextChoices):
        # Values shared with hub.link_checker (OK, BROKEN, UNREACHABLE).
        BROKEN = "broken", "Cassé"
        UNREACHABLE = "unreachable", "Injoignable"
        OK = "ok", "Valide"

    url = models.URLField("adresse", max_length=2000, unique=True)
    status = models.CharField("état", max_length=12, choices=Status.choices)
    code = models.PositiveSmallIntegerField("code HTTP", null=True, blank=True)
    reason = models.CharField("raison", max_length=200, blank=True)
    checked_at = models.DateTimeField("vérifié le")
    first_failed_at = models.DateTimeField(
        "en échec depuis", null=True, blank=True, help_text="Première vérification en échec d’affilée."
    )
    failures = models.PositiveIntegerField("échecs d’affilée", default=0)
    # [{model, pk, anchor, label, field}] written by the command (hub.link_sources.Place): where to correct it.
    used_in = models.JSONField("employé dans", default=list, blank=True)

    objects = models.Manager()

    class Meta:
        verbose_name = "lien externe"
        verbose_name_plural = "liens cassés"
        ordering = ["url"]

    def __str__(self):
        return self.url

    @property
    def is_failing(self):
        return self.status != self.Status.OK
