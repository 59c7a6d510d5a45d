"""Deterministic, French-looking synthetic fiches for benchmarks (``manage.py seed_demo``)."""

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from resources.content_loader import content_load
from resources.models import Fiche
from resources.vocabularies import VOCABULARIES

DEMO_PREFIX = "demo-"
VERBS = ["Mobiliser", "Structurer", "Financer", "Piloter", "Évaluer", "Co-construire", "Mutualiser", "Développer",
         "Renforcer", "Accompagner", "Diversifier", "Hybrider", "Pérenniser", "Valoriser", "Outiller"]
OBJECTS = ["les bénévoles", "une alliance de moyens", "le mécénat de compétences", "les revenus d’activité",
           "un projet de territoire", "la gouvernance partagée", "les subventions publiques",
           "l’investissement sociétal", "la coopération économique", "l’innovation sociétale",
           "les services civiques", "le financement participatif", "les partenariats stratégiques",
           "la commande publique", "l’engagement des salariés", "un tiers-lieu associatif"]
CONTEXTS = ["en milieu rural", "dans une association employeuse", "avec une collectivité", "pour une fondation",
            "dans le champ de la santé", "autour de l’insertion", "dans un quartier prioritaire",
            "avec des entreprises locales", "à l’échelle régionale", "pour une petite structure",
            "en temps de crise", "sur trois ans"]
TAGS = ["bénévolat", "gouvernance", "mécénat", "territoire", "coopération", "subventions", "mutualisation",
        "innovation", "évaluation", "insertion", "santé", "jeunesse", "ruralité", "numérique", "formation",
        "financement participatif", "tiers-lieu", "essaimage", "stratégie", "diagnostic", "partenariat",
        "économie sociale", "fondation", "collectivité", "entreprise", "impact", "confiance", "performance"]
NOUNS = ["projet", "budget", "équipe", "conseil d’administration", "bénévolat", "partenariat", "mécène",
         "commune", "département", "quartier", "réseau", "fédération", "chantier", "atelier", "diagnostic",
         "convention", "cotisation", "adhérent", "formation", "tiers-lieu", "local", "véhicule", "logiciel",
         "comptabilité", "trésorerie", "évaluation", "indicateur", "calendrier", "gouvernance", "plaidoyer",
         "communication", "essaimage", "expérimentation", "prototype", "emploi", "insertion", "jeunesse", "santé",
         "culture", "sport", "alimentation", "mobilité", "logement", "numérique", "environnement", "précarité",
         "handicap", "vieillissement", "solidarité", "coopérative", "fondation", "entreprise", "collectivité",
         "université", "laboratoire", "média", "investisseur", "banque", "assureur", "mutuelle"]
ADJECTIVES = ["local", "régional", "durable", "partagé", "innovant", "solide", "fragile", "pluriannuel",
              "collectif", "citoyen", "public", "privé", "hybride", "frugal", "ambitieux", "progressif"]
VERBS_INF = ["consolider", "sécuriser", "diversifier", "ouvrir", "structurer", "animer", "évaluer", "financer",
             "mutualiser", "former", "recruter", "fidéliser", "documenter", "négocier", "planifier", "tester"]
TEMPLATES = [
    "Pour {verb} le {noun} {adj}, la structure s’appuie sur {component}.",
    "En {region}, plusieurs acteurs du domaine « {domain} » ont choisi de {verb} leur {noun}.",
    "Le levier {lever} répond ici à une question simple : comment {verb} sans fragiliser le {noun} ?",
    "Les {profile} jouent un rôle clé : ils aident à {verb} un {noun} {adj}.",
    "L’objectif « {objective} » guide chaque décision du {noun}.",
    "L’outil « {tool} » sert de point d’appui pour {verb} le {noun}.",
    "Dans l’{economy}, la valeur créée par le {noun} se mesure autrement.",
    "Un {noun} {adj} permet de {verb} les ressources sans alourdir le {noun2}.",
    "La gouvernance discute chaque année du {noun} et de sa place dans le modèle.",
    "Il faut du temps pour {verb} un {noun} : trois ans sont souvent nécessaires.",
]


def _sentence(rng, values):
    def label(field, default):
        chosen = values.get(field) or []
        return rng.choice(chosen).label.lower() if chosen else default

    return rng.choice(TEMPLATES).format(
        verb=rng.choice(VERBS_INF), noun=rng.choice(NOUNS), noun2=rng.choice(NOUNS), adj=rng.choice(ADJECTIVES),
        component=label("components", "ses partenaires"), region=label("regions", "région"),
        domain=label("domains", "solidarité"), lever=label("levers", "financement"),
        profile=label("actor_profiles", "associations"), objective=label("objectives", "agir ensemble"),
        tool=label("tools", "boîte à outils"), economy=label("economies", "économie de proximité"),
    )


def _body(rng, values):
    sections = []
    for heading in ("Enjeux", "Démarche", "Points de vigilance"):
        paragraph = " ".join(_sentence(rng, values) for _ in range(4))
        sections.append(f"## {heading}\n\n{paragraph}")
    return "\n\n".join(sections)


def _pick(rng, values, low, high):
    return rng.sample(values, min(len(values), rng.randint(low, high)))


@transaction.atomic
def demo_seed(count, *, seed=2019):
    """Replace the demo fiches by ``count`` new ones; the same seed gives the same catalogue."""
    content_load()
    Fiche.objects.filter(slug__startswith=DEMO_PREFIX).delete()
    # Bandit: reproducible demo data, nothing secret depends on it.
    rng = random.Random(seed)  # nosec B311
    values = {kind.field: list(kind.model.objects.all()) for kind in VOCABULARIES}
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
    now = timezone.now()
    fiches, links = [], []
    for index in range(count):
        title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CONTEXTS)}"
        fiche_tags = _pick(rng, tags, 2, 4)
        chosen = {field: _pick(rng, pool, 0 if field not in ("levers", "domains") else 1, 2)
                  for field, pool in values.items()}
        fiche = Fiche(
            slug=f"{DEMO_PREFIX}{index:06d}",
            title=title,
            family=rng.choice(Fiche.Family.values),
            chapeau=" ".join(_sentence(rng, chosen) for _ in range(2)),
            body=_body(rng, chosen),
            status=Fiche.Status.PUBLISHED if rng.random() < 0.95 else Fiche.Status.DRAFT,
            published_at=now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60)),
            tags_text=", ".join(tag.name for tag in fiche_tags),
        )
        fiche.derive_fields()
        fiches.append(fiche)
        links.append((chosen, fiche_tags))
    Fiche.objects.bulk_create(fiches, batch_size=1000)
    created = {fiche.slug: fiche.pk for fiche in Fiche.objects.filter(slug__startswith=DEMO_PREFIX)}
    for field in values:
        through = Fiche._meta.get_field(field).remote_field.through
        own = Fiche._meta.get_field(field).m2m_field_name()
        target = Fiche._meta.get_field(field).m2m_reverse_field_name()
        through.objects.bulk_create(
            [through(**{f"{own}_id": created[fiche.slug], f"{target}_id": value.pk})
             for fiche, (chosen, _) in zip(fiches, links, strict=True) for value in chosen[field]],
            batch_size=5000,
        )
    content_type = ContentType.objects.get_for_model(Fiche)
    TaggedItem.objects.bulk_create(
        [TaggedItem(content_type=content_type, object_id=created[fiche.slug], tag=tag)
         for fiche, (_, fiche_tags) in zip(fiches, links, strict=True) for tag in fiche_tags],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, or the planner guesses on 20,000 new rows
    return len(fiches)
