"""Load the shipped parcours into the database: create-only unless ``update=True``, like the fiches."""

from django.db import transaction

from parcours import content_files
from parcours.models import Parcours, Step, StepSource
from resources.content_files import ContentError
from resources.content_loader import problems_message, upsert
from resources.glossary import glossary_snapshot
from resources.models import Fiche, GlossaryTerm, Reference, Worksheet
from resources.references import sources_from_front_matter


def _step_paths(directory):
    """« parcours/step » (the keys of the check's report) -> the step's file."""
    return {
        f"{row['slug']}/{step.slug}": step.path
        for row in content_files.load_parcours(directory / "parcours.toml")
        for step in content_files.iter_steps(row["slug"], directory)
    }


@transaction.atomic
def parcours_load(*, update=False, directory=content_files.PARCOURS_DIR):
    """Returns the number of parcours and steps created. Load the fiches first: the steps link them (and the
    references, which their sources cite, and the glossary)."""
    report = content_files.check_all(directory, known_fiches=Fiche.objects.values_list("slug", flat=True),
                                     known_terms=GlossaryTerm.objects.values_list("slug", flat=True),
                                     known_references=Reference.objects.values_list("slug", flat=True))
    if any(report.values()):
        paths = _step_paths(directory)
        raise ContentError(problems_message("Parcours", {paths.get(name, name): errors for name, errors in report.items()}))
    created = {"parcours": 0, "étapes": 0}
    with glossary_snapshot():  # the steps' bodies are rendered with the glossary read once
        _load_rows(directory, update, created)
    return created


def _load_rows(directory, update, created):
    for row in content_files.load_parcours(directory / "parcours.toml"):
        defaults = {key: row[key].strip() if isinstance(row[key], str) else row[key]
                    for key in ("title", "kind", "summary", "audience", "order", "source_url")}
        parcours, was_created = upsert(Parcours, {"slug": row["slug"]}, defaults, update)
        created["parcours"] += was_created
        for step_file in content_files.iter_steps(row["slug"], directory):
            meta = step_file.meta
            step_defaults = {
                "title": meta["title"],
                "order": meta["order"],
                "depth": meta["depth"],
                "minutes": meta["minutes"],
                "objective": meta["objective"].strip(),
                "questions": "\n".join(meta["questions"]),
                "provenance": meta["provenance"],
                "body": step_file.body,
            }
            step, step_created = upsert(Step, {"parcours": parcours, "slug": step_file.slug}, step_defaults, update)
            created["étapes"] += step_created
            if step_created or update:
                step.fiches.set(Fiche.objects.filter(slug__in=meta["fiches"]))
                step.sources.all().delete()
                StepSource.objects.bulk_create(sources_from_front_matter(StepSource, meta.get("sources", []), step=step))


@transaction.atomic
def worksheets_load(*, update=False, directory=content_files.WORKSHEETS_DIR, parcours_directory=content_files.PARCOURS_DIR):
    """Load the worksheets (``fixtures/feuilles/``), with their fiches and the steps that use them; returns the
    number created. Load the fiches and the parcours first. A sheet already there is left as staff edited it,
    its links too, unless ``update``."""
    sheets, report = content_files.check_worksheets(
        directory, parcours_directory, known_fiches=Fiche.objects.values_list("slug", flat=True)
    )
    if problems := problems_message("Feuilles de travail", {sheet.path: report[sheet.slug] for sheet in sheets}):
        raise ContentError(problems)
    created = 0
    for sheet_file in sheets:
        meta = sheet_file.meta
        defaults = {"title": meta["title"], "summary": meta["summary"].strip(), "minutes": meta["minutes"],
                    "order": meta["order"], "body": sheet_file.body}
        sheet, was_created = upsert(Worksheet, {"slug": sheet_file.slug}, defaults, update)
        created += was_created
        if was_created or update:
            sheet.fiches.set(Fiche.objects.filter(slug__in=meta.get("fiches", [])))
            names = [name.split("/", 1) for name in meta.get("steps", [])]
            steps = [Step.objects.get(parcours__slug=parcours, slug=step) for parcours, step in names]
            sheet.steps.set(steps)
    return created
