"""The forms of the alerts: ask for one (address, frequency, consent), and change its frequency."""

from django import forms

from rendezvous.models import AlertFrequency

FREQUENCY_ERRORS = {"required": "Choisissez une fréquence.", "invalid_choice": "Choisissez l’une des fréquences proposées."}
FREQUENCY_HELP = {
    AlertFrequency.DAILY: "un e-mail au plus par jour, le matin, les jours où il y a du nouveau",
    AlertFrequency.WEEKLY: "un e-mail au plus par semaine, le lundi matin, s’il y a du nouveau",
}


class AlertForm(forms.Form):
    email = forms.EmailField(
        label="Votre adresse e-mail",
        max_length=254,
        error_messages={
            "required": "Indiquez l’adresse e-mail où recevoir les nouveautés.",
            "invalid": "Saisissez une adresse e-mail complète, par exemple prenom.nom@exemple.org.",
            "max_length": "254 caractères au plus.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    frequency = forms.ChoiceField(label="Fréquence", choices=AlertFrequency.choices, initial=AlertFrequency.WEEKLY,
                                  widget=forms.RadioSelect, error_messages=FREQUENCY_ERRORS)
    consent = forms.BooleanField(
        label="J’accepte que le hub garde mon adresse et cette recherche pour m’envoyer ces e-mails, jusqu’à ce que "
              "j’arrête l’alerte (un lien dans chaque e-mail).",
        error_messages={"required": "Cochez cette case pour recevoir les e-mails."},
    )

    def consent_widget(self):
        """The checkbox, tied to its error for assistive technologies (it sits before its label)."""
        bound = self["consent"]
        attrs = {"aria-describedby": f"{bound.auto_id}_erreur", "aria-invalid": "true"} if bound.errors else {}
        return bound.as_widget(attrs=attrs)

    def frequency_options(self):
        """[(radio, what it means)] for the frequency's fieldset; each radio is described by its sentence."""
        options = []
        for radio in self["frequency"]:
            radio.data["attrs"] = {**radio.data["attrs"], "aria-describedby": f"{radio.id_for_label}_aide"}
            options.append((radio, FREQUENCY_HELP[radio.data["value"]]))
        return options


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(label="Fréquence", choices=AlertFrequency.choices, widget=forms.RadioSelect,
                                  error_messages=FREQUENCY_ERRORS)

    frequency_options = AlertForm.frequency_options
