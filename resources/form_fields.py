"""Form fields shared by every form that asks who an organisation is (profile, diagnostic)."""

from django import forms

from resources.models import ActorProfile, Region


def actor_profile_field():
    return forms.ModelChoiceField(
        ActorProfile.objects.all(), required=False, label="Type d’organisation", empty_label="Non renseigné"
    )


def region_field():
    return forms.ModelChoiceField(Region.objects.all(), required=False, label="Région", empty_label="Non renseignée")
