"""The fiches a person saved in « Mon espace »."""

from django.conf import settings
from django.db import models

from resources.models import Fiche


class SavedFiche(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_fiches", verbose_name="compte"
    )
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="+", verbose_name="fiche")
    saved_at = models.DateTimeField("sauvegardée le", auto_now_add=True)

    class Meta:
        verbose_name = "fiche sauvegardée"
        verbose_name_plural = "fiches sauvegardées"
        constraints = [models.UniqueConstraint(fields=["user", "fiche"], name="saved_fiche_unique_per_user")]
        ordering = ["-saved_at", "-pk"]
