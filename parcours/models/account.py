"""What the hub keeps about a person besides their progress: an optional profile and saved fiches."""

from django.conf import settings
from django.db import models

from resources.models import ActorProfile, Fiche, Region


class Profile(models.Model):
    """Optional: the name printed on attestations, and what suggests fiches in « Mon espace »."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name="compte"
    )
    display_name = models.CharField("nom affiché", max_length=150, blank=True)
    actor_profile = models.ForeignKey(
        ActorProfile, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="type d’organisation"
    )
    region = models.ForeignKey(Region, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="région")

    class Meta:
        verbose_name = "profil"
        verbose_name_plural = "profils"


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
