"""An organisation's self-diagnostic: its figures for the three levers, year after year."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from diagnostic import computation
from resources.models import ActorProfile, Region

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


class ValuationRates(models.Model):
    """The rates that turn time and partnerships into euros; one row, edited by staff."""

    fte_year = models.DecimalField(
        "coût annuel d’un équivalent temps plein (€)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("42000"),
        validators=RATE_VALIDATORS,
    )
    volunteer_hour = models.DecimalField(
        "valeur d’une heure de bénévolat (€)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("12.00"),
        validators=RATE_VALIDATORS,
    )
    service_civique_month = models.DecimalField(
        "valeur d’un mois de service civique (€)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("750.00"),
        validators=RATE_VALIDATORS,
    )
    intern_month = models.DecimalField(
        "valeur d’un mois de stage (€)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("650.00"),
        validators=RATE_VALIDATORS,
    )
    skills_day = models.DecimalField(
        "valeur d’une journée de mécénat de compétences (€)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("400.00"),
        validators=RATE_VALIDATORS,
    )
    partnership_year = models.DecimalField(
        "valeur annuelle d’un partenariat actif (€)",
        max_digits=10,
        decimal_places=2,
        default=Decimal("2000.00"),
        validators=RATE_VALIDATORS,
    )
    dependency_threshold = models.DecimalField(
        "seuil d’alerte de dépendance (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Au-delà de cette part du financement, la première source déclenche une alerte.",
    )
    note = models.TextField(
        "origine des valeurs",
        blank=True,
        default="Ces valeurs sont des ordres de grandeur retenus par le hub pour comparer les leviers entre eux, "
        "pas une évaluation comptable.",
    )
    updated_at = models.DateTimeField(auto_now=True)

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
            fte_year=self.fte_year,
            volunteer_hour=self.volunteer_hour,
            service_civique_month=self.service_civique_month,
            intern_month=self.intern_month,
            skills_day=self.skills_day,
            partnership_year=self.partnership_year,
            dependency_threshold=self.dependency_threshold,
        )


class Organisation(models.Model):
    """Owned by an account, or by a visitor's session (user empty, id kept in the session) until sign-up."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="organisations"
    )
    name = models.CharField("nom de l’organisation", max_length=200)
    actor_profile = models.ForeignKey(
        ActorProfile, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="type d’organisation"
    )
    region = models.ForeignKey(Region, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="région")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "organisation diagnostiquée"
        verbose_name_plural = "organisations diagnostiquées"
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("diagnostic:detail", kwargs={"pk": self.pk})


class Snapshot(models.Model):
    """The figures of one year (or of the target the organisation aims at)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="snapshots")
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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "année de chiffres"
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
        ("salaried_fte", "volunteers_count", *computation.HUMAN_FIELDS[1:]),
        tuple(computation.FINANCIAL_SOURCES),
        (*computation.PARTNERSHIP_FIELDS, *computation.IN_KIND_FIELDS),
    )

    @classmethod
    def figure_fields(cls):
        return [name for group in cls.FIGURE_FIELDS for name in group]

    def figures(self):
        return {name: getattr(self, name) for name in self.figure_fields()}
