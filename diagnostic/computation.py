"""The arithmetic of « Mon modèle socio-économique »: pure Python, no database, no Django.

Three measures, kept apart because they are of different kinds (none is ever added to another):

1. **Activation of the three levers (the « trépied »).** For each of the référentiel's 11 components the
   organisation picks a level: 0 « Absent », 1 « Ponctuel », 2 « Organisé », 3 « Stratégique ». A lever's
   activation is the mean of its components' levels on a 0–100 % scale (level / 3). It is known only when
   every component of the lever is answered: a half-filled questionnaire is incomplete, never zero.
   The point in the triangle is the three activations normalised to sum to 100 % (what the model leans on);
   the intensity is the plain mean of the three activations (how strongly it leans on anything at all).

   Worked example: richesses humaines answered 3, 2, 1, 0, 0 → 6 / 15 = 40 %; financement 2, 2, 1 → 5 / 9 =
   55.6 %; alliances 1, 0, 2 → 3 / 9 = 33.3 %. Sum 128.9, so the point is rh 40 / 128.9 = 31.0 %, fin 43.1 %,
   all 25.9 %; intensity (40 + 55.6 + 33.3) / 3 = 43.0 %.

2. **Hybridation of the financial resources.** Every euro of the year falls in one family: public subsidies
   (State, collectivités, Europe), private non-market resources (dons, mécénat, fondations, financement
   participatif, investissement sociétal), revenue from activity (ventes, prestations, cotisations,
   formation, conseil, prix libre, commande publique), or « autres » (unclassified). Commande publique is
   public money but market revenue: the buyer pays for a service it defined, so it counts as revenue from
   activity and is shown apart (« dont commande publique »). Shares are of the whole budget, « autres »
   included; the point in the triangle uses the three families only, renormalised.

   Worked example: 55,000 € of subsidies, 15,000 € of gifts, 30,000 € of sales → budget 100,000 €, public
   55 %, private 15 %, activity 30 %; with 10,000 € of « autres » on top the budget is 110,000 €, the
   shares 50 %, 13.6 %, 27.3 % and 9.1 %, and the point stays at 55 / 15 / 30.

3. **Voluntary contributions, valued apart** (comptes 86/87 of French association accounts, règlement ANC
   2018-06): volunteer hours × the value of an hour, mécénat de compétences days × the value of a day, and
   contributions in kind as entered. Shown beside the budget with their ratio to it; never added to it.

   Worked example: 1,200 hours × 12 € + 10 days × 400 € + 6,000 € of premises = 24,400 €; with a budget of
   100,000 €, the ratio is 24.4 %.

Concentration of the financial mix: the Herfindahl-Hirschman index, Σ (share of each source in %)², from
10,000 / n (n equal sources) to 10,000 (a single source).
"""

from dataclasses import dataclass
from functools import cached_property
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)
LEVERS = ("rh", "fin", "all")
LEVER_LABELS = {"rh": "Richesses humaines", "fin": "Financement", "all": "Alliances"}
LEVER_SLUGS = {"rh": "richesses-humaines", "fin": "financement", "all": "alliances"}

LEVELS = {0: "Absent", 1: "Ponctuel", 2: "Organisé", 3: "Stratégique"}
TOP_LEVEL = 3
# The questionnaire: Snapshot field -> (lever, component slug in the référentiel, label).
ACTIVATION_FIELDS = {
    "level_salaried": ("rh", "salaries", "Salariés"),
    "level_volunteers": ("rh", "benevoles", "Bénévoles"),
    "level_service_civique": ("rh", "services-civiques", "Services civiques"),
    "level_interns": ("rh", "stagiaires", "Stagiaires"),
    "level_skills_sponsorship": ("rh", "mecenat-de-competences", "Mécénat de compétences"),
    "level_subsidies": ("fin", "subventionnement", "Subventionnement"),
    "level_societal_investment": ("fin", "investissement-societal", "Investissement sociétal"),
    "level_activity_revenue": ("fin", "revenus-d-activite", "Revenus d’activité"),
    "level_alliances_positioning": ("all", "alliances-de-positionnement", "Alliances de positionnement"),
    "level_alliances_production": ("all", "alliances-de-production-diffusion", "Alliances de production / diffusion"),
    "level_alliances_means": ("all", "alliances-de-moyens", "Alliances de moyens"),
}
COMPONENT_FIELDS = {slug: name for name, (_, slug, _) in ACTIVATION_FIELDS.items()}

# The financial sources: field name -> (label, family).
FINANCIAL_SOURCES = {
    "subsidies_state": ("Subventions de l’État", "public"),
    "subsidies_local": ("Subventions des collectivités", "public"),
    "subsidies_europe": ("Fonds européens", "public"),
    "gifts_companies": ("Mécénat d’entreprises", "private"),
    "gifts_foundations": ("Soutien de fondations", "private"),
    "gifts_individuals": ("Dons de particuliers", "private"),
    "crowdfunding": ("Financement participatif", "private"),
    "societal_investment": ("Investissement sociétal, partenariats", "private"),
    "membership_fees": ("Cotisations", "activity"),
    "revenue_public_procurement": ("Commande publique", "activity"),
    "revenue_sales": ("Ventes et prestations", "activity"),
    "revenue_training": ("Formation", "activity"),
    "revenue_advice": ("Conseil", "activity"),
    "revenue_pay_what_you_can": ("Prix libre", "activity"),
    "other_income": ("Autres ressources", "other"),
}
PUBLIC_MARKET = "revenue_public_procurement"
FAMILIES = ("public", "private", "activity")  # the triangle's corners; « other » stays out of it
FAMILY_LABELS = {
    "public": "Ressources publiques",
    "private": "Ressources privées non marchandes",
    "activity": "Revenus d’activité",
    "other": "Autres ressources",
}
HUMAN_FIELDS = ("salaried_fte", "volunteers_count", "volunteer_hours", "service_civique_months", "intern_months",
                "skills_days")
PARTNERSHIP_FIELDS = ("partnerships_positioning", "partnerships_production", "partnerships_means")
IN_KIND_FIELDS = ("in_kind_premises", "in_kind_equipment", "in_kind_services")
CONTRIBUTION_LABELS = {
    "volunteering": "Bénévolat",
    "skills": "Mécénat de compétences",
    "in_kind_premises": "Locaux mis à disposition",
    "in_kind_equipment": "Matériel prêté ou donné",
    "in_kind_services": "Services rendus gracieusement",
}
# Intensity bands: up to a third of the top level (« Ponctuel » on average) is weak, from two thirds
# (« Organisé » on average) it is strong; compared to the millionth, so that exact thirds land in their band.
WEAK_UP_TO, STRONG_FROM = Decimal("33.333333"), Decimal("66.666667")


@dataclass(frozen=True)
class Rates:
    volunteer_hour: Decimal
    skills_day: Decimal


def _d(value):
    return ZERO if value is None else Decimal(value)


def _pct(part, whole):
    return ZERO if not whole else Decimal(part) * HUNDRED / Decimal(whole)


def round_to(value, places=1):
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rounded_shares(shares, places=1):
    """Shares rounded to ``places`` decimals that still add up to exactly 100 (largest remainder): three
    thirds read 33,4 / 33,3 / 33,3, never 99,9. None stays None."""
    if shares is None:
        return None
    unit = Decimal(1).scaleb(-places)
    floors = {key: (value / unit).to_integral_value(rounding="ROUND_FLOOR") for key, value in shares.items()}
    missing = int(HUNDRED / unit - sum(floors.values(), ZERO)) if sum(shares.values(), ZERO) else 0
    # Ties on the remainder go to the first key, so the result does not depend on anything but the order given.
    order = sorted(shares, key=lambda key: (-(shares[key] / unit - floors[key]), list(shares).index(key)))
    for key in order[:max(missing, 0)]:
        floors[key] += 1
    return {key: (floors[key] * unit).quantize(unit) for key in shares}


def normalise(values):
    """{key: % of the sum}, or None when the sum is zero (no point can be placed)."""
    total = sum(values.values(), ZERO)
    if not total:
        return None
    return {key: value * HUNDRED / total for key, value in values.items()}


# ---- 1. Activation -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Activation:
    levels: dict  # field -> 0..3 or None (not answered)
    levers: dict  # lever -> activation in % (0..100), None while a component of it is unanswered
    point: dict | None  # lever -> % of the sum of the three activations; None if incomplete or all « Absent »
    intensity: Decimal | None  # mean of the three activations; None if incomplete

    @cached_property  # read for every table cell and chart label: computed once (the dataclass stays frozen)
    def point_display(self):
        """The point's shares rounded to a tenth, summing to 100."""
        return rounded_shares(self.point)

    @property
    def answered(self):
        return sum(level is not None for level in self.levels.values())

    @property
    def expected(self):
        return len(ACTIVATION_FIELDS)

    @property
    def complete(self):
        return self.answered == self.expected

    @property
    def started(self):
        return self.answered > 0

    @property
    def weakest(self):
        """The lever strictly less activated than the two others, or None (incomplete, or a tie at the bottom:
        two levers equally low are not « the least activated »)."""
        if not self.complete:
            return None
        ranked = sorted(LEVERS, key=lambda lever: self.levers[lever])
        return ranked[0] if self.levers[ranked[0]] < self.levers[ranked[1]] else None

    @property
    def strongest(self):
        """The most activated levers, ties kept, in the référentiel's order; empty while incomplete."""
        if not self.complete:
            return []
        high = max(self.levers.values())
        return [lever for lever in LEVERS if self.levers[lever] == high]

    @property
    def band(self):
        """« faible », « moyenne » or « forte »: the intensity against thirds of the top level."""
        if self.intensity is None:
            return ""
        value = round_to(self.intensity, 6)
        return "faible" if value <= WEAK_UP_TO else "forte" if value >= STRONG_FROM else "moyenne"


def _level(value):
    if value is None or value == "":
        return None
    level = int(value)
    if level not in LEVELS:
        raise ValueError(f"level out of range: {value!r}")
    return level


def activation(figures):
    """The trépied from the 11 answers found in ``figures`` (missing or None: not answered)."""
    levels = {name: _level(figures.get(name)) for name in ACTIVATION_FIELDS}
    levers = {}
    for lever in LEVERS:
        answers = [levels[name] for name, spec in ACTIVATION_FIELDS.items() if spec[0] == lever]
        levers[lever] = None if None in answers else Decimal(sum(answers)) * HUNDRED / (TOP_LEVEL * len(answers))
    complete = None not in levers.values()
    return Activation(
        levels=levels,
        levers=levers,
        point=normalise(levers) if complete else None,
        intensity=sum(levers.values(), ZERO) / len(LEVERS) if complete else None,
    )


# ---- 2. Hybridation ----------------------------------------------------------------------------------------


def financial_sources(figures):
    """{field: amount} of the financial sources, zeros included, in the order of FINANCIAL_SOURCES."""
    return {name: _d(figures.get(name)) for name in FINANCIAL_SOURCES}


@dataclass(frozen=True)
class Hybridation:
    amounts: dict  # family (other included) -> €
    total: Decimal  # the budget: every financial resource of the year
    shares: dict  # family (other included) -> % of the budget
    point: dict | None  # public / private / activity -> % of the three; None when they are all zero
    public_market: Decimal  # commande publique, in €, inside « activity »
    public_market_share: Decimal  # its % of the budget

    @cached_property
    def display(self):
        """The shares of the budget as printed: to a tenth, adding up to exactly 100; None without a budget."""
        return rounded_shares(self.shares) if self.total else None


def hybridation(figures):
    sources = financial_sources(figures)
    amounts = {family: ZERO for family in FAMILY_LABELS}
    for name, value in sources.items():
        amounts[FINANCIAL_SOURCES[name][1]] += value
    total = sum(amounts.values(), ZERO)
    return Hybridation(
        amounts=amounts,
        total=total,
        shares={family: _pct(value, total) for family, value in amounts.items()},
        point=normalise({family: amounts[family] for family in FAMILIES}),
        public_market=sources[PUBLIC_MARKET],
        public_market_share=_pct(sources[PUBLIC_MARKET], total),
    )


def herfindahl(amounts):
    """Σ (share in %)² over the sources with money; 0 when there is none."""
    total = sum(amounts, ZERO)
    if not total:
        return ZERO
    return sum(((amount * HUNDRED / total) ** 2 for amount in amounts if amount), ZERO)


@dataclass(frozen=True)
class Concentration:
    """Over the 15 categories of resources of the form (not over funders: two State grants are one category)."""

    source_count: int
    hhi: Decimal
    largest_source: str | None  # « Autres ressources » is never the largest: nothing is known of it
    largest_share: Decimal

    @property
    def largest_label(self):
        return FINANCIAL_SOURCES[self.largest_source][0] if self.largest_source else ""


def concentration(figures):
    sources = financial_sources(figures)
    total = sum(sources.values(), ZERO)
    used = {name: amount for name, amount in sources.items() if amount > 0}
    known = {name: amount for name, amount in used.items() if FINANCIAL_SOURCES[name][1] != "other"}
    largest = max(known, key=known.get) if known else None
    return Concentration(
        source_count=len(used),
        hhi=herfindahl(list(sources.values())),
        largest_source=largest,
        largest_share=_pct(known[largest], total) if largest else ZERO,
    )


# ---- 3. Voluntary contributions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Contributions:
    parts: dict  # CONTRIBUTION_LABELS key -> €
    total: Decimal
    budget: Decimal
    ratio: Decimal | None  # % of the budget; None without a budget


def contributions(figures, rates, budget):
    parts = {
        "volunteering": _d(figures.get("volunteer_hours")) * rates.volunteer_hour,
        "skills": _d(figures.get("skills_days")) * rates.skills_day,
        **{name: _d(figures.get(name)) for name in IN_KIND_FIELDS},
    }
    total = sum(parts.values(), ZERO)
    return Contributions(parts=parts, total=total, budget=budget, ratio=_pct(total, budget) if budget else None)


# ---- One year, and the years together ----------------------------------------------------------------------


@dataclass(frozen=True)
class YearResult:
    year: int
    is_target: bool
    figures: dict
    activation: Activation
    hybridation: Hybridation
    concentration: Concentration
    contributions: Contributions

    @property
    def label(self):
        return f"Cible {self.year}" if self.is_target else str(self.year)

    @property
    def budget(self):
        return self.hybridation.total


def evaluate(year, figures, rates, is_target=False):
    mix = hybridation(figures)
    return YearResult(
        year=year,
        is_target=is_target,
        figures=dict(figures),
        activation=activation(figures),
        hybridation=mix,
        concentration=concentration(figures),
        contributions=contributions(figures, rates, mix.total),
    )


def _points(end, start):
    return None if end is None or start is None else end - start


@dataclass(frozen=True)
class Change:
    """From one year to the next (or from the latest year to the target), in points of each share."""

    start: YearResult
    end: YearResult
    family_points: dict  # family (other included) -> points of the budget, between the printed shares
    lever_points: dict  # lever -> points of activation; None where either year is unanswered
    intensity_points: Decimal | None
    budget_pct: Decimal | None  # relative change of the budget in %; None from a zero budget


def change(start, end):
    return Change(
        start=start,
        end=end,
        # From the shares as printed, so that « 45 % → 35,1 % » reads « −9,9 points », never « −10 points ».
        family_points={family: end.hybridation.display[family] - start.hybridation.display[family]
                       for family in FAMILY_LABELS} if start.budget and end.budget else {},
        lever_points={lever: _points(end.activation.levers[lever], start.activation.levers[lever]) for lever in LEVERS},
        intensity_points=_points(end.activation.intensity, start.activation.intensity),
        budget_pct=(end.budget - start.budget) * HUNDRED / start.budget if start.budget else None,
    )


@dataclass(frozen=True)
class Trajectory:
    actual: list  # real years, oldest first
    target: YearResult | None
    steps: list  # Change between consecutive real years
    gap: Change | None  # latest real year -> target
    overall: Change | None  # first real year -> latest, when there are at least two

    @property
    def latest(self):
        return self.actual[-1] if self.actual else None

    @property
    def previous(self):
        return self.actual[-2] if len(self.actual) > 1 else None


def trajectory(results):
    actual = sorted((r for r in results if not r.is_target), key=lambda r: r.year)
    target = next((r for r in results if r.is_target), None)
    return Trajectory(
        actual=actual,
        target=target,
        steps=[change(a, b) for a, b in zip(actual, actual[1:], strict=False)],
        gap=change(actual[-1], target) if actual and target else None,
        overall=change(actual[0], actual[-1]) if len(actual) > 1 else None,
    )
