"""Load the shipped parcours, worksheets and rules of « Par où commencer ? » into the database: create-only unless
``update=True``, like the fiches."""

from django.db import transaction

from parcours import content_files
from parcours.models import BoardQuestion, Parcours, Step, StepSource, UsageRule, UsageRuleItem
from parcours.models.usage import ANSWER_CHOICES, WHY_MAX_LENGTH, Medoc
from resources.content_files import ContentError
from resources.content_loader import problems_message, upsert
from resources.glossary import glossary_snapshot
from resources.models import Domain, Fiche, GlossaryTerm, Lever, Reference, Region, Tool, Worksheet
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
            if step_created or update or not step.board_questions.exists():
                _load_board_questions(step, meta.get("board_questions", []))


def _load_board_questions(step, questions):
    """The step's questions for a board, by order (1, 2, …): rewritten from the file, those beyond it removed (the
    answers a space gave them keep their copy of the question). Also run for a step that has none yet, so that a
    database loaded before the questions existed receives them without an update that would overwrite staff's
    edits of the steps."""
    for order, text in enumerate(questions, start=1):
        upsert(BoardQuestion, {"step": step, "order": order}, {"text": text.strip()}, update=True)
    step.board_questions.filter(order__gt=len(questions)).delete()


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


# Item kind -> the model its target names, found by slug (a step by « parcours/step », a parcours by its slug).
USAGE_TARGET_MODELS = {
    UsageRuleItem.Kind.FICHE: Fiche, UsageRuleItem.Kind.WORKSHEET: Worksheet,
    UsageRuleItem.Kind.GLOSSARY: GlossaryTerm, UsageRuleItem.Kind.TOOL: Tool, UsageRuleItem.Kind.LEVER: Lever,
}


def _usage_names():
    """What the rules may name, read from the database (a few queries, whatever the number of rules)."""
    steps = list(Step.objects.values_list("parcours__slug", "slug", "depth"))
    levels = {slug: set() for slug in Parcours.objects.values_list("slug", flat=True)}
    for parcours, _step, depth in steps:
        if depth:
            levels[parcours].add(depth)
    targets = {kind: None for kind in UsageRuleItem.Kind.values}
    targets |= {kind: set(model.objects.values_list("slug", flat=True)) for kind, model in USAGE_TARGET_MODELS.items()}
    targets[UsageRuleItem.Kind.STEP] = {f"{parcours}/{step}" for parcours, step, _depth in steps}
    targets[UsageRuleItem.Kind.PARCOURS] = levels
    return content_files.UsageNames(
        answers={key: frozenset(choices.values) for key, choices in ANSWER_CHOICES.items()},
        medoc=frozenset(Medoc.values), targets=targets, needs_minutes=frozenset(UsageRuleItem.NEEDS_MINUTES),
        why_max=WHY_MAX_LENGTH, regions=frozenset(Region.objects.values_list("slug", flat=True)),
        domains=frozenset(Domain.objects.values_list("slug", flat=True)),
    )


def _usage_targets():
    """{(kind, name): {target id field: id}} for every object a rule may name (one query per kind)."""
    found = {}
    for kind, model in USAGE_TARGET_MODELS.items():
        field = f"{UsageRuleItem.TARGET_FIELDS[kind]}_id"
        found |= {(kind, slug): {field: pk} for slug, pk in model.objects.values_list("slug", "pk")}
    for parcours, step, pk in Step.objects.values_list("parcours__slug", "slug", "pk"):
        found[(UsageRuleItem.Kind.STEP, f"{parcours}/{step}")] = {"step_id": pk}
    for slug, pk in Parcours.objects.values_list("slug", "pk"):
        found[(UsageRuleItem.Kind.PARCOURS, slug)] = {"parcours_id": pk}
    return found


@transaction.atomic
def usage_rules_load(*, update=False, path=content_files.USAGE_RULES_FILE):
    """Load the rules of « Par où commencer ? » (``fixtures/parcours-d-usage.toml``); returns the number created.
    Load what they name first (fiches, parcours, worksheets, glossary, vocabularies). A rule already there is left
    as staff edited it, its conditions and items too, unless ``update``: then the file rewrites them (its items
    replaced); whether it is active stays staff's choice."""
    rules = content_files.load_usage_rules(path)
    if problems := problems_message("Règles de parcours d’usage",
                                    content_files.usage_rule_problems(rules, _usage_names(), path)):
        raise ContentError(problems)
    targets = _usage_targets()
    regions = {region.slug: region for region in Region.objects.all()}
    domains = {domain.slug: domain for domain in Domain.objects.all()}
    created = 0
    for row in rules:
        defaults = {"title": row["title"].strip(), "priority": row.get("priority", 50),
                    "is_fallback": row.get("fallback", False)}
        defaults |= {key: row.get(key, []) for key in content_files.USAGE_CONDITIONS}
        rule, was_created = upsert(UsageRule, {"slug": row["slug"]}, defaults, update)
        created += was_created
        if was_created or update:
            rule.regions.set([regions[slug] for slug in row.get("regions", [])])
            rule.domains.set([domains[slug] for slug in row.get("domains", [])])
            rule.items.all().delete()
            UsageRuleItem.objects.bulk_create([
                UsageRuleItem(
                    rule=rule, order=number * 10, kind=item["kind"], depth=item.get("depth", ""),
                    minutes=item.get("minutes"), medoc=item.get("medoc", ""), why=item["why"].strip(),
                    **targets.get((item["kind"], item.get("target")), {}),
                )
                for number, item in enumerate(row["item"], start=1)
            ])
    return created
