"""What the hub keeps about a person besides their work: an optional profile."""

from django.conf import settings
from django.db import models

from resources.models import ActorProfile, Region


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
