"""Check the shipped content files for what a reader would trust wrongly or read badly.

Pure Python (no Django import), run on the files: ``python3 -m resources.content_checks`` lists the problems, each
naming its file and place; ``--fix`` repairs only the French typography spaces, in place, and prints each change.

It reads ``fixtures/vocabularies.toml``, ``fixtures/fiches/*.md``, ``fixtures/parcours/parcours.toml`` and the steps,
``fixtures/references/*.toml``, ``fixtures/glossaire.toml``, ``fixtures/parcours-d-usage.toml`` (the typography of
its titles and « why » sentences) and ``fixtures/rendez-vous.toml`` (the agenda's example events) when present, and
reports:

- a « confirmed » provenance without a source address (a vocabulary row without ``source_url``, a step or glossary
  term without a cited reference that has a url);
- references: cited but missing, without url while not a printed document, the same slug or url twice; a fiche or
  step source still in the old form (label and url, no ``ref``);
- a ``[[glossaire:slug]]`` link to no term (``[[slug]]`` fiche links are checked by resources.content_files, whose
  check is reused here);
- French typography: a plain space or none before « : ; ! ? » and « » », after « « », in text (not in addresses, code,
  ``[[…]]`` markup, TOML keys and fields that are not text); « de Le » and « à Le » (« du », « au »).

The trap: the typography is read and repaired on the raw text of the files (so that ``--fix`` keeps everything else
byte for byte), with a small scanner of TOML strings; the other rules read the parsed files.
"""

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from resources.content_files import FIXTURES_DIR, shown_path, unknown_link_problems

NBSP, NNBSP = "\u00a0", "\u202f"
FINE_SPACES = (NBSP, NNBSP)
ESCAPED_SPACES = ("\\u00a0", "\\u00A0", "\\u202f", "\\u202F")  # how a TOML string may write them
PROVENANCES = ("confirmed", "inferred", "to_confirm")
REFERENCE_KINDS = ("document", "web", "official")

# TOML keys whose strings are not French text: identifiers, addresses, closed values, dates, lists of slugs.
NON_TEXT_KEYS = {
    "slug", "url", "source_url", "provenance", "kind", "theme", "lever", "tool", "ref", "family", "depth", "sources",
    "objectives", "levers", "components", "actor_profiles", "actor_kinds", "regions", "domains", "entry_doors",
    "impacts", "referentiel_parts", "economies", "tools", "related", "fiches", "related_fiches", "see_also",
    "profiles", "aims", "maturities", "times", "target", "medoc",  # parcours-d-usage.toml
    "status", "format", "online_url", "replay_url",  # rendez-vous.toml
}

# Parts of a text that are not prose: code, addresses, link targets, [[…]] markup, entities, Markdown structure.
MASKED = [
    re.compile(r"(?ms)^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$"),  # fenced code blocks
    re.compile(r"(`+)[^\n]+?\1"),  # code spans
    re.compile(r"\]\([^)\n]*\)"),  # Markdown link targets
    re.compile(r"<(?:https?://|mailto:)[^>\n]*>"),  # autolinks
    re.compile(r"(?:https?://|mailto:|www\.)[^\s\"'«»<>\])]+"),  # bare addresses
    re.compile(r"\[\[[^\[\]\n]*\]\]"),  # [[fiche]] and [[glossaire:…]] markup
    re.compile(r"(?m)^[ \t]{0,3}\[[^\]\n]+\]:.*$"),  # reference definitions « [1]: https://… »
    re.compile(r"(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$"),  # table rules
    re.compile(r"&#?\w+;"),  # HTML entities
    re.compile(r"(?s)<!--.*?-->"),  # HTML comments
]
PUNCTUATION = ":;!?"
FOLLOWED_MARKS = "?!.…:;"  # a « ? » or « ! » right after one of them takes no space (« ?! », « … ? »)
DE_LE = re.compile(r"(?<![\w’'])([dD]e|[àÀ])[ \u00a0]Le\b")
GLOSSARY_LINK = re.compile(r"\[\[glossaire:([^\[\]|\n]*)(?:\|[^\[\]\n]*)?\]\]")


@dataclass(frozen=True)
class Problem:
    path: Path
    place: str
    message: str

    def __str__(self):
        return f"{shown_path(self.path)}: {self.place}: {self.message}"


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] of a file with ``text``: a typography repair."""

    start: int
    end: int
    text: str
    message: str


def _line(text, pos):
    return text.count("\n", 0, pos) + 1


# Typography ---------------------------------------------------------------------------------------------------------


def _masked(text):
    """A boolean per character: True where the character is not prose."""
    mask = [False] * len(text)
    for pattern in MASKED:
        for found in pattern.finditer(text):
            mask[found.start():found.end()] = [True] * (found.end() - found.start())
    return mask


def _fine_before(text, i):
    return text[i - 1] in FINE_SPACES or text[max(0, i - 6):i] in ESCAPED_SPACES


def _fine_after(text, i):
    return i + 1 < len(text) and (text[i + 1] in FINE_SPACES or text[i + 1:i + 7] in ESCAPED_SPACES)


def _space_before(text, i, wanted, name):
    """The repair of the space before text[i], or None when it is right or cannot be judged (a line start)."""
    if i == 0 or _fine_before(text, i) or text[i - 1] == "\n":
        return None
    start = i
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    if start == i:
        return Edit(i, i, wanted, f"no space before {name}")
    if start == 0 or text[start - 1] == "\n":
        return None
    return Edit(start, i, wanted, f"plain space before {name}")


def typography_edits(text, base=0):
    """The repairs the French typography of a prose text needs; positions shifted by ``base``."""
    mask, edits = _masked(text), []
    for i, char in enumerate(text):
        if mask[i] or char not in PUNCTUATION + "«»":
            continue
        edit = None
        if char == ":":
            if 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                continue  # 13:30, 1:2
            edit = _space_before(text, i, NBSP, "« : »")
        elif char in ";!?":
            if i and text[i - 1] in FOLLOWED_MARKS:
                continue
            edit = _space_before(text, i, NNBSP, f"« {char} »")
        elif char == "»":
            edit = _space_before(text, i, NBSP, "« » »")
        elif char == "«" and not _fine_after(text, i):
            end = i + 1
            while end < len(text) and text[end] in " \t":
                end += 1
            if end < len(text) and text[end] != "\n":
                message = "no space after « « »" if end == i + 1 else "plain space after « « »"
                edit = Edit(i + 1, end, NBSP, message)
        if edit:
            edits.append(Edit(edit.start + base, edit.end + base, edit.text, edit.message))
    return edits


def wording_problems(text):
    """« de Le RAMEAU » is « du RAMEAU », « à Le » is « au » (positions in the text, messages)."""
    mask = _masked(text)
    return [
        (found.start(), f"« {found.group(0)} »: write « {'du' if found.group(1).lower() == 'de' else 'au'} »")
        for found in DE_LE.finditer(text)
        if not mask[found.start()]
    ]


# TOML strings -------------------------------------------------------------------------------------------------------

_KEY = re.compile(r"([A-Za-z0-9_-]+)[ \t]*=(?!=)")


def toml_strings(text):
    """(key, start, end) of every string value of a TOML text (start/end: its content, without the quotes).

    Enough of TOML for the shipped files: comments, table headers, bare keys (also in inline tables), the four kinds
    of strings, arrays of strings spread over lines (their strings belong to the key that opened the array)."""
    i, key, n = 0, None, len(text)
    at_key = True  # at a line start, or after « { » or « , » in an inline table
    while i < n:
        char = text[i]
        if char == "\n":
            at_key, i = True, i + 1
            continue
        if char in " \t":
            i += 1
            continue
        if char == "#":
            i = text.find("\n", i) if "\n" in text[i:] else n
            continue
        for quote in ('"""', "'''"):
            if text.startswith(quote, i):
                end = i + 3
                while True:
                    end = text.find(quote, end)
                    if end < 0 or quote == "'''" or not _escaped(text, end):
                        break
                    end += 1
                end = n if end < 0 else end
                while text.startswith(quote[0], end + 3):  # « """" » closes with one quote inside the string
                    end += 1
                yield key, i + 3, end
                i, at_key = end + 3, False
                break
        else:
            if char in "\"'":
                end = i + 1
                while end < n and text[end] != char and text[end] != "\n":
                    end += 2 if char == '"' and text[end] == "\\" else 1
                yield key, i + 1, end
                i, at_key = end + 1, False
            elif at_key and char == "[":
                i = text.find("\n", i) if "\n" in text[i:] else n
                key = None
            elif at_key and (found := _KEY.match(text, i)):
                key, i, at_key = found.group(1), found.end(), False
            else:
                at_key = char in "{,"
                i += 1


def _escaped(text, i):
    backslashes = 0
    while i - backslashes - 1 >= 0 and text[i - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _text_spans(text, offset=0):
    """The prose strings of a TOML text: (key, start, end), offsets in the file."""
    for key, start, end in toml_strings(text):
        if key not in NON_TEXT_KEYS:
            yield key, start + offset, end + offset


def file_edits_and_wording(path):
    """(text, [(key, typography edit)], wording problems) of one shipped file, read raw."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    spans = []
    if path.suffix == ".md":
        parts = text.split("+++\n", 2)
        if len(parts) == 3:
            front_start = len(parts[0]) + 4
            spans += [(key, s, e) for key, s, e in _text_spans(parts[1], front_start)]
            body_start = front_start + len(parts[1]) + 4
            spans.append(("body", body_start, len(text)))
    else:
        spans += list(_text_spans(text))
    edits, wording = [], []
    for key, start, end in spans:
        edits += [(key, edit) for edit in typography_edits(text[start:end], base=start)]
        for pos, message in wording_problems(text[start:end]):
            wording.append(Problem(path, f"line {_line(text, start + pos)} ({key})", message))
    return text, edits, wording


def typography_problems(path):
    text, edits, wording = file_edits_and_wording(path)
    problems = [Problem(path, f"line {_line(text, edit.start)} ({key})", edit.message) for key, edit in edits]
    return problems + wording


def fix_file(path):
    """Repair the typography spaces of one file in place; the list of what changed (« file: line N: … »)."""
    text, keyed, _wording = file_edits_and_wording(path)
    edits = [edit for _key, edit in keyed]
    if not edits:
        return []
    changed = text
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        changed = changed[:edit.start] + edit.text + changed[edit.end:]
    Path(path).write_text(changed, encoding="utf-8")
    space = {NBSP: "U+00A0", NNBSP: "U+202F"}
    return [f"{shown_path(path)}: line {_line(text, e.start)}: {e.message}, now {space[e.text]}" for e in edits]


# The files ----------------------------------------------------------------------------------------------------------


@dataclass
class Content:
    root: Path
    vocabularies: dict
    references: dict  # slug -> (path, row)
    reference_rows: list  # (path, row), in file order
    glossary: list
    fiches: list  # (path, meta, body)
    steps: list  # (path, meta, body)
    parcours: list

    @property
    def files(self):
        paths = [self.root / "vocabularies.toml", self.root / "glossaire.toml", self.root / "parcours" / "parcours.toml",
                 self.root / "parcours-d-usage.toml", self.root / "rendez-vous.toml"]
        paths += [path for path, _row in self.reference_rows]
        paths += [path for path, _m, _b in self.fiches + self.steps]
        return sorted({path for path in paths if path.exists()})


def _toml(path):
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _front_matter_file(path):
    parts = path.read_text(encoding="utf-8").split("+++\n", 2)
    if len(parts) != 3:
        return path, {}, ""
    return path, tomllib.loads(parts[1]), parts[2]


def load_content(root=FIXTURES_DIR):
    root = Path(root)
    reference_rows = []
    for path in sorted((root / "references").glob("*.toml")):
        reference_rows += [(path, row) for row in _toml(path).get("reference", [])]
    references = {}
    for path, row in reference_rows:
        references.setdefault(row.get("slug"), (path, row))
    fiches = [_front_matter_file(p) for p in sorted((root / "fiches").glob("*.md")) if p.name != "README.md"]
    steps = [_front_matter_file(p) for p in sorted((root / "parcours").glob("*/*.md"))]
    return Content(
        root=root,
        vocabularies=_toml(root / "vocabularies.toml"),
        references=references,
        reference_rows=reference_rows,
        glossary=_toml(root / "glossaire.toml").get("term", []),
        fiches=fiches,
        steps=steps,
        parcours=_toml(root / "parcours" / "parcours.toml").get("parcours", []),
    )


# Rules on the parsed content ----------------------------------------------------------------------------------------


def reference_problems(content):
    problems, slugs, urls = [], {}, {}
    for path, row in content.reference_rows:
        slug, url = row.get("slug", ""), row.get("url", "")
        place = f"[[reference]] {slug or '(no slug)'}"
        if slug in slugs:
            problems.append(Problem(path, place, f"slug already used in {shown_path(slugs[slug])}"))
        slugs.setdefault(slug, path)
        if row.get("kind") not in REFERENCE_KINDS:
            problems.append(Problem(path, place, f"kind must be one of {REFERENCE_KINDS}"))
        if not url and row.get("kind") != "document":
            problems.append(Problem(path, place, "no url: only a printed document (kind = \"document\") may lack one"))
        if url and url in urls:
            problems.append(Problem(path, place, f"same url as reference {urls[url]!r}"))
        urls.setdefault(url, slug)
    return problems


def _has_address(content, slugs):
    return any(content.references.get(slug, (None, {}))[1].get("url") for slug in slugs)


def _check_provenance(content, path, place, provenance, cited):
    if provenance not in PROVENANCES:
        return [Problem(path, place, f"provenance {provenance!r} is not one of {PROVENANCES}")]
    if provenance == "confirmed" and not _has_address(content, cited):
        return [Problem(path, place, "provenance « confirmed » without a cited reference that has a url")]
    return []


def _source_problems(content, path, sources):
    problems = []
    for index, source in enumerate(sources, start=1):
        place = f"source {index}"
        if "ref" in source:
            if source["ref"] not in content.references:
                problems.append(Problem(path, place, f"ref {source['ref']!r} names no reference in fixtures/references"))
        elif source.get("kind") != "inference":
            problems.append(Problem(path, place, "old form (label and url): cite a reference with ref = \"<slug>\""))
    return problems


def vocabulary_problems(content):
    path, problems = content.root / "vocabularies.toml", []
    for table, rows in content.vocabularies.items():
        for row in rows if isinstance(rows, list) else []:
            if "slug" not in row:
                continue  # not a vocabulary value (the search synonyms)
            place = f"[[{table}]] {row.get('slug', '(no slug)')}"
            provenance = row.get("provenance", "confirmed")
            if provenance not in PROVENANCES:
                problems.append(Problem(path, place, f"provenance {provenance!r} is not one of {PROVENANCES}"))
            elif provenance == "confirmed" and not row.get("source_url"):
                problems.append(Problem(path, place, "provenance « confirmed » with an empty source_url"))
    return problems


def _glossary_link_problems(content, path, text, place):
    known = {term.get("slug") for term in content.glossary}
    return [
        Problem(path, place, f"[[glossaire:{slug}]] names no term of fixtures/glossaire.toml")
        for slug in sorted({found.group(1) for found in GLOSSARY_LINK.finditer(text)} - known)
    ]


def _fiche_link_problems(content, path, body):
    """resources.content_files' own check of [[slug]] links (it leaves [[glossaire:…]] to the function above)."""
    known = {p.stem for p, _m, _b in content.fiches}
    return [Problem(path, "body", message) for message in unknown_link_problems(body, known)]


def document_problems(content):
    problems = []
    for path, meta, body in content.fiches:
        problems += _source_problems(content, path, meta.get("sources", []))
        problems += _glossary_link_problems(content, path, body, "body")
        problems += _fiche_link_problems(content, path, body)
    for path, meta, body in content.steps:
        sources = meta.get("sources", [])
        problems += _source_problems(content, path, sources)
        cited = [source["ref"] for source in sources if "ref" in source]
        problems += _check_provenance(content, path, "provenance", meta.get("provenance", "to_confirm"), cited)
        problems += _glossary_link_problems(content, path, body, "body")
        problems += _fiche_link_problems(content, path, body)
    return problems


def glossary_problems(content):
    path, problems = content.root / "glossaire.toml", []
    slugs = {term.get("slug") for term in content.glossary}
    for term in content.glossary:
        place = f"[[term]] {term.get('slug', '(no slug)')}"
        cited = term.get("sources", [])
        for slug in cited:
            if slug not in content.references:
                problems.append(Problem(path, place, f"source {slug!r} names no reference in fixtures/references"))
        problems += _check_provenance(content, path, place, term.get("provenance", "to_confirm"), cited)
        problems += _glossary_link_problems(content, path, term.get("definition", ""), place)
        for slug in term.get("see_also", []):
            if slug not in slugs:
                problems.append(Problem(path, place, f"see_also {slug!r} names no term"))
    return problems


def check(root=FIXTURES_DIR):
    """Every problem of the shipped content under ``root``, file by file."""
    content = load_content(root)
    problems = reference_problems(content) + vocabulary_problems(content)
    problems += document_problems(content) + glossary_problems(content)
    for path in content.files:
        problems += typography_problems(path)
    return problems


def fix(root=FIXTURES_DIR):
    """Repair the typography spaces of every shipped file; what changed, one line per repair."""
    changes = []
    for path in load_content(root).files:
        changes += fix_file(path)
    return changes


def main(argv=None, root=FIXTURES_DIR):
    argv = sys.argv[1:] if argv is None else argv
    if "--fix" in argv:
        for change in fix(root):
            print(f"fixed {change}")
    problems = check(root)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
