"""Read the hub's shipped content: ``fixtures/vocabularies.toml``, ``fixtures/references/*.toml`` (bibliographic
references), ``fixtures/glossaire.toml`` and ``fixtures/fiches/*.md``.

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
from resources.glossary_text import GLOSSARY_LINK_RE, folded_form

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
VOCABULARIES_FILE = FIXTURES_DIR / "vocabularies.toml"
FICHES_DIR = FIXTURES_DIR / "fiches"
GLOSSARY_FILE = FIXTURES_DIR / "glossaire.toml"
REFERENCES_DIR = FIXTURES_DIR / "references"
PROVENANCES = ("confirmed", "inferred", "to_confirm")
GLOSSARY_REQUIRED_KEYS = {"slug", "term", "definition", "provenance", "sources"}
GLOSSARY_OPTIONAL_KEYS = {"variants", "related_fiches", "see_also"}
DEFINITION_WORDS = (40, 150)
WORKSHEETS_DIR = FIXTURES_DIR / "feuilles"

FAMILIES = ("action", "acteur", "repere", "methode", "exemple", "droit")
REFERENCE_KINDS = ("document", "web", "official")
REFERENCE_KEYS = {"slug", "title", "publisher", "date", "url", "kind"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A source cites a reference (``ref``), or gives a deduction of the editors (``kind = "inference"``, ``label``).
# The old form (``label``, ``url``, ``kind = "document" | "web"``) is still read: the loader makes a reference of it.
CITING_SOURCE_KEYS = {"ref", "note"}
INFERENCE_SOURCE_KEYS = {"kind", "label", "note", "url"}
OLD_SOURCE_KINDS = ("document", "web")
OLD_SOURCE_KEYS = {"label", "url", "kind"}
INFERENCE_LABEL_MAX, SOURCE_NOTE_MAX = 1000, 300  # the lengths the database keeps (resources.models.CitedSource)
SOURCE_FORMS = 'ref = "<slug>" (note optional), or kind = "inference" with a label'

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


def shown_path(path):
    """A shipped file's path as the editors know it (« fixtures/… »), any other path as given."""
    path = Path(path)
    return str(path.relative_to(FIXTURES_DIR.parent)) if path.is_relative_to(FIXTURES_DIR.parent) else str(path)


def load_vocabularies(path=VOCABULARIES_FILE):
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def load_references(directory=REFERENCES_DIR):
    """Every ``[[reference]]`` of every ``*.toml`` file of ``directory``, as (file, table) pairs in file order."""
    entries = []
    for path in sorted(Path(directory).glob("*.toml")):
        try:
            with open(path, "rb") as handle:
                data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ContentError(f"{path.name}: invalid TOML ({exc})") from exc
        entries += [(path, row) for row in data.get("reference", [])]
    return entries


def check_references(entries):
    """{file: [problem, …]} for the references of ``load_references``; a slug is unique across every file, and
    so is an address (a vocabulary value names its source by address alone)."""
    report, slugs, urls = {path: [] for path, _row in entries}, {}, {}
    for path, row in entries:
        slug = row.get("slug", "")
        problems = report[path]
        name = f"reference {slug!r}"
        if missing := REFERENCE_KEYS - row.keys():
            problems.append(f"{name}: missing keys {sorted(missing)}")
        if unknown := row.keys() - REFERENCE_KEYS:
            problems.append(f"{name}: unknown keys {sorted(unknown)}")
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            problems.append(f"{name}: the slug must be lowercase ASCII words separated by hyphens")
        elif slug in slugs:
            problems.append(f"{name}: slug already used in {slugs[slug].name}")
        else:
            slugs[slug] = path
        for key in ("title", "publisher"):
            if not str(row.get(key, "")).strip():
                problems.append(f"{name}: {key} must not be empty")
        kind, url = row.get("kind"), row.get("url", "")
        if kind not in REFERENCE_KINDS:
            problems.append(f"{name}: kind must be one of {REFERENCE_KINDS}")
        if not isinstance(url, str) or (url and not url.startswith(("https://", "http://"))):
            problems.append(f"{name}: url must be an http(s) address, or \"\"")
        elif not url and kind in ("web", "official"):
            problems.append(f"{name}: a {kind} reference needs its url (\"\" only for a printed document)")
        elif url in urls:
            problems.append(f"{name}: same url as reference {urls[url]!r} (cite that one)")
        elif url:
            urls[url] = slug
    return report


def reference_slugs(directory=REFERENCES_DIR):
    return {row.get("slug") for _path, row in load_references(directory)}


def is_old_source(source):
    """A source in the old form (label, url, kind document or web), which names its document itself."""
    return "ref" not in source and source.get("kind") in OLD_SOURCE_KINDS


def source_problems(sources, known_references):
    """The problems of the ``[[sources]]`` of a fiche or a step: each in one of the forms, each reference cited
    once, each deduction given once."""
    problems, cited, reasons = [], set(), set()
    if not isinstance(sources, list):
        return ["sources must be a list of [[sources]] tables"]
    for source in sources:
        if not isinstance(source, dict):
            problems.append(f"source must be a [[sources]] table: {source!r}")
        elif "ref" in source:
            if unknown := source.keys() - CITING_SOURCE_KEYS:
                problems.append(f"source citing ref = {source['ref']!r} has other keys {sorted(unknown)}: {SOURCE_FORMS}")
            if source["ref"] not in known_references:
                problems.append(f"source cites an unknown reference: ref = {source['ref']!r} "
                                "(no [[reference]] with this slug in fixtures/references/)")
            elif source["ref"] in cited:
                problems.append(f"reference {source['ref']!r} cited twice (one source per reference, one note)")
            cited.add(source["ref"])
            if len(str(source.get("note", ""))) > SOURCE_NOTE_MAX:
                problems.append(f"note of ref = {source['ref']!r} longer than {SOURCE_NOTE_MAX} characters")
        elif source.get("kind") == "inference":
            label = str(source.get("label", "")).strip()
            if unknown := source.keys() - INFERENCE_SOURCE_KEYS:
                problems.append(f"inference source has unknown keys {sorted(unknown)}")
            if not label:
                problems.append("inference source needs a label that gives the reasoning")
            elif label in reasons:
                problems.append(f"inference source given twice: {label!r}")
            elif len(label) > INFERENCE_LABEL_MAX:
                problems.append(f"inference label longer than {INFERENCE_LABEL_MAX} characters: {label[:60]!r}…")
            reasons.add(label)
        elif is_old_source(source) and str(source.get("label", "")).strip() and not source.keys() - OLD_SOURCE_KEYS:
            pass  # the old form, still read (see OLD_SOURCE_KINDS)
        else:
            problems.append(f"source must be {SOURCE_FORMS}: {source}")
    return problems


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
        # As the site reads them: a [[glossaire:…]] link names a term, not a fiche.
        return set(re.findall(r"\[\[(?!glossaire:)([^\[\]|\n]+)(?:\|[^\[\]|\n]+)?\]\]", body))
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


def linked_glossary_slugs(body):
    """The terms a body links with ``[[glossaire:slug]]``, outside code (every one, code included, without the
    Markdown package: stricter, never laxer)."""
    try:
        from resources.markdown import glossary_link_slugs
    except ImportError:
        return {match.group(1) for match in GLOSSARY_LINK_RE.finditer(body)}
    return glossary_link_slugs(body)


def unknown_term_problems(body, known_terms):
    """One problem per ``[[glossaire:slug]]`` of the body that names no term of the glossary."""
    return [
        f"body links to an unknown glossary term: [[glossaire:{slug}]] (no term {slug!r} in glossaire.toml)"
        for slug in sorted(linked_glossary_slugs(body) - set(known_terms))
    ]


def load_glossary(path=GLOSSARY_FILE):
    """The ``[[term]]`` rows of the glossary file (none when there is no file)."""
    if not Path(path).exists():
        return []
    with open(path, "rb") as handle:
        return tomllib.load(handle).get("term", [])


def check_glossary(terms, fiche_slugs, reference_slugs, known_terms=()):
    """{slug: [problem, …]} for every term: keys, provenance, definition length, fiches, see-also terms and
    references that exist, and no slug or written form (term or variant, accents and case folded) used twice."""
    report, forms = {}, {}
    slugs = {row.get("slug") for row in terms} | set(known_terms)
    for row in terms:
        slug = row.get("slug", "?")
        if slug in report:
            report[slug].append("slug used twice")
        problems = report.setdefault(slug, [])
        if missing := GLOSSARY_REQUIRED_KEYS - row.keys():
            problems.append(f"missing keys: {sorted(missing)}")
        if unknown := row.keys() - GLOSSARY_REQUIRED_KEYS - GLOSSARY_OPTIONAL_KEYS:
            problems.append(f"unknown keys: {sorted(unknown)}")
        if row.get("provenance") not in PROVENANCES:
            problems.append(f"provenance must be one of {PROVENANCES}")
        words = len(row.get("definition", "").split())
        if not DEFINITION_WORDS[0] <= words <= DEFINITION_WORDS[1]:
            problems.append(f"definition of {words} words ({DEFINITION_WORDS[0]} to {DEFINITION_WORDS[1]} expected)")
        if "[[" in row.get("definition", ""):
            problems.append("a definition links no fiche or term with [[…]]: use see_also and related_fiches")
        for value in row.get("related_fiches", []):
            if value not in fiche_slugs:
                problems.append(f"related_fiches: no fiche {value!r}")
        for value in row.get("see_also", []):
            if value not in slugs or value == slug:
                problems.append(f"see_also: no other term {value!r}")
        for value in row.get("sources", []):
            if value not in reference_slugs:
                problems.append(f"sources: no reference {value!r} in fixtures/references/")
        if not row.get("sources") and row.get("provenance") != "to_confirm":
            problems.append("a confirmed or inferred term cites at least one reference")
        for form in [row.get("term", ""), *row.get("variants", [])]:
            key = folded_form(form)
            if key in forms and forms[key] != slug:
                problems.append(f"form {form!r} is already a form of {forms[key]!r}")
            forms.setdefault(key, slug)
    return report


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


def check_fiche(fiche, vocabularies, known_slugs, known_terms=None, known_references=None):
    """Return the list of problems of one fiche (empty when it is loadable). ``known_terms``: the glossary's slugs
    (those of glossaire.toml when None); ``known_references``: the slugs a source may cite (by default the shipped
    references')."""
    if known_references is None:
        known_references = reference_slugs()
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
    problems += unknown_term_problems(fiche.body, _glossary_slugs() if known_terms is None else known_terms)
    problems += unclosed_html_problems(fiche.body)
    problems += source_problems(meta.get("sources", []), known_references)
    if not meta.get("sources"):
        problems.append("a fiche needs at least one source")
    return problems


def _glossary_slugs(known_terms=()):
    return {row.get("slug") for row in load_glossary()} | set(known_terms)


def check_all(directory=FICHES_DIR, vocabularies_path=VOCABULARIES_FILE, known_slugs=(), known_terms=(),
              references_dir=REFERENCES_DIR, known_references=()):
    """Every fiche file and its problems. ``known_slugs``: fiches that exist besides the files (the database's),
    which ``related`` and ``[[…]]`` links may name too; a fiche may link one whose file comes later.
    ``known_terms``: glossary terms besides those of glossaire.toml; ``known_references``: likewise, references
    that sources may cite besides those of ``references_dir``."""
    vocabularies = load_vocabularies(vocabularies_path)
    fiches = iter_fiches(directory)
    slugs = {fiche.slug for fiche in fiches} | set(known_slugs)
    terms = _glossary_slugs(known_terms)
    references = reference_slugs(references_dir) | set(known_references)
    report = {fiche.slug: check_fiche(fiche, vocabularies, slugs, terms, references) for fiche in fiches}
    return fiches, report


def main():
    failed = False
    entries = load_references()
    for path, problems in check_references(entries).items():
        print(f"{'OK ' if not problems else 'ERR'} {path.relative_to(FIXTURES_DIR.parent)}")
        for problem in problems:
            print(f"      - {problem}")
        failed = failed or bool(problems)
    print(f"{len(entries)} références")
    fiches, report = check_all()
    for fiche in fiches:
        problems = report[fiche.slug]
        status = "OK " if not problems else "ERR"
        print(f"{status} {fiche.slug} ({fiche.meta.get('family')}, {fiche.word_count} mots)")
        for problem in problems:
            print(f"      - {problem}")
        failed = failed or bool(problems)
    print(f"{len(fiches)} fiches, {sum(f.word_count for f in fiches)} mots")
    terms = load_glossary()
    glossary = check_glossary(terms, {fiche.slug for fiche in fiches}, reference_slugs())
    for slug, problems in glossary.items():
        if problems:
            print(f"ERR glossaire {slug}")
            for problem in problems:
                print(f"      - {problem}")
        failed = failed or bool(problems)
    print(f"{len(terms)} termes du glossaire")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
