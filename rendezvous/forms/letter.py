"""The subscription form of « La lettre »: an address and a consent, checked without the database (the answer is
the same whether the address is subscribed or not)."""

from django import forms

from core.text import normalise_email
from rendezvous.forms.fields import CONSENT_SHORT_LABEL, EMAIL_ERRORS

CONSENT = ("J’accepte que le hub garde mon adresse e-mail pour m’envoyer la lettre, jusqu’à mon désabonnement "
           "(un lien dans chaque lettre).")


class LetterSubscribeForm(forms.Form):
    consent_sentence = CONSENT  # the checkbox's <label>; the field's label names it in the error summary

    email = forms.EmailField(
        label="Adresse e-mail", max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}), error_messages=EMAIL_ERRORS,
    )
    consent = forms.BooleanField(
        label=CONSENT_SHORT_LABEL,
        error_messages={"required": "Cochez la case pour accepter que nous gardions votre adresse."},
    )

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])
