"""Load the shipped parcours into the database: create-only unless ``update=True``, like the fiches."""

from django.db import transaction

from parcours import content_files
from parcours.models import Parcours, Step
from resources.content_files import ContentError
from resources.models import Fiche


@transaction.atomic
def parcours_load(*, update=False):
    """Returns the number of parcours and steps created."""
    problems = {name: errors for name, errors in content_files.check_all().items() if errors}
    if problems:
        raise ContentError(f"Parcours invalides : {problems}")
    created = {"parcours": 0, "étapes": 0}
    for row in content_files.load_parcours():
        defaults = {key: row[key].strip() if isinstance(row[key], str) else row[key]
                    for key in ("title", "kind", "summary", "audience", "order", "source_url")}
        upsert = Parcours.objects.update_or_create if update else Parcours.objects.get_or_create
        parcours, was_created = upsert(slug=row["slug"], defaults=defaults)
        created["parcours"] += was_created
        for step_file in content_files.iter_steps(row["slug"]):
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
            upsert = Step.objects.update_or_create if update else Step.objects.get_or_create
            step, step_created = upsert(parcours=parcours, slug=step_file.slug, defaults=step_defaults)
            created["étapes"] += step_created
            if step_created or update:
                step.fiches.set(Fiche.objects.filter(slug__in=meta["fiches"]))
    return created
