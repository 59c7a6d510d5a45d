"""The registration form of an event, and staff's message to the registered people.

Anything typed that could end up in an e-mail header is refused if it holds a line break or another control
character (a header injection attempt is a form error, never an e-mail).
"""

import re

from django import forms
from django.core.exceptions import ValidationError

from core.text import normalise_email
from rendezvous.forms.fields import CONSENT_SHORT_LABEL, EMAIL_ERRORS

CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
MESSAGE_ID = re.compile(r"\A[0-9a-f]{32}\Z")
CONSENT_SENTENCE = (
    "J’accepte que le hub garde mon nom, mon adresse e-mail et mon organisation pour gérer mon inscription\u00a0: "
    "ils servent à m’écrire au sujet de ce rendez-vous, ne sont montrés qu’à l’équipe du hub et sont effacés dès que "
    "j’annule, ou 30 jours après le rendez-vous."
)


def single_line(value):
    if CONTROL.search(value or ""):
        raise ValidationError("Écrivez ce champ sur une seule ligne, sans retour à la ligne ni caractère de contrôle.")


class RegistrationForm(forms.Form):
    """Checks what was typed, never the database: the answer is the same for any address."""

    consent_sentence = CONSENT_SENTENCE  # the checkbox's <label>; the field's label names it in the error summary

    name = forms.CharField(label="Nom et prénom", max_length=150, validators=[single_line],
                           error_messages={"required": "Indiquez votre nom."},
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label="Adresse e-mail", max_length=254, validators=[single_line],
                             help_text="La confirmation et le lien pour annuler y sont envoyés.",
                             error_messages=EMAIL_ERRORS, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    organisation = forms.CharField(label="Organisation (facultatif)", max_length=200, required=False,
                                   validators=[single_line],
                                   widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    consent = forms.BooleanField(label=CONSENT_SHORT_LABEL, error_messages={
        "required": "Cochez cette case pour vous inscrire\u00a0: sans votre accord, nous ne pouvons rien garder."})

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Indiquez votre nom.")
        return name


class EventMessageForm(forms.Form):
    """« Écrire aux inscrits »: ``message_id`` is drawn when the form is shown, so the same form sent twice is one
    message (rendezvous.registrations.event_message_queue)."""

    # vLargeTextField: the admin's class for its wide text fields (610 px in a form's column).
    subject = forms.CharField(label="Objet", max_length=200, validators=[single_line],
                              widget=forms.TextInput(attrs={"class": "vLargeTextField"}))
    text = forms.CharField(label="Message", max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 14, "class": "vLargeTextField"}),
                           help_text="Texte brut. Le lien de l’inscription de chaque personne est ajouté en dessous.")
    message_id = forms.CharField(widget=forms.HiddenInput)

    def clean_message_id(self):
        value = self.cleaned_data["message_id"]
        if not MESSAGE_ID.match(value):
            raise ValidationError("Formulaire incomplet\u00a0: rechargez la page avant de l’envoyer.")
        return value
