"""Forms of the parcours (a step's status, its notes), with French labels and messages."""

from django import forms
from django.core.validators import MaxLengthValidator

from parcours.models import Status
from parcours.models.progress import NOTE_MAX_LENGTH


class StatusForm(forms.Form):
    statut = forms.ChoiceField(choices=Status.choices)


class NoteForm(forms.Form):
    """Plain text, at most NOTE_MAX_LENGTH characters, or the length of the stored note if longer."""

    note = forms.CharField(
        label="Mes notes",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=f"Visibles par vous seul·e, en texte simple ({NOTE_MAX_LENGTH:,} caractères au plus).".replace(",", "\u202f"),
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
