"""Bibliographic references, and the shape of a source that cites one (a fiche's, a step's)."""

from django.core.exceptions import ValidationError
from django.db import models

from core.content_cache import ContentQuerySet
from resources.content_files import INFERENCE_LABEL_MAX, SOURCE_NOTE_MAX
from core.text import sort_key


class Reference(models.Model):
    """A document, web page or official text cited by the hub's content (fixtures/references/*.toml)."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        WEB = "web", "Page web"
        OFFICIAL = "official", "Texte officiel"

    slug = models.SlugField("identifiant", max_length=100, unique=True)
    title = models.CharField("titre", max_length=400, help_text="Tel que publié, sans guillemets autour.")
    publisher = models.CharField(
        "auteur ou éditeur", max_length=200, blank=True,
        help_text="Par exemple «\u00a0Le RAMEAU\u00a0», «\u00a0Légifrance\u00a0».",
    )
    date = models.CharField(
        "date", max_length=40, blank=True,
        help_text="Aussi précise que connue\u00a0: «\u00a02019\u00a0», «\u00a0septembre 2019\u00a0».",
    )
    url = models.URLField("adresse", max_length=500, blank=True, help_text="Vide seulement pour un document imprimé.")
    kind = models.CharField("nature", max_length=10, choices=Kind.choices, default=Kind.DOCUMENT)
    # Publisher then title reduced to letters and digits: the order of a bibliography, the same on every database.
    sort_key = models.CharField("clé de tri", max_length=200, editable=False, blank=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = "référence bibliographique"
        verbose_name_plural = "références bibliographiques"
        ordering = ["sort_key", "pk"]

    def __str__(self):
        return f"{self.publisher}, {self.title}" if self.publisher else self.title

    def save(self, *args, **kwargs):
        self.sort_key = reference_sort_key(self.publisher, self.title)
        super().save(*args, **kwargs)


def reference_sort_key(publisher, title):
    return sort_key(f"{publisher} {title}")


class CitedSource(models.Model):
    """What a fiche or a step rests on: a reference (with what it supports here), or a deduction of the editors,
    whose reasoning is the label. Subclasses add the owner and ``reference`` (each its own reverse name)."""

    class Kind(models.TextChoices):
        REFERENCE = "reference", "Référence citée"
        INFERENCE = "inference", "Déduction de la rédaction"

    kind = models.CharField("nature", max_length=10, choices=Kind.choices, default=Kind.REFERENCE)
    note = models.CharField(
        "ce qu’elle appuie", max_length=SOURCE_NOTE_MAX, blank=True,
        help_text="Facultatif\u00a0: ce que la référence appuie ici, par exemple «\u00a0les trois leviers\u00a0».",
    )
    label = models.CharField(
        "raisonnement", max_length=INFERENCE_LABEL_MAX, blank=True,
        help_text="Pour une déduction seulement\u00a0: ce que la rédaction déduit, et de quoi.",
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self):
        if self.kind == self.Kind.INFERENCE or self.reference_id is None:
            return self.label
        return str(self.reference)

    @property
    def is_inference(self):
        return self.kind == self.Kind.INFERENCE

    def clean(self):
        super().clean()
        if self.kind == self.Kind.INFERENCE:
            errors = {}
            if self.reference_id is not None:
                errors["reference"] = (
                    "Une déduction de la rédaction ne cite pas de référence\u00a0: retirez la référence, "
                    "ou choisissez la nature «\u00a0Référence citée\u00a0»."
                )
            if not self.label.strip():
                errors["label"] = "Une déduction de la rédaction a besoin de son raisonnement\u00a0: écrivez-le."
            if errors:
                raise ValidationError(errors)
        elif self.reference_id is None:
            raise ValidationError({"reference": (
                "Choisissez la référence citée. Pour une déduction de la rédaction, choisissez la nature "
                "«\u00a0Déduction de la rédaction\u00a0» et écrivez son raisonnement."
            )})
