"""Alerts on a search: an address follows a list of fiches or a search, and receives what is new there by e-mail.

Only what the feature needs is kept (the legal notice promises it): the address, the followed search, the frequency,
and dates. Nothing ties a row to an account: an alert is asked for with or without one, and stopped by the link of
its e-mails. The rules (double opt-in, the job that sends, the links) are in rendezvous.alerts.
"""

from django.db import models
from django.db.models import Q


class AlertFrequency(models.TextChoices):
    DAILY = "daily", "Quotidienne"
    WEEKLY = "weekly", "Hebdomadaire"


class SearchAlert(models.Model):
    email = models.EmailField("adresse e-mail", max_length=254)
    # The followed address, normalised by rendezvous.alerts.followed_search: « /fiches/?famille=action&levier=… »
    # or « /recherche/?q=… », valid filters only, in a fixed order (one row per search whatever order it came in).
    query = models.CharField("recherche suivie", max_length=500)
    frequency = models.CharField("fréquence", max_length=10, choices=AlertFrequency, default=AlertFrequency.WEEKLY)
    # Signed into the e-mailed links (rendezvous.tokens): a deleted row takes its links with it.
    nonce = models.CharField("nonce", max_length=32, editable=False)
    created_at = models.DateTimeField("demandée le")
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    # The high-water mark: fiches published or updated after it are news for the next e-mail.
    checked_until = models.DateTimeField("nouveautés cherchées jusqu’au", null=True, blank=True)
    last_sent_at = models.DateTimeField("dernier envoi le", null=True, blank=True)

    class Meta:
        verbose_name = "alerte sur une recherche"
        verbose_name_plural = "alertes sur une recherche"
        ordering = ["-created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["email", "query"], name="search_alert_email_query_unique")]
        indexes = [
            # The job: confirmed alerts (a mark) of one frequency whose mark is before the current period.
            models.Index(fields=["frequency", "checked_until"], name="search_alert_due_idx"),
            # The prune: unconfirmed requests older than a week.
            models.Index(fields=["created_at"], condition=Q(confirmed_at__isnull=True),
                         name="search_alert_unconfirmed_idx"),
        ]

    def __str__(self):
        return f"{self.email} · {self.query}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None
