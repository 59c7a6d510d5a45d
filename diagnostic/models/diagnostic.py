"""An organisation's self-diagnostic: its figures for the three levers, year after year."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.addresses import remembered_reverse
from core.content_cache import ContentQuerySet
from diagnostic import computation
from diagnostic.rules import COMPARISON_CHOICES, Indicator, RuleSpec, condition_text, reason_problems
from parcours.models import Step
from resources.models import ActorProfile, Component, Fiche, Lever, Region

MAX_AMOUNT = Decimal(10) ** 12
MIN_YEAR, MAX_YEAR = 1900, 2100


RATE_VALIDATORS = [MinValueValidator(0)]


def amount(label, help_text=""):
    return models.DecimalField(
        label,
        max_digits=15,
        decimal_places=2,
        default=0,
        help_text=help_text,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )


def count(label, help_text=""):
    return models.PositiveIntegerField(label, default=0, help_text=help_text, validators=[MaxValueValidator(10**9)])


LEVEL_CHOICES = list(computation.LEVELS.items())


def level(label):
    return models.PositiveSmallIntegerField(f"niveau d’activation\u00a0: {label}", null=True, blank=True,
                                            choices=LEVEL_CHOICES)


class ValuationRates(models.Model):
    """The rates that value voluntary contributions; one row, edited by staff. Content (the same for everyone, like
    the rules): an edit bumps the content version, so the result page reads the row from the content cache."""

    volunteer_hour = models.DecimalField(
        "valeur d’une heure de bénévolat (€)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("12.00"),
        validators=RATE_VALIDATORS,
    )
    skills_day = models.DecimalField(
        "valeur d’une journée de mécénat de compétences (€)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("400.00"),
        validators=RATE_VALIDATORS,
    )
    note = models.TextField(
        "origine des valeurs",
        blank=True,
        default="Ces valeurs sont des ordres de grandeur retenus par le hub pour valoriser les contributions "
        "volontaires, à remplacer par celles de votre annexe comptable si vous en avez.",
    )
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = "barème de valorisation"
        verbose_name_plural = "barème de valorisation"

    def __str__(self):
        return "Barème de valorisation"

    @classmethod
    def current(cls):
        """The single row (whatever its id), created with the defaults the first time."""
        return cls.objects.order_by("pk").first() or cls.objects.create()

    def as_rates(self):
        return computation.Rates(
            volunteer_hour=self.volunteer_hour,
            skills_day=self.skills_day,
        )


class Visitor(models.Model):
    """A browser without an account that owns diagnostics, known by a key derived from its session key
    (diagnostic.ownership). Its row is what a creation locks: counting a browser's diagnostics and adding one
    happen under it (diagnostic.services.diagnostic_create)."""

    key = models.CharField("clé", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    seen_at = models.DateTimeField("dernière création le", default=timezone.now)
    claimed_at = models.DateTimeField(
        "rattaché à un compte le", null=True, blank=True,
        help_text="Après la connexion, ce navigateur ne crée plus de diagnostic sans compte.",
    )

    class Meta:
        verbose_name = "navigateur sans compte"
        verbose_name_plural = "navigateurs sans compte"

    def __str__(self):
        return f"Navigateur sans compte n°\u00a0{self.pk}"


class Organisation(models.Model):
    """Owned by an account, or by a browser without one (user empty, visitor set) until sign-up or log-in, or
    shared by the members of a space (``is_space``, both owners empty)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="organisations",
        verbose_name="compte",
    )
    # PROTECT: a visitor's row is deleted only once it owns nothing (diagnostic_prune_unclaimed).
    visitor = models.ForeignKey(
        Visitor, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations",
        verbose_name="navigateur sans compte",
    )
    name = models.CharField("nom de l’organisation", max_length=200)
    actor_profile = models.ForeignKey(
        ActorProfile, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="type d’organisation"
    )
    region = models.ForeignKey(Region, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="région")
    # A shared space (diagnostic.models.space): no owner in ``user`` or ``visitor``, its members reach it through
    # their Membership; every query that finds diagnostics by an empty owner must exclude it.
    is_space = models.BooleanField("espace partagé", default=False, db_index=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    class Meta:
        verbose_name = "organisation diagnostiquée"
        verbose_name_plural = "organisations diagnostiquées"
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return remembered_reverse("diagnostic:detail", kwargs={"pk": self.pk})


class Snapshot(models.Model):
    """The figures of one year (or of the target the organisation aims at)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="snapshots", verbose_name="organisation"
    )
    year = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    is_target = models.BooleanField("cible", default=False)
    # Richesses humaines
    salaried_fte = models.DecimalField(
        "salariés (équivalents temps plein)",
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(10**7)],
    )
    volunteers_count = count("bénévoles (personnes)")
    volunteer_hours = amount("heures de bénévolat dans l’année")
    service_civique_months = amount("volontaires en service civique (mois cumulés)")
    intern_months = amount("stagiaires (mois cumulés)")
    skills_days = amount("mécénat de compétences (journées)")
    # Financement, in euros a year
    subsidies_state = amount("subventions de l’État")
    subsidies_local = amount("subventions des collectivités")
    subsidies_europe = amount("fonds européens")
    gifts_companies = amount("mécénat d’entreprises")
    gifts_foundations = amount("soutien de fondations")
    gifts_individuals = amount("dons de particuliers")
    crowdfunding = amount("financement participatif")
    membership_fees = amount("cotisations")
    societal_investment = amount("investissement sociétal et partenariats stratégiques")
    revenue_public_procurement = amount("commande publique")
    revenue_sales = amount("ventes et prestations de services")
    revenue_training = amount("formation")
    revenue_advice = amount("conseil")
    revenue_pay_what_you_can = amount("prix libre")
    other_income = amount("autres ressources")
    # Alliances
    partnerships_positioning = count("alliances de positionnement (nombre)")
    partnerships_production = count("alliances de production et de diffusion (nombre)")
    partnerships_means = count("alliances de moyens (nombre)")
    in_kind_premises = amount("mise à disposition de locaux (valeur en €)")
    in_kind_equipment = amount("prêt ou don de matériel (valeur en €)")
    in_kind_services = amount("services rendus gracieusement (valeur en €)")
    # The trépied questionnaire: empty means « not answered yet », never « Absent ».
    level_salaried = level("salariés")
    level_volunteers = level("bénévoles")
    level_service_civique = level("services civiques")
    level_interns = level("stagiaires")
    level_skills_sponsorship = level("mécénat de compétences")
    level_subsidies = level("subventionnement")
    level_societal_investment = level("investissement sociétal")
    level_activity_revenue = level("revenus d’activité")
    level_alliances_positioning = level("alliances de positionnement")
    level_alliances_production = level("alliances de production / diffusion")
    level_alliances_means = level("alliances de moyens")
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    class Meta:
        verbose_name = "année de chiffres"
        verbose_name_plural = "années de chiffres"
        ordering = ["is_target", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], condition=models.Q(is_target=False), name="snapshot_one_per_year"
            ),
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(is_target=True), name="snapshot_one_target"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="snapshot_year_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} : {'cible ' if self.is_target else ''}{self.year}"

    FIGURE_FIELDS = (
        computation.HUMAN_FIELDS,
        tuple(computation.FINANCIAL_SOURCES),
        (*computation.PARTNERSHIP_FIELDS, *computation.IN_KIND_FIELDS),
    )

    @classmethod
    def figure_fields(cls):
        """The numbers typed in the form (the questionnaire's answers are in level_fields)."""
        return [name for group in cls.FIGURE_FIELDS for name in group]

    @classmethod
    def level_fields(cls):
        return list(computation.ACTIVATION_FIELDS)

    def figures(self):
        """Every figure and every answer, as the pure computation reads them."""
        return {name: getattr(self, name) for name in [*self.figure_fields(), *self.level_fields()]}

    def levels(self):
        return {name: getattr(self, name) for name in self.level_fields()}


class ActivationDescriptor(models.Model):
    """What one level of one component looks like, shown beside each answer of the questionnaire."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="activation_descriptors",
                                  verbose_name="composante")
    level = models.PositiveSmallIntegerField("niveau", choices=LEVEL_CHOICES)
    text = models.CharField("description", max_length=240,
                            help_text="Une ligne, concrète, propre à cette composante et à ce niveau.")

    # Content: shown in the result page's fragments, kept under the content version (diagnostic.report).
    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = "description d’un niveau d’activation"
        verbose_name_plural = "descriptions des niveaux d’activation"
        ordering = ["component__lever__order", "component__order", "level"]
        constraints = [models.UniqueConstraint(fields=["component", "level"], name="descriptor_one_per_level")]

    def __str__(self):
        return f"{self.component} · {self.get_level_display()}"


class RecommendationRule(models.Model):
    """« If this indicator crosses this threshold, read these fiches and steps, because… »: edited by staff."""

    slug = models.SlugField("identifiant", max_length=80, unique=True)
    title = models.CharField("nom de la règle", max_length=120,
                             help_text="Titre de la recommandation sur la page, repris dans «\u00a0Règle «\u00a0…\u00a0»\u00a0».")
    order = models.PositiveSmallIntegerField("ordre d’affichage", default=100)
    is_active = models.BooleanField("active", default=True)
    indicator = models.CharField("indicateur", max_length=40, choices=Indicator.CHOICES)
    comparison = models.CharField("comparaison", max_length=4, choices=COMPARISON_CHOICES)
    threshold = models.DecimalField("seuil", max_digits=10, decimal_places=2)
    lever = models.ForeignKey(Lever, on_delete=models.PROTECT, null=True, blank=True, verbose_name="levier",
                              help_text="Pour les indicateurs d’activation d’un levier.")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, null=True, blank=True,
                                  verbose_name="composante", help_text="Pour le niveau d’une composante.")
    reason = models.TextField(
        "pourquoi ces lectures",
        help_text="La phrase «\u00a0Pourquoi cette fiche\u00a0?\u00a0». Repères possibles\u00a0: {valeur}, {source}, "
        "{levier}, {composante}, {annee}, {annee_precedente}.",
    )
    fiches = models.ManyToManyField(Fiche, blank=True, related_name="+", verbose_name="fiches")
    steps = models.ManyToManyField(Step, blank=True, related_name="+", verbose_name="étapes de parcours")
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    # Content: its recommendations are kept in the result page's fragments under the content version
    # (diagnostic.report); a save, a deletion or a change of its fiches and steps drops them.
    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = "règle de recommandation"
        verbose_name_plural = "règles de recommandation"
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.indicator in Indicator.NEEDS_LEVER and not self.lever_id:
            errors["lever"] = "Cet indicateur porte sur un levier\u00a0: choisissez-le."
        if self.indicator in Indicator.NEEDS_COMPONENT and not self.component_id:
            errors["component"] = "Cet indicateur porte sur une composante\u00a0: choisissez-la."
        elif self.component_id and self.component.slug not in computation.COMPONENT_FIELDS:
            errors["component"] = "Choisissez l’une des onze composantes du questionnaire."
        if self.lever_id and self.indicator not in Indicator.NEEDS_LEVER:
            errors["lever"] = "Cet indicateur ne porte pas sur un levier\u00a0: laissez ce champ vide."
        if self.component_id and self.indicator not in Indicator.NEEDS_COMPONENT:
            errors["component"] = "Cet indicateur ne porte pas sur une composante\u00a0: laissez ce champ vide."
        unknown = reason_problems(self.reason or "")
        if unknown:
            errors["reason"] = f"Repères inconnus\u00a0: {', '.join(unknown)}."
        if errors:
            raise ValidationError(errors)

    @property
    def condition(self):
        """What the rule measures, said on the page; reads lever and component: select_related them."""
        target = self.lever or self.component
        return condition_text(self.indicator, self.comparison, self.threshold, target.label if target else "")

    def as_spec(self):
        """The pure form evaluated by diagnostic.rules; reads lever and component: select_related them."""
        return RuleSpec(
            slug=self.slug,
            title=self.title,
            indicator=self.indicator,
            comparison=self.comparison,
            threshold=self.threshold,
            reason=self.reason,
            lever=self.lever.slug if self.lever_id else "",
            component=self.component.slug if self.component_id else "",
        )
