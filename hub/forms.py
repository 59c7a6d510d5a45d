"""Forms of the hub's own pages."""

from django import forms

from core.text import normalise_email
from resources.models.correction import MESSAGE_MAX, PROPOSED_TEXT_MAX


def _too_long(what, limit):
    return f"{what} dépasse {limit:,}\u00a0caractères".replace(",", "\u00a0") + "\u00a0: raccourcissez-le."


class CorrectionForm(forms.Form):
    """A reader's correction: no account, only what the editors need. ``site_web`` is a trap for robots: hidden
    from people (CSS and aria-hidden), a robot that fills every field gives itself away."""

    message = forms.CharField(
        label="Ce qui vous semble faux ou manquant", max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Citez le passage concerné et dites pourquoi (une source aide l’équipe à vérifier).",
        error_messages={"required": "Décrivez l’erreur ou ce qui manque.",
                        "max_length": _too_long("Le message", MESSAGE_MAX)},
    )
    proposed_text = forms.CharField(
        label="Texte que vous proposez", required=False, max_length=PROPOSED_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": _too_long("Le texte proposé", PROPOSED_TEXT_MAX)},
    )
    email = forms.EmailField(
        label="Votre adresse e-mail", required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="Facultative\u00a0: seulement pour vous répondre ou vous poser une question sur cette correction. "
                  "Elle est effacée 30\u00a0jours après le traitement de la correction.",
        error_messages={"invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
                        "max_length": "L’adresse e-mail dépasse 254\u00a0caractères."},
    )
    site_web = forms.CharField(label="Ne remplissez pas ce champ", required=False, max_length=200)

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    @property
    def is_robot(self):
        return bool(self.cleaned_data.get("site_web"))
