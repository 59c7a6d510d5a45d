"""What readers and reviewers say about a fiche: a reader's correction, a reviewer's remark.

Neither is content: no page shows them, so their plain managers leave the content version alone (a correction
sent by a reader never empties the page cache). A correction is never published by itself: staff read it beside
the fiche in the admin, change the fiche if they agree, and mark it handled.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

MESSAGE_MAX = 3000
PROPOSED_TEXT_MAX = 10000
NOTE_MAX = 3000


class Correction(models.Model):
    class Status(models.TextChoices):
        # « nouvelle » sorts before « traitee »: ordering by status lists what is left to do first.
        NEW = "nouvelle", "Nouvelle"
        HANDLED = "traitee", "Traitée"

    fiche = models.ForeignKey("resources.Fiche", on_delete=models.CASCADE, related_name="corrections",
                              verbose_name="fiche")
    message = models.TextField("message", max_length=MESSAGE_MAX)
    proposed_text = models.TextField("texte proposé", max_length=PROPOSED_TEXT_MAX, blank=True)
    email = models.EmailField("adresse e-mail pour répondre", blank=True,
                              help_text="Effacée 30\u00a0jours après le traitement (manage.py prune_corrections).")
    created_at = models.DateTimeField("reçue le", auto_now_add=True)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.NEW)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="traitée par")
    handled_at = models.DateTimeField("traitée le", null=True, blank=True)
    staff_note = models.TextField("note de l’équipe", blank=True, max_length=NOTE_MAX,
                                  help_text="Ce qui a été fait ou décidé (jamais montré au lecteur).")

    class Meta:
        verbose_name = "correction proposée"
        verbose_name_plural = "corrections proposées"
        ordering = ["status", "-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="correction_status_created_idx")]

    def __str__(self):
        return f"Correction de «\u00a0{self.fiche.title}\u00a0» du {timezone.localtime(self.created_at):%d/%m/%Y}"


class ReviewNote(models.Model):
    """A reviewer's remark on a fiche, for the editors: kept apart from the fiche's text and never published."""

    fiche = models.ForeignKey("resources.Fiche", on_delete=models.CASCADE, related_name="review_notes",
                              verbose_name="fiche")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name="auteur ou autrice")
    text = models.TextField("remarque", max_length=NOTE_MAX)
    created_at = models.DateTimeField("écrite le", auto_now_add=True)

    class Meta:
        verbose_name = "remarque de relecture"
        verbose_name_plural = "remarques de relecture"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Remarque sur «\u00a0{self.fiche.title}\u00a0»"
