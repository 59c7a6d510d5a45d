"""Read the shipped parcours: ``fixtures/parcours/parcours.toml`` and one Markdown file per step.

Pure Python like ``resources.content_files``; ``python3 -m parcours.content_files`` checks them.
"""

import re
import sys
import tomllib

from resources.content_files import (
    FICHES_DIR,
    WORKSHEETS_DIR,
    FIXTURES_DIR,
    REFERENCES_DIR,
    iter_fiches,
    load_glossary,
    iter_worksheets,
    parse_fiche,
    reference_slugs,
    source_problems,
    unclosed_html_problems,
    unknown_link_problems,
    unknown_term_problems,
)

PARCOURS_DIR = FIXTURES_DIR / "parcours"
PARCOURS_FILE = PARCOURS_DIR / "parcours.toml"
STEP_KEYS = {"title", "order", "depth", "minutes", "objective", "fiches", "questions", "provenance"}
OPTIONAL_STEP_KEYS = {"sources"}  # [[sources]] as in a fiche (resources.content_files.source_problems)
DEPTHS = ("", "decouverte", "approfondissement", "fondamentaux")
KINDS = ("pedagogique", "methodologique")


def load_parcours(path=PARCOURS_FILE):
    with open(path, "rb") as handle:
        return tomllib.load(handle)["parcours"]


def iter_steps(slug, directory=PARCOURS_DIR):
    """Step files of one parcours in order; the slug drops the « 01- » prefix of the file name."""
    steps = []
    for path in sorted((directory / slug).glob("*.md")):
        step = parse_fiche(path)
        step.slug = re.sub(r"^\d+-", "", step.slug)
        steps.append(step)
    return steps


def check_step(step, fiche_slugs, known_terms=None, known_references=None):
    """The problems of one step. ``known_terms``: the glossary's slugs; ``known_references``: the slugs a source
    may cite (by default the shipped references')."""
    meta, problems = step.meta, []
    if missing := STEP_KEYS - meta.keys():
        problems.append(f"missing keys: {sorted(missing)}")
    if unknown := meta.keys() - STEP_KEYS - OPTIONAL_STEP_KEYS:
        problems.append(f"unknown keys: {sorted(unknown)}")
    if meta.get("depth") not in DEPTHS:
        problems.append(f"depth must be one of {DEPTHS}")
    if not 2 <= len(meta.get("questions", [])) <= 4:
        problems.append("a step has 2 to 4 questions")
    for slug in meta.get("fiches", []):
        if slug not in fiche_slugs:
            problems.append(f"fiches: no fiche {slug!r}")
    if not 200 <= step.word_count <= 500:
        problems.append(f"body of {step.word_count} words (200 to 500 expected)")
    problems += unknown_link_problems(step.body, fiche_slugs)  # [[slug]] links, as in the fiches
    if known_terms is not None:
        problems += unknown_term_problems(step.body, known_terms)  # [[glossaire:slug]] links
    problems += unclosed_html_problems(step.body)
    if "sources" in meta:
        problems += source_problems(meta["sources"], reference_slugs() if known_references is None else known_references)
    return problems


def check_all(directory=PARCOURS_DIR, known_fiches=(), known_terms=(), references_dir=REFERENCES_DIR,
              known_references=()):
    """Problems per parcours and per step (« parcours/step »). ``known_fiches``: fiches that exist besides the
    shipped files (the database's), which ``fiches`` and ``[[…]]`` links may name too; ``known_references``
    likewise for the references that sources cite, besides those of ``references_dir``."""
    fiche_slugs = {fiche.slug for fiche in iter_fiches(FICHES_DIR)} | set(known_fiches)
    terms = {row.get("slug") for row in load_glossary()} | set(known_terms)
    references = reference_slugs(references_dir) | set(known_references)
    report = {}
    for parcours in load_parcours(directory / "parcours.toml"):
        if parcours.get("kind") not in KINDS:
            report[parcours["slug"]] = [f"kind must be one of {KINDS}"]
        for step in iter_steps(parcours["slug"], directory):
            report[f"{parcours['slug']}/{step.slug}"] = check_step(step, fiche_slugs, terms, references)
    return report


WORKSHEET_REQUIRED_KEYS = {"title", "summary", "minutes", "order"}
WORKSHEET_OPTIONAL_KEYS = {"fiches", "steps"}


def step_keys(directory=PARCOURS_DIR):
    """Every shipped step as « parcours/step », how a worksheet names the steps that use it."""
    return {f"{row['slug']}/{step.slug}" for row in load_parcours(directory / "parcours.toml")
            for step in iter_steps(row["slug"], directory)}


def check_worksheet(sheet, fiche_slugs, steps):
    meta, problems = sheet.meta, []
    if missing := WORKSHEET_REQUIRED_KEYS - meta.keys():
        problems.append(f"missing keys: {sorted(missing)}")
    if unknown := meta.keys() - WORKSHEET_REQUIRED_KEYS - WORKSHEET_OPTIONAL_KEYS:
        problems.append(f"unknown keys: {sorted(unknown)}")
    if not isinstance(meta.get("minutes"), int) or meta.get("minutes", 0) <= 0:
        problems.append("minutes must be a positive whole number")
    for slug in meta.get("fiches", []):
        if slug not in fiche_slugs:
            problems.append(f"fiches: no fiche {slug!r}")
    for name in meta.get("steps", []):
        if name not in steps:
            problems.append(f"steps: no step {name!r} (write « parcours/step »)")
    problems += unknown_link_problems(sheet.body, fiche_slugs)
    problems += unclosed_html_problems(sheet.body)
    return problems


def check_worksheets(directory=WORKSHEETS_DIR, parcours_directory=PARCOURS_DIR, known_fiches=()):
    """(worksheet files, their problems by slug)."""
    fiche_slugs = {fiche.slug for fiche in iter_fiches(FICHES_DIR)} | set(known_fiches)
    steps = step_keys(parcours_directory)
    sheets = iter_worksheets(directory)
    return sheets, {sheet.slug: check_worksheet(sheet, fiche_slugs, steps) for sheet in sheets}


def main():
    report = check_all()
    _sheets, sheet_report = check_worksheets()
    report.update({f"feuilles/{slug}": problems for slug, problems in sheet_report.items()})
    for name, problems in report.items():
        print(f"{'OK ' if not problems else 'ERR'} {name}")
        for problem in problems:
            print(f"      - {problem}")
    return 1 if any(report.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
