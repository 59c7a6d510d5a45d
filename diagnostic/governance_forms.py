"""Forms of the 8-step method worked on together: a step's status, the answers to the board's questions, a
decision, a comment; French labels and messages."""

import datetime
from dataclasses import dataclass

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils import timezone

from diagnostic.governance import plain_text
from diagnostic.numbers import format_number
from diagnostic.models import ANSWER_MAX_LENGTH, COMMENT_MAX_LENGTH, DECISION_MAX_LENGTH
from diagnostic.spaces import current_name
from parcours.models import Status


MARKDOWN_HELP = (
    "Mise en forme possible\u00a0: **gras**, *italique*, une liste en commençant chaque ligne par un tiret, un lien "
    f"en écrivant [texte](https://…). {format_number(COMMENT_MAX_LENGTH, 0)} caractères au plus."
)
OLDEST_DECISION = datetime.date(1901, 1, 1)


def _too_long(what):
    return f"{what} dépasse %(limit_value)s caractères (%(show_value)s saisis)\u00a0: raccourcissez-le."


class _LengthLimit(validators.MaxLengthValidator):
    """Django's check, with the limit and the length typed written the French way in the message (« 5 000 »)."""

    def __call__(self, value):
        length = self.clean(value)
        if self.compare(length, self.limit_value):
            params = {"limit_value": format_number(self.limit_value, 0), "show_value": format_number(length, 0), "value": value}
            raise ValidationError(self.message, code=self.code, params=params)


class TextBox(forms.CharField):
    """A text typed in a box: line breaks counted once, as the browser's own limit counts them (it sends each as
    « \\r\\n »), and a length error with French numbers (its ``error_messages["max_length"]`` uses ``%(…)s``)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [_LengthLimit(self.max_length) if isinstance(validator, validators.MaxLengthValidator)
                           else validator for validator in self.validators]

    def to_python(self, value):
        return plain_text(super().to_python(value))


class StepStatusForm(forms.Form):
    """Sent by one of the status buttons, which belong to the answers' form: the answers typed are saved too."""

    statut = forms.ChoiceField(
        choices=Status.choices, required=False,
        error_messages={"invalid_choice": "Ce statut n’existe pas\u00a0: choisissez-en un parmi les boutons."},
    )


@dataclass
class AnswerRow:
    question: object  # BoardQuestion, with ``answer``
    field: object  # its bound field
    shown: str  # the hidden copy of the text the page showed
    conflict: bool = False  # another member changed it meanwhile: ``question.answer`` is their version (or None)


class AnswersForm(forms.Form):
    """One text box per question of the step (``questions``: BoardQuestion rows, each with its ``answer``).

    Each box carries a hidden copy of the text the page showed (``show_hidden_initial``): only the answers a person
    changed are written (changed_texts), and answers_save compares what the page showed with what is stored, so
    that a page left open does not overwrite what another member saved meanwhile."""

    def __init__(self, questions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions, self.conflicts = questions, set()
        for number, question in enumerate(questions, start=1):
            self.fields[self.field_name(question)] = TextBox(
                label=f"Question {number}\u00a0: {question.text}", required=False, max_length=ANSWER_MAX_LENGTH,
                initial=plain_text(question.answer.text) if question.answer else "", show_hidden_initial=True,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"max_length": _too_long("La réponse")},
            )

    @staticmethod
    def field_name(question):
        return f"reponse_{question.pk}"

    def rows(self):
        """An AnswerRow per question, in order, for the template."""
        rows = []
        for question in self.questions:
            bound = self[self.field_name(question)]
            rows.append(AnswerRow(question, bound, bound.as_hidden(only_initial=True), question.pk in self.conflicts))
        return rows

    def changed_texts(self):
        """{question: text} of the answers the person changed on their page (call after is_valid())."""
        changed = self.changed_data
        return {question: self.cleaned_data[self.field_name(question)] for question in self.questions
                if self.field_name(question) in changed}

    def shown_texts(self):
        """{question: the text their page showed} for the answers the person changed; "" when the form did not
        send it (as if the page had shown no answer)."""
        return {question: plain_text(self.data.get(self[self.field_name(question)].html_initial_name))
                for question in self.changed_texts()}

    def after_conflict(self, answers, *, with_status=False):
        """The form to show back after AnswersConflict (``answers``: {question: its answer as it now stands};
        ``with_status``: a status button sent the form):
        every box the person changed keeps their text, the others show the answer as it now stands, and each box's
        hidden copy is now the stored answer, so that sending the form again writes what the person chose. Each
        conflict gets its error, naming who changed the answer; their version is shown under the box."""
        changed = set(self.changed_texts())
        data = {}
        for question in self.questions:
            if question in answers:
                question.answer = answers[question]
            name, stored = self.field_name(question), plain_text(question.answer.text if question.answer else "")
            data[name] = self.cleaned_data[name] if question in changed else stored
            data[self[name].html_initial_name] = stored
        form = AnswersForm(self.questions, data)
        form.is_valid()
        form.conflicts = {question.pk for question in answers}
        numbers = []
        for number, question in enumerate(self.questions, start=1):
            if question in answers:
                numbers.append(str(number))
                form.add_error(self.field_name(question), _conflict_message(question.answer))
        which = (f"aux questions\u00a0{', '.join(numbers[:-1])} et {numbers[-1]}" if len(numbers) > 1
                 else f"à la question\u00a0{numbers[0]}")
        nothing = "ni les réponses ni le statut" if with_status else "aucune réponse"
        form.add_error(None, (
            f"Rien n’a été enregistré, {nothing}\u00a0: pendant que vous écriviez, un autre membre a "
            f"changé la réponse {which}. Votre texte est resté dans sa case et sa version est affichée dessous\u00a0: "
            "enregistrez de nouveau pour garder le vôtre, après l’avoir complété si besoin."
        ))
        return form


def _conflict_message(answer):
    if answer is None:
        return "Un autre membre a effacé cette réponse pendant que vous écriviez."
    name = current_name(answer.updated_by, answer.updated_by_name)
    return f"{name} a changé cette réponse pendant que vous écriviez\u00a0: sa version est affichée sous la case."


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
        # A date picker in today's browsers (the hint says nothing of a format it shows its own way); the form
        # still reads « 14/03/2025 » as typed in a plain box by a browser without one.
        help_text="Le jour où le groupe a pris la décision (aujourd’hui si vous n’y touchez pas).",
        error_messages={"required": "Indiquez la date de la décision.",
                        "invalid": "Indiquez une date complète et valide\u00a0: le jour, le mois et l’année."},
    )
    text = TextBox(
        label="Décision", max_length=DECISION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Ce qui a été décidé, en une ou quelques phrases ({format_number(DECISION_MAX_LENGTH, 0)} caractères au "
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
    corps = TextBox(
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
