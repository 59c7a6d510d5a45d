"""Glossary terms in rendered bodies: the explicit ``[[glossaire:slug]]`` markup and the automatic link of a term's
first occurrence. Pure Python (no Django import), like ``resources.markdown``, which calls it.

The automatic link runs on the sanitised HTML, where every element is real (nh3 rewrote the author's raw HTML),
so it can tell where a word stands:
- never inside a link (a fiche link, an explicit glossary link, an author's link), a heading, or code;
- whole words only, accents and case ignored (« Mécénat » and « mecenat » match the term « mécénat »);
- the first occurrence of each term (or of one of its variants) only, and none for a term that the body already
  links explicitly with ``[[glossaire:slug]]``;
- at one place, the longest form wins: « mécénat de compétences » before « mécénat »;
- never inside « guillemets », where the hub writes the proper names of tools and publications (the platform
  « Trajectoires socio-économiques » is not the term « trajectoire socio-économique »), nor inside an address or a
  compound (« odd17.org », « co-construire »);
- at most ``MAX_AUTOMATIC_LINKS`` per body, so a page stays readable: the first ones in reading order.
"""

import html
import re
from dataclasses import dataclass, field

from core.text import fold

LINK_CLASS = "hub-glossary-link"
MAX_AUTOMATIC_LINKS = 6
# [[glossaire:slug]] or [[glossaire:slug|texte]] on one line, with the characters a fiche link refuses refused too.
GLOSSARY_LINK_RE = re.compile(r"\[\[glossaire:([^\[\]|`\\\n\x02\x03]+)(?:\|([^\[\]|`\\\n\x02\x03]+))?\]\]")
# Elements whose text never receives an automatic link.
SKIPPED_ELEMENTS = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre"})
# nh3 escapes « > » inside attribute values: a tag ends at the first « > ».
TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")


def folded_form(text):
    """A term or variant as the automatic link looks for it: folded (core.text.fold), spaces collapsed."""
    return " ".join(fold(text).split())


@dataclass(frozen=True)
class GlossaryEntry:
    """One term as bodies see it: its address, its name, and every written form that links to it."""

    slug: str
    term: str
    url: str
    variants: tuple = ()

    @property
    def forms(self):
        return (self.term, *self.variants)


@dataclass
class Glossary:
    """The terms a body is rendered with; ``pattern`` finds any of their forms, longest first."""

    entries: list = field(default_factory=list)

    def __post_init__(self):
        self.links = {entry.slug: entry for entry in self.entries}
        self.slug_of = {}
        for entry in self.entries:
            for form in entry.forms:
                key = folded_form(form)
                if key:
                    self.slug_of.setdefault(key, entry.slug)
        ordered = sorted(self.slug_of, key=lambda key: (-len(key), key))
        alternatives = "|".join(r"\s+".join(re.escape(word) for word in key.split()) for key in ordered)
        self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if ordered else None


def link_html(entry, text):
    """The HTML of a link to a term (``text`` is plain text: escaped here)."""
    return f'<a class="{LINK_CLASS}" href="{html.escape(entry.url)}">{html.escape(text, quote=False)}</a>'


def autolink(clean_html, glossary, *, already_linked=()):
    """``clean_html`` (sanitised) with the first occurrence of each term linked; ``already_linked``: slugs the body
    links explicitly, left alone."""
    if glossary is None or glossary.pattern is None:
        return clean_html
    state = _LinkState(set(already_linked))
    out, skipped, position = [], 0, 0
    for tag in TAG_RE.finditer(clean_html):
        text = clean_html[position:tag.start()]
        out.append(state.skip(text) if skipped else _link_terms(text, glossary, state))
        if tag.group(2).lower() in SKIPPED_ELEMENTS:
            skipped = max(0, skipped - 1) if tag.group(1) else skipped + 1
        out.append(tag.group(0))
        position = tag.end()
    rest = clean_html[position:]
    out.append(state.skip(rest) if skipped else _link_terms(rest, glossary, state))
    return "".join(out)


@dataclass
class _LinkState:
    """What the walk through a body carries from one text node to the next."""

    linked: set
    automatic: int = 0
    quote_depth: int = 0  # inside how many « … » (a quotation may span an emphasis, hence several nodes)

    def skip(self, text):
        """A node that gets no link still opens or closes quotations."""
        self.quote_depth = self.depth_after(html.unescape(text))
        return text

    def depth_after(self, raw, start_depth=None):
        depth = self.quote_depth if start_depth is None else start_depth
        for char in raw:
            if char == "«":
                depth += 1
            elif char == "»":
                depth = max(0, depth - 1)
        return depth


def _link_terms(text, glossary, state):
    """One text node (escaped HTML): the terms not yet linked become links; the node is kept byte for byte when
    nothing matches."""
    if not text.strip():
        return text
    raw = html.unescape(text)
    folded = fold(raw)  # one character for one: a match maps back to ``raw`` by index
    pieces, last, depth, counted = [], 0, state.quote_depth, 0
    for match in glossary.pattern.finditer(folded):
        depth, counted = state.depth_after(raw[counted:match.start()], depth), match.start()
        slug = glossary.slug_of[" ".join(match.group(0).split())]
        if slug in state.linked or depth or state.automatic >= MAX_AUTOMATIC_LINKS or _glued(raw, *match.span()):
            continue
        state.linked.add(slug)
        state.automatic += 1
        before, found = raw[last:match.start()], raw[match.start():match.end()]
        pieces += [html.escape(before, quote=False), link_html(glossary.links[slug], found)]
        last = match.end()
    state.quote_depth = state.depth_after(raw)
    if not pieces:
        return text
    pieces.append(html.escape(raw[last:], quote=False))
    return "".join(pieces)


def _glued(raw, start, end):
    """Whether a match is part of an address, an e-mail or a compound (« odd17.org », « www.odd17 », « anti-ODD »),
    read on the raw text: folding turned these marks into spaces."""
    before = raw[start - 1] if start else ""
    after, next_char = raw[end:end + 1], raw[end + 1:end + 2]
    return before in {".", "/", "@", "-"} or after in {"/", "@"} or (after in {".", "-"} and next_char.isalnum())


def glossary_link_slugs_raw(text):
    """Every slug named by ``[[glossaire:…]]`` in ``text``, code included (a cheap superset)."""
    return {match.group(1) for match in GLOSSARY_LINK_RE.finditer(text or "")}
