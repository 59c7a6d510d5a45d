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
SENTENCES = [
    "L’équilibre du modèle socio-économique repose sur les richesses humaines, le financement et les alliances.",
    "Chaque organisation doit trouver son propre barycentre entre ces trois leviers.",
    "Les besoins augmentent alors que les ressources se raréfient : l’effet ciseau impose de se transformer.",
    "Un diagnostic partagé avec la gouvernance permet de choisir une trajectoire réaliste.",
    "Les partenaires publics et privés attendent des indicateurs simples de performance et d’impact.",
    "La mutualisation de locaux ou d’outils réduit les coûts et crée des liens durables.",
    "Le bénévolat de compétences complète l’action des salariés sans s’y substituer.",
    "Une collectivité peut devenir un allié de moyens autant qu’un financeur.",
    "La confiance se construit par la valorisation des résultats auprès de chacun.",
    "L’innovation naît souvent de l’anticipation des besoins du territoire.",
    "Les fondations soutiennent volontiers les phases d’expérimentation et d’essaimage.",
    "Les revenus d’activité sécurisent le budget sans détourner la structure de sa mission.",
]
TAGS = ["bénévolat", "gouvernance", "mécénat", "territoire", "coopération", "subventions", "mutualisation",
        "innovation", "évaluation", "insertion", "santé", "jeunesse", "ruralité", "numérique", "formation",
        "financement participatif", "tiers-lieu", "essaimage", "stratégie", "diagnostic", "partenariat",
        "économie sociale", "fondation", "collectivité", "entreprise", "impact", "confiance", "performance"]


def _body(rng):
    sections = []
    for heading in ("Enjeux", "Démarche", "Points de vigilance"):
        paragraph = " ".join(rng.sample(SENTENCES, 4))
        sections.append(f"## {heading}\n\n{paragraph}")
    return "\n\n".join(sections)


def _pick(rng, values, low, high):
    return rng.sample(values, min(len(values), rng.randint(low, high)))


@transaction.atomic
def demo_seed(count, *, seed=2019):
    """Replace the demo fiches by ``count`` new ones; the same seed gives the same catalogue."""
    content_load()
    Fiche.objects.filter(slug__startswith=DEMO_PREFIX).delete()
    rng = random.Random(seed)
    values = {kind.field: list(kind.model.objects.all()) for kind in VOCABULARIES}
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
    now = timezone.now()
    fiches, links = [], []
    for index in range(count):
        title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CONTEXTS)}"
        fiche_tags = _pick(rng, tags, 2, 4)
        fiche = Fiche(
            slug=f"{DEMO_PREFIX}{index:06d}",
            title=title,
            family=rng.choice(Fiche.Family.values),
            chapeau=" ".join(rng.sample(SENTENCES, 2)),
            body=_body(rng),
            status=Fiche.Status.PUBLISHED if rng.random() < 0.95 else Fiche.Status.DRAFT,
            published_at=now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60)),
            tags_text=", ".join(tag.name for tag in fiche_tags),
        )
        fiche.derive_fields()
        fiches.append(fiche)
        chosen = {field: _pick(rng, pool, 0 if field not in ("levers", "domains") else 1, 2)
                  for field, pool in values.items()}
        links.append((chosen, fiche_tags))
    Fiche.objects.bulk_create(fiches, batch_size=1000)
    created = {fiche.slug: fiche.pk for fiche in Fiche.objects.filter(slug__startswith=DEMO_PREFIX)}
    for field in values:
        through = Fiche._meta.get_field(field).remote_field.through
        own = Fiche._meta.get_field(field).m2m_field_name()
        target = Fiche._meta.get_field(field).m2m_reverse_field_name()
        through.objects.bulk_create(
            [through(**{f"{own}_id": created[fiche.slug], f"{target}_id": value.pk})
             for fiche, (chosen, _) in zip(fiches, links) for value in chosen[field]],
            batch_size=5000,
        )
    content_type = ContentType.objects.get_for_model(Fiche)
    TaggedItem.objects.bulk_create(
        [TaggedItem(content_type=content_type, object_id=created[fiche.slug], tag=tag)
         for fiche, (_, fiche_tags) in zip(fiches, links) for tag in fiche_tags],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, or the planner guesses on 20,000 new rows
    return len(fiches)
