"""Controlled vocabularies of the référentiel: one small table each, same shape, editable by staff."""

from django.db import models

from core.addresses import remembered_reverse
from core.content_cache import ContentQuerySet


class Provenance(models.TextChoices):
    """Where a piece of shipped information comes from (the public legend: /statut-de-l-information/)."""

    CONFIRMED = "confirmed", "Confirmé"
    INFERRED = "inferred", "Déduit"
    TO_CONFIRM = "to_confirm", "À confirmer"

    @classmethod
    def unconfirmed(cls):
        """The values staff still have to check (the admin « À vérifier » list)."""
        return [cls.INFERRED, cls.TO_CONFIRM]


PROVENANCE_HELP = (
    "«\u00a0Confirmé\u00a0»\u00a0: une source publique citée, avec son adresse, le dit. "
    "«\u00a0Déduit\u00a0»\u00a0: la rédaction l’a déduit d’informations confirmées et donne son raisonnement. "
    "«\u00a0À confirmer\u00a0»\u00a0: une hypothèse de travail, à vérifier auprès de la source."
)


class Vocabulary(models.Model):
    """A value of a controlled vocabulary. Subclasses set ``url_prefix`` (see resources.vocabularies)."""

    url_prefix = None

    slug = models.SlugField("identifiant d’adresse", max_length=80, unique=True)
    label = models.CharField("intitulé", max_length=200)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    description = models.TextField("description courte", blank=True)
    provenance = models.CharField(
        "provenance",
        max_length=20,
        choices=Provenance.choices,
        default=Provenance.CONFIRMED,
        help_text=PROVENANCE_HELP,
    )
    source_url = models.URLField("adresse de la source", max_length=500, blank=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "label"]

    def __str__(self):
        return self.label

    @property
    def is_confirmed(self):
        return self.provenance == Provenance.CONFIRMED

    def get_absolute_url(self):
        return remembered_reverse("resources:vocabulary_detail", kwargs={"kind": self.url_prefix, "slug": self.slug})


class Lever(Vocabulary):
    class Theme(models.TextChoices):
        RH = "rh", "Richesses humaines (brique)"
        FIN = "fin", "Financement (bleu)"
        ALL = "all", "Alliances (vert)"

    question = models.CharField("question clé", max_length=200)
    theme = models.CharField("couleur", max_length=3, choices=Theme.choices)

    class Meta(Vocabulary.Meta):
        verbose_name = "levier"
        verbose_name_plural = "leviers"

    def get_absolute_url(self):
        return remembered_reverse("resources:lever_detail", kwargs={"slug": self.slug})


class Component(Vocabulary):
    lever = models.ForeignKey(Lever, on_delete=models.PROTECT, related_name="components", verbose_name="levier")
    examples = models.TextField("exemples", blank=True, help_text="Un exemple par ligne.")

    class Meta(Vocabulary.Meta):
        verbose_name = "composante d’un levier"
        verbose_name_plural = "composantes des leviers"
        ordering = ["lever__order", "order", "label"]

    @property
    def example_list(self):
        return [line.strip() for line in self.examples.splitlines() if line.strip()]

    def get_absolute_url(self):
        """Reads self.lever: select_related it in lists."""
        return remembered_reverse("resources:component_detail", kwargs={"lever_slug": self.lever.slug, "slug": self.slug})


class ActionObjective(Vocabulary):
    url_prefix = "objectifs"

    class Meta(Vocabulary.Meta):
        verbose_name = "objectif d’action"
        verbose_name_plural = "objectifs d’action"


class ActorProfile(Vocabulary):
    url_prefix = "profils-d-acteurs"

    class Meta(Vocabulary.Meta):
        verbose_name = "profil d’acteur de l’écosystème"
        verbose_name_plural = "profils d’acteurs de l’écosystème"


class ActorKind(Vocabulary):
    url_prefix = "acteurs"

    class Meta(Vocabulary.Meta):
        verbose_name = "type d’acteur (fiches ACTEURS)"
        verbose_name_plural = "types d’acteurs (fiches ACTEURS)"


class Region(Vocabulary):
    url_prefix = "regions"

    class Meta(Vocabulary.Meta):
        verbose_name = "région"
        verbose_name_plural = "régions"


class Domain(Vocabulary):
    url_prefix = "domaines"

    class Meta(Vocabulary.Meta):
        verbose_name = "domaine (fragilité)"
        verbose_name_plural = "domaines (fragilités)"


class Tool(Vocabulary):
    url_prefix = "outils"

    class Kind(models.TextChoices):
        PUBLICATION = "publication", "Publication"
        PLATEFORME = "plateforme", "Plateforme en ligne"
        PARCOURS = "parcours", "Parcours"
        WEBINAIRE = "webinaire", "Cycle de webinaires"
        LETTRE = "lettre", "Lettre d’information"
        ETUDE = "etude", "Étude et données"
        BASE = "base", "Base d’exemples"
        GUIDE = "guide", "Guide pratique"
        MODULE = "module", "Module"
        BOITE = "boite-a-outils", "Boîte à outils"

    kind = models.CharField("nature", max_length=20, choices=Kind.choices)
    url = models.URLField("adresse de l’outil", max_length=500, blank=True)

    class Meta(Vocabulary.Meta):
        verbose_name = "outil ou ressource"
        verbose_name_plural = "outils et ressources"


class EntryDoor(Vocabulary):
    url_prefix = "portes-d-entree"

    tool = models.ForeignKey(
        Tool, on_delete=models.PROTECT, null=True, blank=True, related_name="entry_doors", verbose_name="outil"
    )

    class Meta(Vocabulary.Meta):
        verbose_name = "porte d’entrée de la boussole ODD 17"
        verbose_name_plural = "portes d’entrée de la boussole ODD 17"


class Impact(Vocabulary):
    url_prefix = "impacts"

    class Meta(Vocabulary.Meta):
        verbose_name = "impact"
        verbose_name_plural = "impacts"


class ReferentielPart(Vocabulary):
    url_prefix = "parties-du-referentiel"

    class Meta(Vocabulary.Meta):
        verbose_name = "partie du référentiel"
        verbose_name_plural = "parties du référentiel"


class Economy(Vocabulary):
    url_prefix = "economies"

    class Meta(Vocabulary.Meta):
        verbose_name = "économie (vision systémique)"
        verbose_name_plural = "économies (vision systémique)"
