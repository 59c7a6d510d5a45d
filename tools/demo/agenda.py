"""Deterministic demo events for the agenda (``manage.py seed_demo``): about two thirds to come, a third past, half
of them online, each linked to a lever and two fiches. Titles and places are made up."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from rendezvous.models import Event
from rendezvous.models.events import EventFormat, EventKind, EventStatus
from resources.models import Fiche, Lever
from tools.demo.diagnostics import CITIES

SLUG_PREFIX = "demo-rdv-"
# The exact shape of a demo event's slug: an event of the staff that merely starts with the prefix is kept.
SLUG_PATTERN = r"^demo-rdv-[0-9]{5,}$"
BATCH_SIZE = 1000
PAST_SHARE = 0.35
TOPICS = ["Diversifier ses ressources sans perdre son projet", "Valoriser le bénévolat dans ses comptes",
          "Construire une alliance de moyens", "Préparer un dossier pour une fondation", "Le mécénat de compétences",
          "Répondre à la commande publique", "Le financement participatif, pour qui\u00a0?",
          "Piloter son modèle socio-économique en conseil d’administration", "Mutualiser un tiers-lieu",
          "L’investissement sociétal expliqué"]
DESCRIPTION = ("Un temps d’échange de 90 minutes autour de **{topic}**, avec des associations qui l’ont fait.\n\n"
               "- un retour d’expérience de {city}\u00a0;\n- les questions des participants\u00a0;\n"
               "- les fiches du hub pour aller plus loin.")


def _event(rng, index, now, levers, fiches):
    topic = rng.choice(TOPICS)
    city = rng.choice(CITIES)
    past = rng.random() < PAST_SHARE
    days = rng.randint(1, 365) if past else rng.randint(1, 180)
    starts_at = (now - timedelta(days=days) if past else now + timedelta(days=days)).replace(
        hour=rng.choice([9, 10, 14, 17]), minute=rng.choice([0, 30]), second=0, microsecond=0)
    online = rng.random() < 0.5
    event = Event(
        title=f"{topic} ({city})", slug=f"{SLUG_PREFIX}{index:05d}", kind=rng.choice(EventKind.values),
        starts_at=starts_at, duration=rng.choice([60, 90, 120]),
        format=EventFormat.ONLINE if online else EventFormat.ON_SITE,
        online_url="https://visio.exemple.org/salle-" + f"{index:05d}" if online else "",
        place="" if online else f"Maison des associations, 12 rue de la République, {city}",
        capacity=rng.choice([None, 20, 30, 50, 100]), speakers="Camille Martin\nYanis Benali",
        description=DESCRIPTION.format(topic=topic.lower(), city=city), status=EventStatus.PUBLISHED,
    )
    event.derive_fields()  # bulk_create calls no save()
    picked = ([rng.choice(levers)] if levers else [], rng.sample(fiches, min(2, len(fiches))))
    return event, picked


@transaction.atomic
def demo_events(count, *, seed=2019, now=None):
    """Replace the demo events by ``count`` new ones (slugs « demo-rdv-… »); the same seed gives the same agenda."""
    Event.objects.filter(slug__regex=SLUG_PATTERN).delete()
    if not count:
        return 0
    # Bandit: reproducible demo data, nothing secret depends on it.
    rng = random.Random(seed)  # nosec B311
    now = now or timezone.now()
    levers = list(Lever.objects.order_by("pk").values_list("pk", flat=True))
    fiches = list(Fiche.objects.published().order_by("pk").values_list("pk", flat=True)[:500])
    made = [_event(rng, index, now, levers, fiches) for index in range(1, count + 1)]
    Event.objects.bulk_create([event for event, _ in made], batch_size=BATCH_SIZE)
    ids = dict(Event.objects.filter(slug__regex=SLUG_PATTERN).values_list("slug", "pk"))
    lever_links, fiche_links = [], []
    for event, (event_levers, event_fiches) in made:
        pk = ids[event.slug]
        lever_links += [Event.levers.through(event_id=pk, lever_id=lever) for lever in event_levers]
        fiche_links += [Event.fiches.through(event_id=pk, fiche_id=fiche) for fiche in event_fiches]
    Event.levers.through.objects.bulk_create(lever_links, batch_size=BATCH_SIZE)
    Event.fiches.through.objects.bulk_create(fiche_links, batch_size=BATCH_SIZE)
    return len(made)
