"""Read the shipped parcours: ``fixtures/parcours/parcours.toml`` and one Markdown file per step; the worksheets;
the rules of « Par où commencer ? » (``fixtures/parcours-d-usage.toml``).

Pure Python like ``resources.content_files``; ``python3 -m parcours.content_files`` checks the parcours and the
worksheets (the usage rules name answer values that the models declare: parcours.content_loader checks them).
"""

import re
import sys
import tomllib
from dataclasses import dataclass

from resources.content_files import (
    SLUG_RE,
    ContentError,
    FICHES_DIR,
    WORKSHEETS_DIR,
    FIXTURES_DIR,
    REFERENCES_DIR,
    iter_fiches,
    shown_path,
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
# [[sources]] as in a fiche (resources.content_files.source_problems); board_questions: what a board debates at
# this step of the method, answered together in a shared space (parcours.models.BoardQuestion).
OPTIONAL_STEP_KEYS = {"sources", "board_questions"}
MIN_BOARD_QUESTIONS, MAX_BOARD_QUESTIONS = 2, 5
BOARD_QUESTION_MAX_LENGTH = 400  # BoardQuestion.text's max_length (this module imports no Django)
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
    if "board_questions" in meta:
        problems += board_question_problems(meta["board_questions"])
    return problems


def board_question_problems(questions):
    """The problems of a step's ``board_questions``, in French for the editors: a list of 2 to 5 questions, each
    a sentence of at most 400 characters ending with « ? »."""
    if not isinstance(questions, list) or not all(isinstance(question, str) for question in questions):
        return ["board_questions\u00a0: une liste de questions entre guillemets"]
    problems = []
    if not MIN_BOARD_QUESTIONS <= len(questions) <= MAX_BOARD_QUESTIONS:
        problems.append(f"board_questions\u00a0: de {MIN_BOARD_QUESTIONS} à {MAX_BOARD_QUESTIONS} questions à débattre "
                        f"en gouvernance ({len(questions)} écrite{'s' if len(questions) > 1 else ''})")
    for number, question in enumerate(questions, start=1):
        text = question.strip()
        if not text:
            problems.append(f"board_questions, question {number}\u00a0: vide")
        elif len(text) > BOARD_QUESTION_MAX_LENGTH:
            problems.append(f"board_questions, question {number}\u00a0: {len(text)} caractères "
                            f"({BOARD_QUESTION_MAX_LENGTH} au plus)")
        elif not text.endswith("?"):
            problems.append(f"board_questions, question {number}\u00a0: une question se termine par «\u00a0?\u00a0»")
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


# --- Rules of « Par où commencer ? » (fixtures/parcours-d-usage.toml) ------------------------------------------------

USAGE_RULES_FILE = FIXTURES_DIR / "parcours-d-usage.toml"
USAGE_CONDITIONS = ("profiles", "aims", "maturities", "times")  # answer values; empty = every answer
USAGE_RULE_KEYS = {"slug", "title", *USAGE_CONDITIONS, "regions", "domains", "priority", "fallback", "item"}
USAGE_ITEM_KEYS = {"kind", "target", "depth", "minutes", "medoc", "why"}


@dataclass(frozen=True)
class UsageNames:
    """What a rule may name. ``answers``: allowed values per condition; ``targets``: per item kind, the names of
    what exists (a step is « parcours/step »; for « parcours », {slug: levels it uses}), None for a kind without
    target (the diagnostic); ``needs_minutes``: kinds whose time the rule must give."""

    answers: dict
    medoc: frozenset
    targets: dict
    needs_minutes: frozenset
    why_max: int
    regions: frozenset
    domains: frozenset


def load_usage_rules(path=USAGE_RULES_FILE):
    """The [[rule]] tables of the file, as written (``usage_rule_problems`` checks them)."""
    try:
        with open(path, "rb") as handle:
            rules = tomllib.load(handle).get("rule", [])
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{shown_path(path)} illisible\u00a0: {error}") from error
    if not isinstance(rules, list):
        raise ContentError(f"{shown_path(path)}\u00a0: chaque règle s’écrit [[rule]]")
    return rules


def _quoted(values):
    return ", ".join(f"«\u00a0{value}\u00a0»" for value in values)


def _list_problems(row, key, allowed, unknown_one, unknown_many):
    values = row.get(key, [])
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        return [f"{key}\u00a0: une liste de valeurs entre guillemets, vide pour toutes"]
    if unknown := [value for value in values if value not in allowed]:
        return [f"{key}\u00a0: {unknown_one if len(unknown) == 1 else unknown_many} {_quoted(unknown)}"]
    return []


def _target_problems(item, names):
    """The problems of an item's kind, target and level."""
    kind, target, depth = item.get("kind"), item.get("target"), item.get("depth", "")
    if not isinstance(kind, str) or kind not in names.targets:
        return [f"nature {_quoted([kind])} inconnue (attendu\u00a0: {', '.join(names.targets)})"]
    known, problems = names.targets[kind], []
    if known is None:
        if target is not None:
            problems.append(f"pas de cible (target) pour la nature «\u00a0{kind}\u00a0»")
    elif not isinstance(target, str) or not target:
        problems.append("cible (target) manquante")
    elif target not in known:
        form = " (écrire «\u00a0parcours/étape\u00a0»)" if kind == "step" else ""
        problems.append(f"cible {_quoted([target])} introuvable pour la nature «\u00a0{kind}\u00a0»{form}")
    if not isinstance(depth, str):
        problems.append("depth\u00a0: un niveau entre guillemets")
    elif depth and kind != "parcours":
        problems.append("un niveau (depth) ne se donne qu’à un parcours")
    elif depth and known and target in known and depth not in known[target]:
        problems.append(f"le parcours {_quoted([target])} n’a pas de niveau {_quoted([depth])}")
    return problems


def _unknown_keys(table, allowed):
    """A misspelt key would otherwise be ignored and its value silently replaced by the default."""
    unknown = sorted(table.keys() - allowed)
    if not unknown:
        return []
    return [f"{'clé inconnue' if len(unknown) == 1 else 'clés inconnues'} {_quoted(unknown)}"]


def _item_problems(item, names):
    if not isinstance(item, dict):
        return ["un élément s’écrit [[rule.item]]"]
    problems = _unknown_keys(item, USAGE_ITEM_KEYS) + _target_problems(item, names)
    minutes, kind = item.get("minutes"), item.get("kind")
    if minutes is None and isinstance(kind, str) and kind in names.needs_minutes:
        problems.append(f"durée (minutes) obligatoire pour la nature «\u00a0{kind}\u00a0»")
    elif minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0):
        problems.append("minutes\u00a0: un nombre entier de minutes, positif")
    if "medoc" in item and (not isinstance(item["medoc"], str) or item["medoc"] not in names.medoc):
        problems.append(f"famille M.E.D.O.C. {_quoted([item['medoc']])} inconnue (attendu\u00a0: "
                        f"{', '.join(sorted(names.medoc))})")
    why = item.get("why")
    if not isinstance(why, str) or not why.strip():
        problems.append("pourquoi (why) manquant\u00a0: une phrase qui dit ce que l’élément apporte")
    elif len(why.strip()) > names.why_max:
        problems.append(f"pourquoi (why) trop long\u00a0: {len(why.strip())} caractères ({names.why_max} au plus)")
    return problems


def _rule_problems(row, names):
    problems = _unknown_keys(row, USAGE_RULE_KEYS)
    if not isinstance(row.get("title"), str) or not row["title"].strip():
        problems.append("intitulé (title) manquant")
    for key in USAGE_CONDITIONS:
        problems += _list_problems(row, key, names.answers[key], "valeur inconnue", "valeurs inconnues")
    problems += _list_problems(row, "regions", names.regions, "région inconnue", "régions inconnues")
    problems += _list_problems(row, "domains", names.domains, "domaine inconnu", "domaines inconnus")
    priority = row.get("priority", 50)
    if not isinstance(priority, int) or isinstance(priority, bool) or not 0 <= priority <= 100:
        problems.append("priority\u00a0: un nombre entier de 0 à 100")
    if not isinstance(row.get("fallback", False), bool):
        problems.append("fallback\u00a0: true ou false")
    items = row.get("item", [])
    if not isinstance(items, list) or not items:
        problems.append("aucun élément\u00a0: ajoutez au moins un [[rule.item]]")
        return problems
    for number, item in enumerate(items, start=1):
        problems += [f"élément {number}\u00a0: {problem}" for problem in _item_problems(item, names)]
    return problems


def usage_rule_problems(rules, names, path=USAGE_RULES_FILE):
    """{place: [problem, …]} for every rule of ``rules`` (``load_usage_rules``), in French for the editors: the
    place names the file and the rule (its slug, or its number in the file), an empty list means a valid rule."""
    report, seen = {}, set()
    for number, row in enumerate(rules, start=1):
        slug = row.get("slug") if isinstance(row, dict) else None
        named = isinstance(slug, str) and slug
        place = f"{shown_path(path)}, règle " + (f"«\u00a0{slug}\u00a0»" if named else f"n°\u00a0{number}")
        if named and slug in seen:
            place += f" (n°\u00a0{number})"
        if not isinstance(row, dict):
            report[place] = ["une règle s’écrit [[rule]]"]
            continue
        problems = []
        if not named or not SLUG_RE.match(slug):
            problems.append("identifiant (slug) manquant ou invalide\u00a0: minuscules, chiffres et tirets")
        elif slug in seen:
            problems.append("identifiant (slug) déjà pris par une règle plus haut dans le fichier")
        seen.add(slug)
        report[place] = problems + _rule_problems(row, names)
    return report


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
