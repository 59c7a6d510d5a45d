"""« Par où commencer ? »: the answers a visitor gives, the rules (editorial data) that turn them into a parcours
d'usage, the paths people keep in « Mon espace », and counts for staff that hold no personal data.

How a path is built from the rules lives in parcours.usage_paths; this module only declares the data.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.content_cache import ContentQuerySet
from parcours.models.parcours import Depth, Parcours, Step
from resources.models import Domain, Fiche, GlossaryTerm, Lever, Region, Tool, Worksheet

MIN_ITEMS, MAX_ITEMS = 5, 12
WHY_MAX_LENGTH = 300


class ActorType(models.TextChoices):
    ASSOCIATION = "association", "Association"
    FONDATION = "fondation", "Fondation ou fonds de dotation"
    ENTREPRISE = "entreprise", "Entreprise"
    COLLECTIVITE = "collectivite", "Collectivité territoriale"
    RESEAU = "reseau", "Réseau ou tête de réseau"
    ACCOMPAGNATEUR = "accompagnateur", "Accompagnateur (DLA, consultant, incubateur…)"
    FINANCEUR = "financeur", "Financeur public ou privé"


class Aim(models.TextChoices):
    COMPRENDRE = "comprendre", "Comprendre les modèles socio-économiques"
    FAIRE_LE_POINT = "faire-le-point", "Faire le point sur le modèle de mon organisation"
    DIVERSIFIER = "diversifier", "Diversifier mes ressources"
    RICHESSES_HUMAINES = "richesses-humaines", "Mobiliser des richesses humaines"
    ALLIANCE = "alliance", "Nouer une alliance"
    GOUVERNANCE = "gouvernance", "Préparer une décision de gouvernance"


class Maturity(models.TextChoices):
    DECOUVRE = "je-decouvre", "Je découvre le sujet"
    COMMENCE = "j-ai-commence", "J’ai commencé à y travailler"
    PILOTE = "je-pilote", "Je pilote déjà une transformation"


class TimeBudget(models.TextChoices):
    MINUTES_30 = "30-min", "30 minutes"
    HOURS_2 = "2-h", "2 heures"
    DAY = "une-journee", "Une journée"
    WEEKS = "plusieurs-semaines", "Plusieurs semaines"

    @property
    def minutes(self):
        """What the path may add up to: a working day counts six hours, several weeks forty."""
        return {"30-min": 30, "2-h": 120, "une-journee": 360, "plusieurs-semaines": 2400}[self.value]


class Medoc(models.TextChoices):
    """The five kinds of resource of the M.E.D.O.C. approach, in its own order (the order of a path's groups)."""

    METHODES = "methodes", "Méthodes"
    EXEMPLES = "exemples", "Exemples"
    DONNEES = "donnees", "Données"
    OUTILS = "outils", "Outils"
    COMPETENCES = "competences", "Compétences"


ANSWER_CHOICES = {"profiles": ActorType, "aims": Aim, "maturities": Maturity, "times": TimeBudget}


class UsageRule(models.Model):
    """Answers → items. A rule applies when every condition holds; an empty condition holds for every answer."""

    title = models.CharField("intitulé", max_length=200, help_text="Pour l’équipe seulement\u00a0: ce que la règle couvre.")
    slug = models.SlugField("identifiant", max_length=100, unique=True,
                            help_text="Relie la règle au fichier livré (fixtures/parcours-d-usage.toml).")
    profiles = models.JSONField("profils", default=list, blank=True, help_text="Aucun coché\u00a0: tous les profils.")
    aims = models.JSONField("objectifs", default=list, blank=True, help_text="Aucun coché\u00a0: tous les objectifs.")
    maturities = models.JSONField("maturités", default=list, blank=True, help_text="Aucune cochée\u00a0: toutes.")
    times = models.JSONField("temps disponible", default=list, blank=True, help_text="Aucun coché\u00a0: tous.")
    regions = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name="régions",
        help_text="Aucune\u00a0: la règle vaut avec ou sans région. Sinon, seulement pour ces régions.",
    )
    domains = models.ManyToManyField(
        Domain, blank=True, related_name="+", verbose_name="domaines",
        help_text="Aucun\u00a0: la règle vaut avec ou sans domaine. Sinon, seulement pour ces domaines.",
    )
    priority = models.PositiveSmallIntegerField(
        "priorité", default=50,
        help_text="De 0 à 100\u00a0: les éléments des règles de plus forte priorité passent d’abord quand le temps manque.",
    )
    is_fallback = models.BooleanField(
        "règle de secours", default=False,
        help_text="Ses éléments complètent un parcours qui compterait moins de "
        f"{MIN_ITEMS} éléments avec les autres règles.",
    )
    is_active = models.BooleanField("active", default=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = "règle de parcours d’usage"
        verbose_name_plural = "règles de parcours d’usage"
        ordering = ["-priority", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        for field, choices in ANSWER_CHOICES.items():
            values = getattr(self, field)
            if not isinstance(values, list) or any(value not in choices.values for value in values):
                errors[field] = f"Valeurs attendues\u00a0: {', '.join(choices.values)}."
        if not 0 <= (self.priority or 0) <= 100:
            errors["priority"] = "La priorité va de 0 à 100."
        if errors:
            raise ValidationError(errors)


class UsageRuleItem(models.Model):
    """One resource a rule puts in the path: exactly one target, the one its kind names."""

    class Kind(models.TextChoices):
        FICHE = "fiche", "Fiche"
        STEP = "step", "Étape d’un parcours"
        PARCOURS = "parcours", "Parcours ou niveau de parcours"
        DIAGNOSTIC = "diagnostic", "Diagnostic « Mon modèle socio-économique »"
        WORKSHEET = "worksheet", "Feuille de travail"
        GLOSSARY = "glossary", "Terme du glossaire"
        TOOL = "tool", "Outil ou ressource"
        LEVER = "lever", "Levier"

    # The field that holds the target of each kind (the diagnostic has none).
    TARGET_FIELDS = {
        Kind.FICHE: "fiche", Kind.STEP: "step", Kind.PARCOURS: "parcours", Kind.WORKSHEET: "worksheet",
        Kind.GLOSSARY: "glossary_term", Kind.TOOL: "tool", Kind.LEVER: "lever",
    }
    # Kinds whose time cannot be read from the target: the rule gives it.
    NEEDS_MINUTES = {Kind.DIAGNOSTIC, Kind.TOOL, Kind.LEVER}

    rule = models.ForeignKey(UsageRule, on_delete=models.CASCADE, related_name="items", verbose_name="règle")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    kind = models.CharField("nature", max_length=12, choices=Kind.choices)
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name="fiche")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name="étape")
    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name="parcours")
    depth = models.CharField("niveau du parcours", max_length=20, choices=Depth.choices, blank=True,
                             help_text="Vide\u00a0: le parcours entier.")
    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                  verbose_name="feuille de travail")
    glossary_term = models.ForeignKey(GlossaryTerm, on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="+", verbose_name="terme du glossaire")
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name="outil")
    lever = models.ForeignKey(Lever, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name="levier")
    minutes = models.PositiveSmallIntegerField(
        "durée (minutes)", null=True, blank=True,
        help_text="Vide\u00a0: la durée de l’étape, du niveau ou de la feuille, le temps de lecture d’une fiche, "
        "3 minutes pour un terme du glossaire. Obligatoire pour le diagnostic, un outil ou un levier.",
    )
    medoc = models.CharField("famille M.E.D.O.C.", max_length=12, choices=Medoc.choices, blank=True,
                             help_text="Vide\u00a0: déduite de la nature (et de la famille d’une fiche).")
    why = models.CharField("pourquoi (une phrase)", max_length=WHY_MAX_LENGTH,
                           help_text="Affichée sous l’élément\u00a0: ce qu’il apporte à la personne, dans ses mots.")

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = "élément de parcours d’usage"
        verbose_name_plural = "éléments de parcours d’usage"
        ordering = ["rule", "order", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}\u00a0: {self.target_label()}"

    def target_label(self):
        field = self.TARGET_FIELDS.get(self.kind)
        target = getattr(self, field) if field else None
        if self.kind == self.Kind.PARCOURS and target is not None and self.depth:
            return f"{target}, niveau {Depth(self.depth).label}"
        return str(target) if target is not None else "Mon modèle socio-économique"

    def clean(self):
        errors = {}
        wanted = self.TARGET_FIELDS.get(self.kind)
        for kind, field in self.TARGET_FIELDS.items():
            is_set = getattr(self, f"{field}_id") is not None
            if field == wanted and not is_set:
                errors[field] = f"Choisissez l’élément\u00a0: {self.Kind(kind).label.lower()}."
            elif field != wanted and is_set:
                errors[field] = f"À laisser vide pour la nature «\u00a0{self.get_kind_display()}\u00a0»."
        if self.depth and self.kind != self.Kind.PARCOURS:
            errors["depth"] = "Un niveau ne se choisit que pour un parcours."
        if self.kind in self.NEEDS_MINUTES and not self.minutes:
            errors["minutes"] = "Indiquez la durée\u00a0: elle ne se déduit pas de cet élément."
        if not (self.why or "").strip():
            errors["why"] = "Dites en une phrase pourquoi cet élément est là."
        if errors:
            raise ValidationError(errors)


class KeptUsagePath(models.Model):
    """A path a person kept in « Mon espace »: their answers, the items as they were built, the items they did."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="usage_paths",
                             verbose_name="compte")
    key = models.CharField("clé", max_length=16)
    query = models.CharField("réponses (adresse)", max_length=300)
    entries = models.JSONField("éléments", default=list)
    done = models.JSONField("éléments faits", default=list, blank=True)
    kept_at = models.DateTimeField("gardé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "parcours d’usage gardé"
        verbose_name_plural = "parcours d’usage gardés"
        ordering = ["-kept_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="kept_usage_path_unique_key"),
            models.UniqueConstraint(fields=["user", "query"], name="kept_usage_path_unique_query"),
        ]


class UsagePathCount(models.Model):
    """Paths shown per month and answers: a count, never who asked."""

    month = models.DateField("mois")
    profile = models.CharField("profil", max_length=20, choices=ActorType.choices)
    aim = models.CharField("objectif", max_length=20, choices=Aim.choices)
    maturity = models.CharField("maturité", max_length=20, choices=Maturity.choices)
    time = models.CharField("temps", max_length=20, choices=TimeBudget.choices)
    count = models.PositiveIntegerField("parcours affichés", default=0)

    class Meta:
        verbose_name = "compte de parcours d’usage"
        verbose_name_plural = "comptes de parcours d’usage"
        constraints = [models.UniqueConstraint(fields=["month", "profile", "aim", "maturity", "time"],
                                               name="usage_path_count_unique")]


class UsageFirstOpenCount(models.Model):
    """How often the first item of a path was opened from it, per month and item: a count, never who opened it."""

    month = models.DateField("mois")
    item = models.CharField("élément", max_length=40)
    count = models.PositiveIntegerField("ouvertures", default=0)

    class Meta:
        verbose_name = "compte d’ouvertures du premier élément"
        verbose_name_plural = "comptes d’ouvertures du premier élément"
        constraints = [models.UniqueConstraint(fields=["month", "item"], name="usage_first_open_count_unique")]
