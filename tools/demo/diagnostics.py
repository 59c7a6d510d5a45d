"""Deterministic demo diagnostics (organisations and their yearly figures), for benchmarks (``manage.py seed_demo``)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from diagnostic import computation
from diagnostic.content_loader import diagnostic_load
from diagnostic.models import Organisation, Snapshot
from parcours.content_loader import parcours_load
from tools.demo.people import USERNAME_PATTERN, between, stamped_by_hand
from resources.content_loader import content_load
from resources.models import ActorProfile, Region

# « Démo 00042 · … »: the exact shape is the marker, so a real organisation called « Démo » survives a re-run.
NAME_PATTERN = r"^Démo [0-9]{5,} · "
LAST_YEAR = 2025
MAX_YEARS = 4
OWNED_SHARE = 0.7
# A visitor's diagnostic nobody touched for 30 days is pruned (diagnostic.services): the demo ones are recent.
VISITOR_DAYS = 29
BATCH_SIZE = 5000

KINDS = ["Association", "Association", "Association", "Fondation", "Coopérative", "Collectif", "Fédération",
         "Centre social", "Fonds de dotation", "Régie de quartier"]
NAMES = ["Terre d’Entraide", "Les Ateliers du Lien", "Solidarités Nouvelles", "Le Relais", "Graines de Citoyens",
         "La Ressourcerie", "Culture en Partage", "Sport pour Tous", "Horizon Jeunesse", "Les Amis du Quartier",
         "Vélo Solidaire", "Bien Vieillir Ensemble", "L’Épicerie Solidaire", "Les Jardins Partagés", "Trait d’Union",
         "Passerelles", "Lire et Faire Lire Ensemble", "Le Pont des Arts", "Énergies Citoyennes", "Main Tendue",
         "Les Compagnons du Numérique", "Accueil et Hébergement", "La Cantine Nomade", "Cap Emploi Local"]
CITIES = ["Rennes", "Lyon", "Marseille", "Lille", "Toulouse", "Nantes", "Strasbourg", "Montpellier", "Bordeaux",
          "Clermont-Ferrand", "Dijon", "Besançon", "Limoges", "Poitiers", "Amiens", "Rouen", "Caen", "Brest", "Annecy",
          "Saint-Denis", "Cayenne", "Ajaccio", "Pau", "Nîmes", "Tours", "Orléans", "Metz", "Nancy", "Perpignan"]

# Archetypes: (weight, salaried FTE range, volunteers range, {source: (probability, low, high)} in € a year).
ARCHETYPES = [
    (4, (0, 0), (5, 60), {
        "membership_fees": (0.9, 300, 8_000), "subsidies_local": (0.7, 500, 15_000), "gifts_individuals": (0.5, 100, 5_000),
        "revenue_sales": (0.3, 200, 6_000), "revenue_pay_what_you_can": (0.15, 100, 2_000), "crowdfunding": (0.1, 500, 8_000),
    }),
    (4, (1, 25), (10, 200), {
        "subsidies_state": (0.6, 10_000, 250_000), "subsidies_local": (0.85, 5_000, 300_000),
        "subsidies_europe": (0.2, 10_000, 150_000), "membership_fees": (0.7, 1_000, 30_000),
        "gifts_foundations": (0.35, 5_000, 80_000), "gifts_companies": (0.3, 2_000, 50_000),
        "gifts_individuals": (0.4, 500, 40_000), "revenue_public_procurement": (0.25, 10_000, 200_000),
        "revenue_sales": (0.5, 5_000, 150_000), "revenue_training": (0.25, 2_000, 60_000),
        "other_income": (0.2, 500, 10_000),
    }),
    (2, (3, 60), (0, 40), {
        "revenue_sales": (0.95, 50_000, 2_000_000), "revenue_public_procurement": (0.5, 20_000, 800_000),
        "revenue_training": (0.4, 5_000, 150_000), "revenue_advice": (0.4, 5_000, 200_000),
        "subsidies_state": (0.4, 10_000, 200_000), "subsidies_local": (0.4, 5_000, 100_000),
        "societal_investment": (0.3, 20_000, 300_000), "other_income": (0.2, 1_000, 30_000),
    }),
    (1, (1, 15), (0, 30), {
        "gifts_companies": (0.7, 20_000, 1_500_000), "gifts_foundations": (0.3, 10_000, 300_000),
        "gifts_individuals": (0.6, 5_000, 500_000), "societal_investment": (0.5, 50_000, 1_000_000),
        "crowdfunding": (0.1, 2_000, 30_000), "other_income": (0.3, 2_000, 50_000),
    }),
]
TWO_PLACES = Decimal("0.01")


def _money(value, step=10):
    """Euros rounded the way people type them (to the ten, or the hundred for large sums)."""
    step = 100 if value >= 10_000 else step
    return Decimal(int(round(value / step)) * step).quantize(TWO_PLACES)


def _base_figures(rng):
    """One organisation's first year: an archetype, a size, and sources drawn for it."""
    _, fte_range, volunteer_range, sources = rng.choices(ARCHETYPES, weights=[a[0] for a in ARCHETYPES])[0]
    figures = {name: Decimal(0) for name in Snapshot.figure_fields()}
    fte = Decimal(rng.uniform(*fte_range)).quantize(Decimal("0.1")) if fte_range[1] else Decimal(0)
    figures["salaried_fte"] = fte.quantize(TWO_PLACES)
    volunteers = rng.randint(*volunteer_range)
    figures["volunteers_count"] = volunteers
    figures["volunteer_hours"] = Decimal(volunteers * rng.randint(10, 150)).quantize(TWO_PLACES)
    if rng.random() < 0.35:
        figures["service_civique_months"] = Decimal(rng.choice([6, 8, 12, 16, 24, 36])).quantize(TWO_PLACES)
    if rng.random() < 0.3:
        figures["intern_months"] = Decimal(rng.choice([2, 3, 4, 6, 12])).quantize(TWO_PLACES)
    if rng.random() < 0.2:
        figures["skills_days"] = Decimal(rng.randint(2, 60)).quantize(TWO_PLACES)
    for name, (probability, low, high) in sources.items():
        if rng.random() < probability:
            figures[name] = _money(rng.uniform(low, high))
    for name in computation.PARTNERSHIP_FIELDS:
        figures[name] = rng.choice([0, 0, 1, 1, 2, 3, 4, 6, 10])
    for name, high in (("in_kind_premises", 30_000), ("in_kind_equipment", 8_000), ("in_kind_services", 15_000)):
        if rng.random() < 0.4:
            figures[name] = _money(rng.uniform(200, high))
    return figures


def _typed(name, value):
    """A figure as a person would type it: whole hours and months, FTE to the tenth, round sums of euros."""
    if name in ("volunteers_count", *computation.PARTNERSHIP_FIELDS):
        return max(0, int(round(value)))
    if name == "salaried_fte":
        return Decimal(value).quantize(Decimal("0.1")).quantize(TWO_PLACES)
    if name in computation.FINANCIAL_SOURCES or name in computation.IN_KIND_FIELDS:
        return _money(value)
    return Decimal(round(value)).quantize(TWO_PLACES)


def _next_year(rng, figures):
    """The following year: every figure moves a little, a source now and then appears or dries up."""
    following = {}
    for name, value in figures.items():
        factor = Decimal(str(round(rng.uniform(0.85, 1.2), 3)))
        if name in ("volunteers_count", *computation.PARTNERSHIP_FIELDS):
            following[name] = max(0, int(round(value * factor)) + (rng.choice([-1, 0, 0, 1]) if value else 0))
        elif name in computation.FINANCIAL_SOURCES and rng.random() < 0.06:
            following[name] = Decimal(0) if value else _money(rng.uniform(500, 20_000))
        else:
            following[name] = _typed(name, value * factor)
    return following


def _target(rng, figures):
    """Where the organisation aims: more revenue from activity and private support, every answer one level up
    where it can be."""
    target = {name: _typed(name, value * Decimal(str(round(rng.uniform(0.95, 1.15), 3))))
              if isinstance(value, Decimal) else value for name, value in figures.items()}
    name = rng.choice(("membership_fees", "revenue_sales", "gifts_foundations", "societal_investment"))
    target[name] = _typed(name, max(3000, target[name] * 2))
    for field in computation.ACTIVATION_FIELDS:
        if target.get(field) is not None:
            target[field] = min(computation.TOP_LEVEL, target[field] + 1)
    return target


def _answers(rng):
    """A questionnaire: most demo organisations answered all of it, some half, a few none."""
    answered = rng.choices([11, 6, 0], weights=[7, 2, 1])[0]
    names = list(computation.ACTIVATION_FIELDS)
    chosen = set(rng.sample(names, answered))
    return {name: rng.choice([0, 1, 1, 2, 2, 3]) if name in chosen else None for name in names}


def _valued(figures):
    """The form refuses an empty year (diagnostic.forms): so does the demo."""
    if not any(figures[name] for name in Snapshot.figure_fields()):
        figures["membership_fees"] = Decimal("1500.00")
    return figures


def demo_years(rng, created, now):
    """One to four years of figures up to LAST_YEAR, a target a third of the time, each updated between ``created``
    and ``now``: (unsaved snapshots, the moment of the last update)."""
    span = rng.randint(1, MAX_YEARS)
    figures = _valued(_base_figures(rng))
    answers = _answers(rng)
    rows = []
    for year in range(LAST_YEAR - span + 1, LAST_YEAR + 1):
        rows.append(Snapshot(year=year, is_target=False, **figures, **answers))
        figures = _valued(_next_year(rng, figures))
    if rng.random() < 0.35:
        target = _valued(_target(rng, rows[-1].figures()))
        rows.append(Snapshot(year=LAST_YEAR + rng.randint(1, 3), is_target=True, **target))
    moment = created
    for snapshot in rows:
        moment = between(rng, moment, now, skew=3.0)
        snapshot.updated_at = moment
    return rows, moment


@transaction.atomic
def demo_diagnostics(count, *, seed=2019, now=None):
    """Replace the demo organisations by ``count`` new ones; the same seed (and demo people, and ``now``) gives
    the same diagnostics. About 70 % belong to a demo person when there are some, the others to visitors."""
    content_load()  # the rules point to shipped fiches and steps: the result pages recommend as in production
    parcours_load()
    diagnostic_load()
    Organisation.objects.filter(name__regex=NAME_PATTERN).delete()
    # Bandit: reproducible demo data, nothing secret depends on it.
    rng = random.Random(seed)  # nosec B311
    now = now or timezone.now()
    owners = list(get_user_model().objects.filter(username__regex=USERNAME_PATTERN).order_by("username")
                  .values_list("pk", "date_joined"))
    actor_profiles = list(ActorProfile.objects.order_by("pk"))
    regions = list(Region.objects.order_by("pk"))
    organisations, years = [], []
    for index in range(1, count + 1):
        owner = rng.choice(owners) if owners and rng.random() < OWNED_SHARE else None
        if owner:
            created = between(rng, owner[1], now)
        else:
            # A visitor's diagnostic is not owned by anybody; its id would sit in their session only.
            created = now - timedelta(minutes=rng.randint(10, VISITOR_DAYS * 24 * 60))
        name = f"Démo {index:05d} · {rng.choice(KINDS)} {rng.choice(NAMES)} ({rng.choice(CITIES)})"
        organisation = Organisation(
            user_id=owner[0] if owner else None,
            name=name,
            actor_profile=rng.choice(actor_profiles) if actor_profiles and rng.random() < 0.8 else None,
            region=rng.choice(regions) if regions and rng.random() < 0.8 else None,
            created_at=created,
        )
        rows, organisation.updated_at = demo_years(rng, created, now)
        organisations.append(organisation)
        years.append(rows)
    with stamped_by_hand(Organisation, Snapshot):
        Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)
        ids = dict(Organisation.objects.filter(name__regex=NAME_PATTERN).values_list("name", "pk"))
        snapshots = []
        for organisation, rows in zip(organisations, years, strict=True):
            for snapshot in rows:
                snapshot.organisation_id = ids[organisation.name]
                snapshots.append(snapshot)
        Snapshot.objects.bulk_create(snapshots, batch_size=BATCH_SIZE)
    return len(organisations)
