"""Read the hub's shipped content: ``fixtures/vocabularies.toml`` and ``fixtures/fiches/*.md``.

Pure Python (no Django import) so that writers can check a fiche with
``python3 -m resources.content_files`` before the project is even installed.
A fiche file is TOML front matter between two ``+++`` lines, then the Markdown body, where ``[[slug]]`` links
another fiche (``resources.markdown``): every linked slug must be the name of a shipped file.
"""

import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.raw_html import unclosed_tags
from core.text import MISPLACED_FICHE_LINK_RE

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
VOCABULARIES_FILE = FIXTURES_DIR / "vocabularies.toml"
FICHES_DIR = FIXTURES_DIR / "fiches"
WORKSHEETS_DIR = FIXTURES_DIR / "feuilles"

FAMILIES = ("action", "acteur", "repere", "methode", "exemple", "droit")
SOURCE_KINDS = ("document", "web", "inference")

# Front-matter key of a fiche -> vocabulary table in vocabularies.toml.
FICHE_VOCABULARY_KEYS = {
    "objectives": "objective",
    "levers": "lever",
    "components": "component",
    "actor_profiles": "actor_profile",
    "actor_kinds": "actor_kind",
    "regions": "region",
    "domains": "domain",
    "entry_doors": "entry_door",
    "impacts": "impact",
    "referentiel_parts": "referentiel_part",
    "economies": "economy",
    "tools": "tool",
}
REQUIRED_KEYS = {"title", "family", "chapeau"}
OPTIONAL_KEYS = set(FICHE_VOCABULARY_KEYS) | {"tags", "related", "sources", "published", "last_reviewed"}


class ContentError(ValueError):
    """A content file that cannot be loaded; the message names the file and the problem."""


@dataclass
class FicheFile:
    slug: str
    meta: dict
    body: str
    path: Path = field(repr=False, default=None)

    @property
    def word_count(self):
        return len(self.body.split())


def load_vocabularies(path=VOCABULARIES_FILE):
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def parse_fiche(path):
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    parts = text.split("+++\n", 2)
    if len(parts) != 3 or parts[0].strip():
        raise ContentError(f"{path.name}: the file must start with TOML front matter between two '+++' lines")
    try:
        meta = tomllib.loads(parts[1])
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: invalid front matter ({exc})") from exc
    return FicheFile(slug=path.stem, meta=meta, body=parts[2].strip() + "\n", path=path)


def iter_fiches(directory=FICHES_DIR):
    return [parse_fiche(path) for path in sorted(Path(directory).glob("*.md")) if path.name != "README.md"]


def iter_worksheets(directory=WORKSHEETS_DIR):
    """The worksheet files (``fixtures/feuilles/<slug>.md``), the same format as a fiche's: front matter, then
    Markdown (their steps are checked by parcours.content_files, which knows the steps)."""
    return iter_fiches(directory)


def linked_fiche_slugs(body):
    """The fiches a body links with ``[[slug]]`` or ``[[slug|texte]]``, read as the site reads them (not in code).

    Without the Markdown package (a check run before the project is installed), every ``[[…]]`` counts, even
    one written in code: stricter, never laxer.
    """
    try:
        from resources.markdown import fiche_link_slugs
    except ImportError:
        return set(re.findall(r"\[\[([^\[\]|\n]+)(?:\|[^\[\]|\n]+)?\]\]", body))
    return fiche_link_slugs(body)


def unknown_link_problems(body, known_slugs):
    """One problem per ``[[slug]]`` of the body that names no fiche, and one for a [[…]] written inside another
    link (it would render broken: see core.text.MISPLACED_FICHE_LINK_RE)."""
    problems = [
        f"body links to an unknown fiche: [[{slug}]] (no fiche file {slug}.md)"
        for slug in sorted(linked_fiche_slugs(body) - set(known_slugs))
    ]
    if MISPLACED_FICHE_LINK_RE.search(body):
        problems.append("body writes a [[fiche]] link inside another link: write [[slug|texte]] instead")
    return problems


def unclosed_html_problems(body):
    """One problem when the body opens raw HTML it never closes (core.raw_html), which the admin refuses too.

    Without the Markdown package, the body is read as it is, code included: stricter, never laxer.
    """
    try:
        from resources.markdown import unclosed_html_names
    except ImportError:
        names = sorted({name for _start, name in unclosed_tags(body)})
    else:
        names = unclosed_html_names(body)
    if not names:
        return []
    tags = ", ".join(f"<{name}>" for name in names)
    return [f"body opens raw HTML it never closes, which would hide what follows: {tags} (close it or write it in code)"]


def check_fiche(fiche, vocabularies, known_slugs):
    """Return the list of problems of one fiche (empty when it is loadable)."""
    problems = []
    meta = fiche.meta
    missing = REQUIRED_KEYS - meta.keys()
    unknown = meta.keys() - REQUIRED_KEYS - OPTIONAL_KEYS
    if missing:
        problems.append(f"missing keys: {sorted(missing)}")
    if unknown:
        problems.append(f"unknown keys: {sorted(unknown)}")
    if meta.get("family") not in FAMILIES:
        problems.append(f"family must be one of {FAMILIES}")
    for key, table in FICHE_VOCABULARY_KEYS.items():
        allowed = {row["slug"] for row in vocabularies.get(table, [])}
        for value in meta.get(key, []):
            if value not in allowed:
                problems.append(f"{key}: unknown slug {value!r}")
    for value in meta.get("related", []):
        if value not in known_slugs:
            problems.append(f"related: no fiche {value!r}")
    problems += unknown_link_problems(fiche.body, known_slugs)
    problems += unclosed_html_problems(fiche.body)
    for source in meta.get("sources", []):
        if not source.get("label") or source.get("kind") not in SOURCE_KINDS:
            problems.append(f"source needs a label and a kind in {SOURCE_KINDS}: {source}")
    if not meta.get("sources"):
        problems.append("a fiche needs at least one source")
    return problems


def check_all(directory=FICHES_DIR, vocabularies_path=VOCABULARIES_FILE, known_slugs=()):
    """Every fiche file and its problems. ``known_slugs``: fiches that exist besides the files (the database's),
    which ``related`` and ``[[…]]`` links may name too; a fiche may link one whose file comes later."""
    vocabularies = load_vocabularies(vocabularies_path)
    fiches = iter_fiches(directory)
    slugs = {fiche.slug for fiche in fiches} | set(known_slugs)
    report = {fiche.slug: check_fiche(fiche, vocabularies, slugs) for fiche in fiches}
    return fiches, report


def main():
    fiches, report = check_all()
    failed = False
    for fiche in fiches:
        problems = report[fiche.slug]
        status = "OK " if not problems else "ERR"
        print(f"{status} {fiche.slug} ({fiche.meta.get('family')}, {fiche.word_count} mots)")
        for problem in problems:
            print(f"      - {problem}")
        failed = failed or bool(problems)
    print(f"{len(fiches)} fiches, {sum(f.word_count for f in fiches)} mots")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
