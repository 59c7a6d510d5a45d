"""« La lettre »: its issues and the people who receive it.

A subscriber is an address and the dates of its consent, nothing more: asked (``created_at``, the last request)
and confirmed (``confirmed_at``, by the link of the e-mail: double opt-in). Unconfirmed rows are deleted 7 days
after the last request; unsubscribing deletes the row. The ``nonce`` is signed into the links (rendezvous.tokens):
a new request redraws it, which kills the previous confirmation link; a deleted row kills them all.

An issue (``Letter``) is written in the admin, then published with a date (``published_at``, possibly ahead):
the job (``send_due``) assembles its items once that date has come, freezes them in ``content`` and queues one
e-mail per subscriber confirmed by then. The web archive shows the frozen issue: the page and the e-mails say the
same thing forever, whatever happens to the fiches afterwards. rendezvous/letter.py has the rules.
"""

import secrets

from django.db import models
from django.utils import timezone

from core.addresses import remembered_reverse
from resources.markdown import render_markdown


def new_nonce():
    return secrets.token_hex(16)


class LetterSubscriber(models.Model):
    email = models.EmailField("adresse e-mail", max_length=254, unique=True)
    nonce = models.CharField("jeton", max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)

    class Meta:
        verbose_name = "abonnement à la lettre"
        verbose_name_plural = "abonnements à la lettre"
        ordering = ["-created_at", "-id"]
        # The job reads the confirmed ones (a letter's recipients) and prunes the unconfirmed ones by date.
        indexes = [models.Index(fields=["confirmed_at", "id"], name="letter_sub_confirmed_idx"),
                   models.Index(fields=["created_at"], name="letter_sub_unconfirmed_idx",
                                condition=models.Q(confirmed_at__isnull=True))]

    def __str__(self):
        return self.email


class LetterQuerySet(models.QuerySet):
    def online(self):
        """Issues anyone may read: published, their date come, their items frozen by the job."""
        return self.filter(status=Letter.Status.PUBLISHED, published_at__lte=timezone.now(), frozen_at__isnull=False)

    def due(self, now):
        """Published issues whose date has come and whose e-mails are not all queued yet."""
        return self.filter(status=Letter.Status.PUBLISHED, published_at__lte=now, queued_at__isnull=True)


class Letter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        PUBLISHED = "published", "Publiée"

    number = models.PositiveIntegerField("numéro", unique=True)
    title = models.CharField("titre", max_length=200)
    intro = models.TextField(
        "introduction (Markdown)", blank=True,
        help_text="Quelques lignes avant les nouveautés, facultatives. Le reste de la lettre est assemblé seul.",
    )
    intro_html = models.TextField("introduction (HTML)", blank=True, editable=False)
    period_start = models.DateField("début de la période", help_text="Fiches publiées ou mises à jour à partir de ce jour.")
    period_end = models.DateField("fin de la période", help_text="… jusqu’à ce jour inclus.")
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "envoi le", null=True, blank=True,
        help_text="Heure de Paris. Vide à la publication : maintenant. La lettre part au passage suivant de "
                  "l’envoi (toutes les 5 minutes) et paraît alors dans les archives.",
    )
    # Set by the job: the items as they were when the issue went out, then the moment its last e-mail was queued.
    content = models.JSONField("contenu figé", default=dict, blank=True, editable=False)
    frozen_at = models.DateTimeField("contenu figé le", null=True, blank=True, editable=False)
    queued_at = models.DateTimeField("e-mails préparés le", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = "lettre"
        verbose_name_plural = "lettres"
        ordering = ["-number"]
        indexes = [models.Index(fields=["status", "published_at"], name="letter_status_published_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="letter_period_in_order",
                                   violation_error_message="La fin de la période ne peut précéder son début."),
        ]

    def __str__(self):
        return f"n°\u00a0{self.number} — {self.title}"

    def save(self, *args, **kwargs):
        self.intro_html = render_markdown(self.intro)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return remembered_reverse("rendezvous:letter_detail", kwargs={"number": self.number})
