"""Forms of the 8-step method worked on together: a step's status, the answers to the board's questions, a
decision, a comment; French labels and messages."""

import datetime

from django import forms
from django.utils import timezone

from diagnostic.models import ANSWER_MAX_LENGTH, COMMENT_MAX_LENGTH, DECISION_MAX_LENGTH
from parcours.models import Status


def _thousands(number):
    return f"{number:,}".replace(",", "\u202f")


MARKDOWN_HELP = (
    "Mise en forme possible\u00a0: **gras**, *italique*, une liste en commençant chaque ligne par un tiret, un lien "
    f"en écrivant [texte](https://…). {_thousands(COMMENT_MAX_LENGTH)} caractères au plus."
)
OLDEST_DECISION = datetime.date(1901, 1, 1)


def _too_long(what):
    return f"{what} dépasse %(limit_value)d caractères (%(show_value)d saisis)\u00a0: raccourcissez-le."


class StepStatusForm(forms.Form):
    """Sent by one of the status buttons, which belong to the answers' form: the answers typed are saved too."""

    statut = forms.ChoiceField(
        choices=Status.choices, required=False,
        error_messages={"invalid_choice": "Ce statut n’existe pas\u00a0: choisissez-en un parmi les boutons."},
    )


class AnswersForm(forms.Form):
    """One text box per question of the step (``questions``: BoardQuestion rows, each with its ``answer``)."""

    def __init__(self, questions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            self.fields[self.field_name(question)] = forms.CharField(
                label=f"Question {number}\u00a0: {question.text}", required=False, max_length=ANSWER_MAX_LENGTH,
                initial=question.answer.text if question.answer else "",
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"max_length": _too_long("La réponse")},
            )

    @staticmethod
    def field_name(question):
        return f"reponse_{question.pk}"

    def rows(self):
        """(question, its bound field) in order, for the template."""
        return [(question, self[self.field_name(question)]) for question in self.questions]

    def texts(self):
        """{question: text} for answers_save (call after is_valid())."""
        return {question: self.cleaned_data[self.field_name(question)] for question in self.questions}


class DecisionForm(forms.Form):
    """A decision: its date (today by default, in Europe/Paris) and its text; with ``steps``, a choice of the
    step it concerns (the decisions' page), without, the step is the page's."""

    etape = forms.ModelChoiceField(
        label="Étape concernée", queryset=None, required=False, to_field_name="slug",
        empty_label="Aucune étape en particulier",
        error_messages={"invalid_choice": "Cette étape n’est pas dans la liste\u00a0: choisissez-en une."},
    )
    decided_on = forms.DateField(
        label="Date de la décision", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Par exemple 14/03/2025.",
        error_messages={"required": "Indiquez la date de la décision.",
                        "invalid": "Saisissez une date valide, par exemple 14/03/2025."},
    )
    text = forms.CharField(
        label="Décision", max_length=DECISION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Ce qui a été décidé, en une ou quelques phrases ({_thousands(DECISION_MAX_LENGTH)} caractères au "
        "plus).",
        error_messages={"required": "Écrivez la décision prise.", "max_length": _too_long("Le texte")},
    )

    def __init__(self, *args, steps=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()
        if steps is None:
            del self.fields["etape"]
        else:
            self.fields["etape"].queryset = steps
            self.fields["etape"].label_from_instance = lambda step: f"Étape {step.order}\u00a0: {step.title}"

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > timezone.localdate():
            raise forms.ValidationError("Notez une décision une fois prise\u00a0: sa date ne peut pas être à venir.")
        if decided_on < OLDEST_DECISION:
            raise forms.ValidationError("Cette date est trop ancienne\u00a0: vérifiez l’année.")
        return decided_on


class CommentForm(forms.Form):
    corps = forms.CharField(
        label="Votre commentaire", max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
        error_messages={"required": "Écrivez votre commentaire avant de le publier.",
                        "max_length": _too_long("Le commentaire")},
    )

    def __init__(self, *args, prefix_id="", about="", **kwargs):
        """``prefix_id`` keeps the box's id unique when a page shows several comment forms (one per year), and
        ``about`` (« sur les chiffres de 2024 ») tells their labels apart."""
        super().__init__(*args, auto_id=f"id_{prefix_id}%s" if prefix_id else "id_%s", **kwargs)
        if about:
            self.fields["corps"].label = f"Votre commentaire {about}"
