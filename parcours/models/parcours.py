"""The parcours and their ordered steps (editorial content, edited by staff)."""

import html

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import strip_tags

from core.addresses import remembered_reverse
from core.content_cache import ContentQuerySet
from core.text import fold_words
from resources.fiche_links import fiche_links_error, render_body
from resources.glossary import glossary_links_error
from resources.markdown import BODY_HELP, unclosed_html_error
from resources.models import PROVENANCE_HELP, CitedSource, Fiche, Provenance, Reference, Worksheet

MIN_QUESTIONS, MAX_QUESTIONS = 2, 4
# Addresses under a parcours that a step slug would shadow (see parcours/urls.py).
RESERVED_STEP_SLUGS = {"commencer", "attestation"}


class Depth(models.TextChoices):
    """Cumulative levels of a parcours: « approfondissement » includes every « découverte » step."""

    NONE = "", "Toutes les étapes"
    DECOUVERTE = "decouverte", "Découverte"
    APPROFONDISSEMENT = "approfondissement", "Approfondissement"
    FONDAMENTAUX = "fondamentaux", "Fondamentaux"

    @classmethod
    def rank(cls, value):
        return [choice.value for choice in cls].index(value)

    @classmethod
    def levels(cls):
        return [choice for choice in cls if choice.value]


class Parcours(models.Model):
    class Kind(models.TextChoices):
        PEDAGOGICAL = "pedagogique", "Parcours pédagogique"
        METHODOLOGICAL = "methodologique", "Parcours méthodologique"

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("identifiant d’adresse", max_length=100, unique=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    summary = models.TextField("résumé")
    audience = models.TextField("public visé", blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    source_url = models.URLField("adresse de la source", blank=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "parcours"
        verbose_name_plural = "parcours"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return remembered_reverse("parcours:detail", kwargs={"slug": self.slug})


class Step(models.Model):
    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="steps", verbose_name="parcours")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    title = models.CharField(
        "titre",
        max_length=200,
        help_text="Les intitulés livrés sont déduits par la rédaction (non publiés par la source)\u00a0: "
        "modifiez-les librement et passez la provenance à «\u00a0Confirmé\u00a0» une fois vérifiés.",
    )
    provenance = models.CharField(
        "provenance de l’intitulé",
        max_length=12,
        choices=Provenance.choices,
        default=Provenance.TO_CONFIRM,
        help_text=PROVENANCE_HELP,
    )
    slug = models.SlugField("identifiant d’adresse", max_length=100)
    objective = models.TextField("objectif", help_text="Une phrase\u00a0: ce que la personne saura faire à la fin.")
    body = models.TextField("contenu (Markdown)", help_text=BODY_HELP)
    body_html = models.TextField("contenu (HTML)", editable=False, blank=True)
    search_text = models.TextField("texte pour la recherche", editable=False, blank=True)
    minutes = models.PositiveSmallIntegerField("durée estimée (minutes)")
    depth = models.CharField(
        "niveau",
        max_length=20,
        choices=Depth.choices,
        blank=True,
        help_text="Le premier niveau qui contient l’étape (les niveaux sont cumulatifs). "
        "Vide pour un parcours sans niveaux.",
    )
    questions = models.TextField(
        "questions de réflexion", help_text=f"De {MIN_QUESTIONS} à {MAX_QUESTIONS} questions, une par ligne."
    )
    fiches = models.ManyToManyField(Fiche, blank=True, related_name="steps", verbose_name="fiches liées")
    # Here, not on Worksheet: resources lies below parcours. A sheet reads its steps as ``worksheet.steps``.
    worksheets = models.ManyToManyField(
        Worksheet, blank=True, related_name="steps", verbose_name="feuilles de travail",
        help_text="Les feuilles que l’étape décrit : elles s’affichent dans un encadré « Feuille de travail ».",
    )

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "étape"
        verbose_name_plural = "étapes"
        constraints = [models.UniqueConstraint(fields=["parcours", "slug"], name="step_unique_slug_per_parcours")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """Reads self.parcours: select_related it."""
        return remembered_reverse("parcours:step", kwargs={"slug": self.parcours.slug, "step_slug": self.slug})

    @property
    def question_list(self):
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    @property
    def is_title_confirmed(self):
        return self.provenance == Provenance.CONFIRMED

    def clean(self):
        errors = {}
        count = len(self.question_list)
        if not MIN_QUESTIONS <= count <= MAX_QUESTIONS:
            typed = f"{count} saisie" if count <= 1 else f"{count} saisies"
            errors["questions"] = f"Une étape compte de {MIN_QUESTIONS} à {MAX_QUESTIONS} questions ({typed})."
        if self.slug in RESERVED_STEP_SLUGS:
            errors["slug"] = f"«\u00a0{self.slug}\u00a0» est réservé par le site\u00a0: choisissez un autre identifiant."
        body_checks = (fiche_links_error(self.body), glossary_links_error(self.body), unclosed_html_error(self.body))
        if body_errors := [error for error in body_checks if error]:
            errors["body"] = body_errors
        if errors:
            raise ValidationError(errors)

    # Saved when the [[fiche]] links of the body are rendered again (resources.fiche_links).
    fiche_links_update_fields = ("body", "body_html", "search_text")

    def save(self, *args, **kwargs):
        self.body_html = render_body(self.body)  # [[fiche]] links read the fiches: one query when there are any
        body_text = " ".join(html.unescape(strip_tags(self.body_html)).split())
        # Leading space: « contains " art" » matches at the start of a word only (resources.search).
        self.search_text = " " + fold_words(f"{self.title} {self.objective} {body_text}")
        super().save(*args, **kwargs)


class BoardQuestion(models.Model):
    """A question a board should debate at one step of the method, answered by a shared space together
    (diagnostic.models.space.Answer). Content: loaded from the step's ``board_questions``, edited by staff."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="board_questions", verbose_name="étape")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    text = models.CharField("question", max_length=400)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "question à débattre en gouvernance"
        verbose_name_plural = "questions à débattre en gouvernance"
        constraints = [models.UniqueConstraint(fields=["step", "order"], name="board_question_order_per_step")]

    def __str__(self):
        return self.text


class StepSource(CitedSource):
    """A source of a step: a reference it cites, or a deduction of the editors (resources' CitedSource)."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="sources", verbose_name="étape")
    reference = models.ForeignKey(
        Reference, on_delete=models.PROTECT, null=True, blank=True, related_name="step_sources",
        verbose_name="référence",
    )

    class Meta(CitedSource.Meta):
        verbose_name = "source d’étape"
        verbose_name_plural = "sources d’étapes"
