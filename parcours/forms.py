"""Forms of the parcours (a step's status, its notes), with French labels and messages."""

from django import forms
from django.core.validators import MaxLengthValidator

from core.widgets import Textarea
from parcours.models import ActorType, Aim, Maturity, Status, TimeBudget
from parcours.models.progress import NOTE_MAX_LENGTH
from parcours.usage_paths import Answers
from resources.models import Domain, Region

NNBSP = "\u202f"  # the thousands separator of French numbers


class StatusForm(forms.Form):
    statut = forms.ChoiceField(choices=Status.choices)


class NoteForm(forms.Form):
    """Plain text, at most NOTE_MAX_LENGTH characters, or the length of the stored note if longer."""

    note = forms.CharField(
        label="Mes notes",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        widget=Textarea(attrs={"rows": 10}),
        help_text=f"Visibles par vous seul·e, en texte simple ({f'{NOTE_MAX_LENGTH:,}'.replace(',', NNBSP)} caractères au plus).",
        error_messages={
            "max_length": "Vos notes dépassent %(limit_value)d caractères (%(show_value)d saisis) : "
            "raccourcissez-les ou répartissez-les entre les étapes."
        },
    )

    def __init__(self, *args, current_length=0, **kwargs):
        super().__init__(*args, **kwargs)
        limit = max(NOTE_MAX_LENGTH, current_length)
        if limit != NOTE_MAX_LENGTH:
            field = self.fields["note"]
            field.max_length = limit
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)


NOT_OFFERED = "Cette réponse n’est pas proposée\u00a0: choisissez-en une de la liste."


def _choice(label, choices, missing):
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect,
        error_messages={"required": missing, "invalid_choice": NOT_OFFERED},
    )


class UsageAnswersForm(forms.Form):
    """« Par où commencer ? », sent by GET: the field names are the path's address (parcours.usage_paths)."""

    profil = _choice("Votre organisation", ActorType.choices, "Dites-nous quel type d’organisation vous représentez.")
    objectif = _choice("Ce que vous voulez faire", Aim.choices, "Choisissez ce que vous voulez faire en premier.")
    maturite = _choice("Où vous en êtes", Maturity.choices, "Dites-nous où vous en êtes.")
    temps = _choice("Le temps dont vous disposez", TimeBudget.choices, "Choisissez le temps dont vous disposez.")
    region = forms.ModelChoiceField(
        label="Votre région", required=False, queryset=Region.objects.only("pk", "slug", "label"),
        to_field_name="slug", empty_label="Sans préciser",
        error_messages={"invalid_choice": "Cette région n’est pas dans la liste\u00a0: choisissez-en une ou "
                                          "«\u00a0Sans préciser\u00a0»."},
    )
    domaine = forms.ModelChoiceField(
        label="Votre domaine d’action", required=False, queryset=Domain.objects.only("pk", "slug", "label"),
        to_field_name="slug", empty_label="Sans préciser",
        error_messages={"invalid_choice": "Ce domaine n’est pas dans la liste\u00a0: choisissez-en un ou "
                                          "«\u00a0Sans préciser\u00a0»."},
    )

    def answers(self):
        """The validated answers (call after is_valid())."""
        data = self.cleaned_data
        region, domain = data.get("region"), data.get("domaine")
        return Answers(
            profile=data["profil"], aim=data["objectif"], maturity=data["maturite"], time=data["temps"],
            region=region.slug if region else "", domain=domain.slug if domain else "",
            region_label=region.label if region else "", domain_label=domain.label if domain else "",
        )
