"""Load the shipped content (fixtures/) into the database.

Create-only by default, so a second run changes nothing and never overwrites what staff edited in the
admin; ``update=True`` rewrites shipped rows from the files.
"""

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from resources import content_files
from resources import models as m

# Order matters: components need their lever, entry doors their tool.
VOCABULARY_TABLES = (
    ("lever", m.Lever),
    ("component", m.Component),
    ("objective", m.ActionObjective),
    ("actor_profile", m.ActorProfile),
    ("actor_kind", m.ActorKind),
    ("region", m.Region),
    ("domain", m.Domain),
    ("tool", m.Tool),
    ("entry_door", m.EntryDoor),
    ("impact", m.Impact),
    ("referentiel_part", m.ReferentielPart),
    ("economy", m.Economy),
)
LEVER_THEMES = {"richesses-humaines": "rh", "financement": "fin", "alliances": "all"}


def _vocabulary_defaults(table, row):
    defaults = {key: value for key, value in row.items() if key not in {"slug", "lever", "tool", "examples"}}
    defaults["description"] = defaults.get("description", "").strip()
    if table == "lever":
        defaults["theme"] = LEVER_THEMES.get(row["slug"], "rh")
    if table == "component":
        defaults["lever"] = m.Lever.objects.get(slug=row["lever"])
        defaults["examples"] = "\n".join(row.get("examples", []))
    if table == "entry_door":
        defaults["tool"] = m.Tool.objects.filter(slug=row.get("tool") or None).first()
    return defaults


def _upsert(model, lookup, defaults, update):
    if update:
        return model.objects.update_or_create(defaults=defaults, **lookup)
    return model.objects.get_or_create(defaults=defaults, **lookup)


def _as_datetime(value):
    if value is None:
        return None
    return timezone.make_aware(datetime.combine(value, time(9, 0)))


def _load_fiche(fiche_file, update):
    meta = fiche_file.meta
    defaults = {
        "title": meta["title"],
        "family": meta["family"],
        "chapeau": meta["chapeau"].strip(),
        "body": fiche_file.body,
        "status": m.Fiche.Status.PUBLISHED,
        "published_at": _as_datetime(meta.get("published")),
        "last_reviewed": meta.get("last_reviewed"),
    }
    fiche, created = _upsert(m.Fiche, {"slug": fiche_file.slug}, defaults, update)
    if created or update:
        for key, table in content_files.FICHE_VOCABULARY_KEYS.items():
            model = dict(VOCABULARY_TABLES)[table]
            getattr(fiche, key).set(model.objects.filter(slug__in=meta.get(key, [])))
        fiche.tags.set(meta.get("tags", []), clear=True)
        fiche.sync_tags_text()
        fiche.sources.all().delete()
        m.FicheSource.objects.bulk_create(
            m.FicheSource(fiche=fiche, order=index, label=s["label"], url=s.get("url", ""), kind=s["kind"])
            for index, s in enumerate(meta.get("sources", []))
        )
    return fiche, created


@transaction.atomic
def content_load(*, update=False):
    """Load vocabularies then fiches; returns the number of rows created per kind."""
    vocabularies = content_files.load_vocabularies()
    created = {"vocabulaires": 0, "fiches": 0}
    for table, model in VOCABULARY_TABLES:
        for row in vocabularies.get(table, []):
            _, was_created = _upsert(model, {"slug": row["slug"]}, _vocabulary_defaults(table, row), update)
            created["vocabulaires"] += was_created
    for row in vocabularies.get("synonym", []):
        _, was_created = m.Synonym.objects.get_or_create(terms=row["terms"])
        created["vocabulaires"] += was_created
    fiche_files, report = content_files.check_all()
    problems = {slug: errors for slug, errors in report.items() if errors}
    if problems:
        raise content_files.ContentError(f"Fiches invalides : {problems}")
    touched = []
    for fiche_file in fiche_files:
        fiche, was_created = _load_fiche(fiche_file, update)
        created["fiches"] += was_created
        if was_created or update:
            touched.append((fiche, fiche_file.meta.get("related", [])))
    for fiche, related in touched:
        fiche.related.add(*m.Fiche.objects.filter(slug__in=related))
    return created
