"""The arithmetic of « Mon modèle socio-économique »: pure Python, no database, no Django.

Valuation rules (the rates are set by staff in the admin and printed on the result page):

- richesses humaines = salaried FTE × cost of one FTE a year
  + volunteer hours × value of a volunteer hour
  + service civique months × value of a month + intern months × value of a month
  + mécénat de compétences days × value of a day
  (the number of volunteers is shown but not valued: their hours are);
- financement = the sum of every financial resource of the year, in euros;
- alliances = active partnerships (all kinds) × value of a partnership a year
  + contributions in kind (premises, equipment, services), in euros.

Each lever's share is its value over the sum of the three. The barycentre is the point
share_rh · RH + share_fin · FIN + share_all · ALL in a triangle whose corners are the levers, so it
leans towards the lever that weighs most and sits at the centre when the three are balanced.

Concentration of the financial mix: the Herfindahl-Hirschman index, Σ (share of each source in %)²,
from 10,000 / n (n equal sources) to 10,000 (a single source).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from math import sqrt

ZERO = Decimal(0)
LEVERS = ("rh", "fin", "all")
LEVER_LABELS = {"rh": "Richesses humaines", "fin": "Financement", "all": "Alliances"}

# Corners of the triangle in a unit frame: richesses humaines on top, financement bottom left,
# alliances bottom right (the order of the trépied on the home page).
CORNERS = {"rh": (0.5, sqrt(3) / 2), "fin": (0.0, 0.0), "all": (1.0, 0.0)}

# The financial sources: field name -> (label, family). Families give the public / private / own split.
FINANCIAL_SOURCES = {
    "subsidies_state": ("Subventions de l’État", "public"),
    "subsidies_local": ("Subventions des collectivités", "public"),
    "subsidies_europe": ("Fonds européens", "public"),
    "gifts_companies": ("Mécénat d’entreprises", "private"),
    "gifts_foundations": ("Soutien de fondations", "private"),
    "gifts_individuals": ("Dons de particuliers", "private"),
    "crowdfunding": ("Financement participatif", "private"),
    "societal_investment": ("Investissement sociétal, partenariats", "private"),
    "membership_fees": ("Cotisations", "own"),
    "revenue_public_procurement": ("Commande publique", "own"),
    "revenue_sales": ("Ventes et prestations", "own"),
    "revenue_training": ("Formation", "own"),
    "revenue_advice": ("Conseil", "own"),
    "revenue_pay_what_you_can": ("Prix libre", "own"),
    "other_income": ("Autres ressources", "other"),
}
FAMILY_LABELS = {
    "public": "Financements publics",
    "private": "Financements privés",
    "own": "Revenus propres",
    "other": "Autres",
}
# The référentiel's three families of financing, for recommendations.
SOURCE_COMPONENTS = {
    "public": "subventionnement",
    "private": "investissement-societal",
    "own": "revenus-d-activite",
    "other": None,
}
HUMAN_FIELDS = ("salaried_fte", "volunteer_hours", "service_civique_months", "intern_months", "skills_days")
PARTNERSHIP_FIELDS = ("partnerships_positioning", "partnerships_production", "partnerships_means")
IN_KIND_FIELDS = ("in_kind_premises", "in_kind_equipment", "in_kind_services")
CONCENTRATED_HHI = 2500  # above it, a mix is commonly read as highly concentrated
FEW_SOURCES = 3


@dataclass(frozen=True)
class Rates:
    fte_year: Decimal
    volunteer_hour: Decimal
    service_civique_month: Decimal
    intern_month: Decimal
    skills_day: Decimal
    partnership_year: Decimal
    dependency_threshold: Decimal  # in %, e.g. 50


def _d(value):
    return ZERO if value is None else Decimal(value)


def _pct(part, whole):
    return ZERO if not whole else Decimal(part) * 100 / Decimal(whole)


def round_to(value, places=1):
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def human_value(figures, rates):
    return (
        _d(figures.get("salaried_fte")) * rates.fte_year
        + _d(figures.get("volunteer_hours")) * rates.volunteer_hour
        + _d(figures.get("service_civique_months")) * rates.service_civique_month
        + _d(figures.get("intern_months")) * rates.intern_month
        + _d(figures.get("skills_days")) * rates.skills_day
    )


def financial_sources(figures):
    """{field: amount} of the financial sources, zeros included, in the order of FINANCIAL_SOURCES."""
    return {name: _d(figures.get(name)) for name in FINANCIAL_SOURCES}


def alliance_value(figures, rates):
    partnerships = sum((_d(figures.get(name)) for name in PARTNERSHIP_FIELDS), ZERO)
    in_kind = sum((_d(figures.get(name)) for name in IN_KIND_FIELDS), ZERO)
    return partnerships * rates.partnership_year + in_kind


def lever_values(figures, rates):
    return {
        "rh": human_value(figures, rates),
        "fin": sum(financial_sources(figures).values(), ZERO),
        "all": alliance_value(figures, rates),
    }


def shares(values):
    """{lever: % of the total}; all zero when nothing is valued."""
    total = sum(values.values(), ZERO)
    return {lever: _pct(values[lever], total) for lever in LEVERS}


def barycentre(lever_shares):
    """(x, y) in the unit triangle of CORNERS; the centre of the triangle when the total is zero."""
    weights = [float(lever_shares[lever]) / 100 for lever in LEVERS]
    total = sum(weights)
    if not total:
        weights, total = [1.0, 1.0, 1.0], 3.0
    x = sum(w * CORNERS[lever][0] for w, lever in zip(weights, LEVERS, strict=True)) / total
    y = sum(w * CORNERS[lever][1] for w, lever in zip(weights, LEVERS, strict=True)) / total
    return x, y


def herfindahl(amounts):
    """Σ (share in %)² over the sources with money; 0 when there is none."""
    total = sum(amounts, ZERO)
    if not total:
        return ZERO
    return sum(((amount * 100 / total) ** 2 for amount in amounts if amount), ZERO)


@dataclass
class Indicators:
    source_count: int
    hhi: Decimal
    largest_source: str | None
    largest_share: Decimal
    dependency: bool
    concentrated: bool
    few_sources: bool
    families: dict = field(default_factory=dict)  # family -> % of the financial total

    @property
    def largest_label(self):
        return FINANCIAL_SOURCES[self.largest_source][0] if self.largest_source else ""

    @property
    def largest_family(self):
        return FINANCIAL_SOURCES[self.largest_source][1] if self.largest_source else None


def indicators(figures, rates):
    sources = financial_sources(figures)
    total = sum(sources.values(), ZERO)
    used = {name: amount for name, amount in sources.items() if amount > 0}
    largest = max(used, key=used.get) if used else None
    largest_share = _pct(used[largest], total) if largest else ZERO
    families = {family: ZERO for family in FAMILY_LABELS}
    for name, amount in sources.items():
        families[FINANCIAL_SOURCES[name][1]] += amount
    hhi = herfindahl(list(sources.values()))
    return Indicators(
        source_count=len(used),
        hhi=hhi,
        largest_source=largest,
        largest_share=largest_share,
        dependency=bool(largest) and largest_share > rates.dependency_threshold,
        concentrated=hhi > CONCENTRATED_HHI,
        few_sources=bool(total) and len(used) < FEW_SOURCES,
        families={family: _pct(amount, total) for family, amount in families.items()},
    )


@dataclass
class YearResult:
    year: int
    is_target: bool
    values: dict
    shares: dict
    point: tuple
    total: Decimal
    indicators: Indicators

    @property
    def weakest(self):
        return min(LEVERS, key=lambda lever: (self.shares[lever], LEVERS.index(lever)))

    @property
    def strongest(self):
        return max(LEVERS, key=lambda lever: (self.shares[lever], -LEVERS.index(lever)))

    @property
    def is_balanced(self):
        """The three levers within one point of each other: no lever leads, none lags."""
        return self.total > 0 and self.shares[self.strongest] - self.shares[self.weakest] < 1


def evaluate(year, figures, rates, is_target=False):
    values = lever_values(figures, rates)
    lever_shares = shares(values)
    return YearResult(
        year=year,
        is_target=is_target,
        values=values,
        shares=lever_shares,
        point=barycentre(lever_shares),
        total=sum(values.values(), ZERO),
        indicators=indicators(figures, rates),
    )


@dataclass
class Change:
    """From one year (or the latest year) to the next (or the target): lever values and shares."""

    start: YearResult
    end: YearResult
    values: dict
    share_points: dict
    values_pct: dict  # relative change in % of the start value; None when the start is zero


def change(start, end):
    return Change(
        start=start,
        end=end,
        values={lever: end.values[lever] - start.values[lever] for lever in LEVERS},
        share_points={lever: end.shares[lever] - start.shares[lever] for lever in LEVERS},
        values_pct={
            lever: (end.values[lever] - start.values[lever]) * 100 / start.values[lever] if start.values[lever] else None
            for lever in LEVERS
        },
    )


def trajectory(results):
    """Year-over-year changes between consecutive actual years, and the gap from the latest to the target."""
    actual = sorted((r for r in results if not r.is_target), key=lambda r: r.year)
    target = next((r for r in results if r.is_target), None)
    steps = [change(a, b) for a, b in zip(actual, actual[1:], strict=False)]
    gap = change(actual[-1], target) if actual and target else None
    return actual, target, steps, gap
