"""Load the shipped content (fixtures/) into the database.

Create-only by default, so a second run changes nothing and never overwrites what staff edited in the
admin; ``update=True`` rewrites shipped rows from the files.
"""

from datetime import datetime, time
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from resources import content_files
from resources.fiche_links import fiche_links_deferred
from resources.glossary import glossary_refresh, glossary_snapshot
from resources import models as m
from resources.references import references_load, sources_from_front_matter

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


def upsert(model, lookup, defaults, update):
    """get_or_create, and with ``update`` the existing row rewritten from ``defaults`` by a full ``save()``.

    Not ``update_or_create``: it saves only the fields of ``defaults``, so the fields that ``save()`` derives
    (a fiche's or a step's rendered body and search copies) would keep describing the old text.
    """
    row, created = model.objects.get_or_create(defaults=defaults, **lookup)
    if update and not created:
        for name, value in defaults.items():
            setattr(row, name, value)
        row.save()
    return row, created


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
        # Derived again from the two dates above by save() (resources.review_dates): a file whose last_reviewed
        # moves on moves the review date with it.
        "review_by": None,
    }
    fiche, created = upsert(m.Fiche, {"slug": fiche_file.slug}, defaults, update)
    if created or update:
        for key, table in content_files.FICHE_VOCABULARY_KEYS.items():
            model = dict(VOCABULARY_TABLES)[table]
            getattr(fiche, key).set(model.objects.filter(slug__in=meta.get(key, [])))
        fiche.tags.set(meta.get("tags", []), clear=True)
        fiche.sources.all().delete()
        m.FicheSource.objects.bulk_create(sources_from_front_matter(m.FicheSource, meta.get("sources", []), fiche=fiche))
    return fiche, created


def shown_path(path):
    """A content file's path as the writer finds it: from the project root when it lies there (a name that is
    not a path, such as a parcours of parcours.toml, is shown as it is)."""
    root = content_files.FIXTURES_DIR.parent
    return str(path.relative_to(root)) if isinstance(path, Path) and path.is_relative_to(root) else str(path)


def problems_message(kind, problems):
    """« Fiches invalides : fixtures/fiches/a.md : … ; … » from a {path: [problem, …]} mapping, or ""."""
    lines = [f"{shown_path(path)}\u00a0: {', '.join(errors)}" for path, errors in problems.items() if errors]
    return f"{kind} invalides\u00a0: " + " ; ".join(lines) if lines else ""


def _load_glossary_terms(rows, update):
    """Create (or with ``update`` rewrite) the terms, before the fiches so that these are rendered with them.
    Returns the terms created or rewritten (with their rows), the forms the rewritten ones had (their bodies are
    rendered again) and how many were created."""
    touched, previous_forms, created = [], set(), 0
    existing = {term.slug: term for term in m.GlossaryTerm.objects.filter(slug__in=[row["slug"] for row in rows])}
    for row in rows:
        if row["slug"] in existing and update:
            previous_forms |= existing[row["slug"]].forms
        defaults = {
            "term": row["term"],
            "variants": "\n".join(row.get("variants", [])),
            "definition": row["definition"].strip(),
            "provenance": row["provenance"],
        }
        term, was_created = upsert(m.GlossaryTerm, {"slug": row["slug"]}, defaults, update)
        created += was_created
        if was_created or update:
            touched.append((term, row))
    return touched, previous_forms, created


def _link_glossary_terms(touched):
    """Related fiches and see-also terms of the terms loaded (after the fiches, which they name)."""
    for term, row in touched:
        term.related_fiches.set(m.Fiche.objects.filter(slug__in=row.get("related_fiches", [])))
        term.see_also.set(m.GlossaryTerm.objects.filter(slug__in=row.get("see_also", [])))
        term.references.set(m.Reference.objects.filter(slug__in=row.get("sources", [])))


def glossary_problems(rows):
    """The glossary file's problems, as one message ("" when it is loadable); fiches and terms already in the
    database count as known."""
    fiche_slugs = {fiche.slug for fiche in content_files.iter_fiches()} | set(m.Fiche.objects.values_list("slug", flat=True))
    known_terms = m.GlossaryTerm.objects.values_list("slug", flat=True)
    report = content_files.check_glossary(rows, fiche_slugs, content_files.reference_slugs(), known_terms)
    return problems_message("Termes du glossaire", {f"{shown_path(content_files.GLOSSARY_FILE)} [{slug}]": errors
                                                    for slug, errors in report.items()})


def load_references(*, update=False, directory=content_files.REFERENCES_DIR):
    """Check then load the bibliographic references (``directory``/*.toml); returns how many were created."""
    entries = content_files.load_references(directory)
    if problems := problems_message("Références", content_files.check_references(entries)):
        raise content_files.ContentError(problems)
    return references_load(entries, update=update, upsert=upsert)


@transaction.atomic
def content_load(*, update=False, directory=content_files.FICHES_DIR,
                 references_directory=content_files.REFERENCES_DIR):
    """Load the references, the vocabularies, the glossary, then the fiches (from ``directory``); returns the
    number of rows created per kind. The sources of fiches and steps cite the references: they come first.

    The glossary comes before the fiches, which are rendered with it; bodies already in the database that show a
    term created or rewritten here are rendered again (resources.glossary).

    A fiche may link with ``[[slug]]`` a fiche loaded after it: the links are checked against every file and
    the database before any fiche is written, and the bodies that link a created or changed fiche are rendered
    again once the loop is over (``resources.fiche_links``), so every link is then a link.
    """
    created = {"références": load_references(update=update, directory=references_directory)}
    vocabularies = content_files.load_vocabularies()
    created |= {"vocabulaires": 0, "termes": 0, "fiches": 0}
    for table, model in VOCABULARY_TABLES:
        for row in vocabularies.get(table, []):
            _, was_created = upsert(model, {"slug": row["slug"]}, _vocabulary_defaults(table, row), update)
            created["vocabulaires"] += was_created
    for row in vocabularies.get("synonym", []):
        _, was_created = m.Synonym.objects.get_or_create(terms=row["terms"])
        created["vocabulaires"] += was_created
    glossary_rows = content_files.load_glossary()
    if problems := glossary_problems(glossary_rows):
        raise content_files.ContentError(problems)
    fiche_files, report = content_files.check_all(
        directory, known_slugs=m.Fiche.objects.values_list("slug", flat=True),
        known_terms=m.GlossaryTerm.objects.values_list("slug", flat=True),
        references_dir=references_directory, known_references=m.Reference.objects.values_list("slug", flat=True),
    )
    if problems := problems_message("Fiches", {fiche.path: report[fiche.slug] for fiche in fiche_files}):
        raise content_files.ContentError(problems)
    terms, previous_forms, created["termes"] = _load_glossary_terms(glossary_rows, update)
    if terms:  # bodies already there (an earlier release) that show a new or changed term
        glossary_refresh(forms=previous_forms.union(*(term.forms for term, _row in terms)),
                         slugs={term.slug for term, _row in terms})
    touched = []
    with glossary_snapshot(), fiche_links_deferred():  # each body linking fiches is rendered again once, after the loop
        for fiche_file in fiche_files:
            fiche, was_created = _load_fiche(fiche_file, update)
            created["fiches"] += was_created
            if was_created or update:
                touched.append((fiche, fiche_file.meta.get("related", [])))
    for fiche, related in touched:
        fiche.related.add(*m.Fiche.objects.filter(slug__in=related))
    _link_glossary_terms(terms)
    return created
