"""Deterministic demo accounts with their progress, notes and saved fiches, for benchmarks (``manage.py seed_demo``).

Everything is written with ``bulk_create``: 5,000 people and their tens of thousands of rows take seconds, where
the services (one upsert per click) would take many minutes.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from parcours.content_loader import parcours_load
from accounts.models import Profile
from parcours.models import Enrolment, Parcours, SavedFiche, Status, StepProgress
from parcours.outline import available_depths, depth_includes
from resources.content_loader import content_load
from resources.models import ActorProfile, Fiche, Region

USERNAME_PREFIX = "demo-personne-"
# The exact shape of a demo username: a real account that merely starts with the prefix is never deleted.
USERNAME_PATTERN = r"^demo-personne-[0-9]{5,}$"
EMAIL_DOMAIN = "exemple.org"
# Bandit: a published password for throwaway demo accounts of a benchmark database, protecting nothing.
PASSWORD = "demo-mot-de-passe-2019"  # nosec B105
BATCH_SIZE = 5000
HISTORY_DAYS = 2 * 365

FIRST_NAMES = ["Camille", "Léa", "Manon", "Chloé", "Inès", "Jeanne", "Louise", "Zoé", "Anaïs", "Mathilde", "Hélène",
               "Élodie", "Sophie", "Nadia", "Fatou", "Amélie", "Lucas", "Hugo", "Louis", "Jules", "Gabriel", "Théo",
               "Mathis", "Nathan", "Karim", "Mehdi", "Antoine", "Étienne", "Jérôme", "François", "Benoît", "Cédric",
               "Frédéric", "Grégoire", "Yannick", "Pascal", "Dominique", "Claude", "Maëlle", "Noémie"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
              "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
              "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Müller", "Henry", "Roussel", "Nicolas", "Perrin",
              "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "N’Diaye",
              "Benali", "Le Goff", "Hoarau", "Da Silva"]
NOTE_OPENINGS = [
    "À discuter au prochain conseil d’administration\u00a0:",
    "Point à creuser avec la trésorière\u00a0:",
    "Idée notée pendant la réunion d’équipe\u00a0:",
    "Retour de l’atelier de mardi\u00a0:",
    "À vérifier avant la fin du trimestre\u00a0:",
    "Remarque du président\u00a0:",
    "Pour moi\u00a0:",
    "Constat partagé avec les bénévoles\u00a0:",
    "Après l’échange avec notre chargée de mission DLA\u00a0:",
]
NOTE_FINDINGS = [
    "nos subventions dépendent presque toutes de la même collectivité.",
    "les bénévoles du samedi pourraient animer un atelier de découverte.",
    "nous ne valorisons jamais le local prêté par la mairie.",
    "le mécénat de compétences de l’entreprise voisine n’apparaît nulle part dans nos comptes.",
    "la part des revenus d’activité a baissé depuis deux ans.",
    "nous avons sous-estimé le temps passé à chercher des financements.",
    "trois partenaires historiques n’ont plus de projet commun avec nous.",
    "la cotisation n’a pas bougé depuis 2019, il faudrait en débattre.",
    "l’équipe salariée porte seule la relation avec les financeurs.",
    "une fondation locale finance des projets proches du nôtre.",
    "le tiers-lieu pourrait accueillir d’autres associations du quartier.",
    "nos services civiques restent peu accompagnés après le premier mois.",
    "le projet associatif ne dit rien de notre modèle économique.",
    "la formation est notre activité la plus rentable, mais aussi la plus fragile.",
]
NOTE_FOLLOW_UPS = [
    "Relancer la mairie en septembre.",
    "Demander un rendez-vous au DLA.",
    "Préparer deux scénarios chiffrés pour l’assemblée générale.",
    "En parler avec Claire avant de trancher.",
    "Lire la fiche sur les alliances de moyens.",
    "Faire le point dans trois mois.",
    "Prévoir un temps d’échange avec les bénévoles.",
    "Recenser ce qui existe déjà sur le territoire.",
]


@contextmanager
def stamped_by_hand(*models):
    """Let ``bulk_create`` keep the past dates set on the rows: auto_now and auto_now_add would stamp every row
    with the current second, and a history where everything happened at once measures nothing realistic.

    The flags are process-wide: for a one-shot command or a test, never inside a request.
    """
    fields = [f for model in models for f in model._meta.concrete_fields
              if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    flags = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in flags:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def between(rng, start, end, skew=1.0):
    """A moment between start and end; skew > 1 draws it closer to start."""
    if end <= start:
        return end
    return start + (end - start) * (rng.random() ** skew)


def demo_note(rng):
    parts = [rng.choice(NOTE_OPENINGS), rng.choice(NOTE_FINDINGS)]
    if rng.random() < 0.6:
        parts.append(rng.choice(NOTE_FOLLOW_UPS))
    return " ".join(parts)


@dataclass
class _Person:
    user: object
    profile: Profile | None = None
    rows: list = field(default_factory=list)  # enrolments, progress and saved fiches, user_id still unknown


def _progress(rng, person, steps, started, now):
    """A prefix of the steps: closed ones (mostly terminée), maybe the last one still en cours, a note on some."""
    total = len(steps)
    draw = rng.random()
    reached = 0 if draw < 0.1 else total if draw < 0.35 else rng.randint(1, max(1, total - 1))
    moment = started
    for position, step in enumerate(steps[:reached]):
        created = min(now, moment + timedelta(minutes=rng.randint(5, 10 * 24 * 60)))
        if position == reached - 1 and reached < total and rng.random() < 0.4:
            status = Status.IN_PROGRESS
        else:
            status = Status.NOT_CONCERNED if rng.random() < 0.12 else Status.DONE
        completed = min(now, created + timedelta(minutes=rng.randint(10, 3 * 24 * 60))) if status in Status.done() else None
        note = demo_note(rng) if rng.random() < 0.3 else ""
        updated = completed or min(now, created + timedelta(minutes=rng.randint(1, 2 * 24 * 60)))
        person.rows.append(StepProgress(step=step, status=status, note=note, created_at=created, updated_at=updated,
                                        completed_at=completed))
        moment = completed or created


def _person(rng, index, now, pools):
    User = get_user_model()
    username = f"{USERNAME_PREFIX}{index:05d}"
    joined = now - timedelta(minutes=rng.randint(60, HISTORY_DAYS * 24 * 60))
    user = User(username=username, email=f"{username}@{EMAIL_DOMAIN}", password=pools["password"], date_joined=joined,
                last_login=None if rng.random() < 0.1 else between(rng, joined, now, skew=0.5))
    person = _Person(user=user)
    if rng.random() < 0.5:
        named = rng.random() < 0.9
        person.profile = Profile(
            display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if named else "",
            actor_profile=rng.choice(pools["actor_profiles"]) if pools["actor_profiles"] and rng.random() < 0.85 else None,
            region=rng.choice(pools["regions"]) if pools["regions"] and rng.random() < 0.85 else None,
        )
    followed = pools["parcours"] if len(pools["parcours"]) < 2 or rng.random() < 0.35 else [rng.choice(pools["parcours"])]
    for parcours, steps in followed:
        levels = available_depths(steps)
        # The first level is the one most people choose, as on the site (it is the default).
        depth = rng.choices(levels, weights=[5, 3, 2][: len(levels)])[0].value if levels else ""
        started = between(rng, joined, now, skew=2.0)
        person.rows.append(Enrolment(parcours=parcours, depth=depth, started_at=started))
        _progress(rng, person, [step for step in steps if depth_includes(depth, step)], started, now)
    saved = min(len(pools["fiches"]), rng.choice([0, 0, 0, 1, 1, 2, 2, 3, 4, 5]))
    for fiche_id in rng.sample(pools["fiches"], saved):
        person.rows.append(SavedFiche(fiche_id=fiche_id, saved_at=between(rng, joined, now)))
    return person


@transaction.atomic
def demo_people(count, *, seed=2019, now=None):
    """Replace the demo accounts by ``count`` new ones; the same seed (and ``now``) gives the same people.

    Each person is enrolled in one or both parcours and has a profile half of the time; they all share the
    password ``PASSWORD`` and log in with their e-mail address.
    """
    if count:
        # The parcours the progress refers to; left alone when only removing the demo people.
        content_load()
        parcours_load()
    User = get_user_model()
    User.objects.filter(username__regex=USERNAME_PATTERN).delete()  # cascades to their rows and organisations
    # Bandit: reproducible demo data, nothing secret depends on it.
    rng = random.Random(seed)  # nosec B311
    now = now or timezone.now()
    pools = {
        # One hash for everyone: the hasher is slow on purpose, 5,000 hashes would take minutes.
        "password": make_password(PASSWORD),
        "parcours": [(parcours, list(parcours.steps.all())) for parcours in Parcours.objects.prefetch_related("steps")],
        "actor_profiles": list(ActorProfile.objects.order_by("pk")),
        "regions": list(Region.objects.order_by("pk")),
        "fiches": list(Fiche.objects.published().order_by("pk").values_list("pk", flat=True)),
    }
    people = [_person(rng, index, now, pools) for index in range(1, count + 1)]
    User.objects.bulk_create([person.user for person in people], batch_size=BATCH_SIZE)
    # Looked up rather than read from bulk_create: not every database returns the new ids.
    ids = dict(User.objects.filter(username__regex=USERNAME_PATTERN).values_list("username", "pk"))
    by_model = {Profile: [], Enrolment: [], StepProgress: [], SavedFiche: []}
    for person in people:
        user_id = ids[person.user.username]
        for row in ([person.profile] if person.profile else []) + person.rows:
            row.user_id = user_id
            by_model[type(row)].append(row)
    with stamped_by_hand(*by_model):
        for model, rows in by_model.items():
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(people)
