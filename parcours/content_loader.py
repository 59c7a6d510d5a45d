"""Load the shipped parcours into the database: create-only unless ``update=True``, like the fiches."""

from django.db import transaction

from parcours import content_files
from parcours.models import Parcours, Step, StepSource
from resources.content_files import ContentError
from resources.content_loader import problems_message, upsert
from resources.glossary import glossary_snapshot
from resources.models import Fiche, GlossaryTerm, Reference
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
