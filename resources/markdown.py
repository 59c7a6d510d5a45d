"""Markdown to sanitised HTML, run once when content is saved (never per request).

Besides Markdown, a body may link a fiche of the hub with ``[[slug-de-la-fiche]]`` (the fiche's title as the
link text) or ``[[slug-de-la-fiche|texte du lien]]``. This module only knows the syntax: the caller says what
each slug renders as (``resources.fiche_links`` reads the fiches). Links written inside code (a code span or a
code block) stay literal, as any Markdown written there, and are not links at all: neither checked nor kept up
to date. No Django import here, so that ``resources.content_files`` can check the shipped files with it.
"""

import re
# Only builds the link element Python-Markdown asks for: no XML is ever parsed.
import xml.etree.ElementTree as etree  # nosec B405
from dataclasses import dataclass

import markdown as md
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from core.raw_html import HIDING_ELEMENTS, escape_unclosed_tags, unclosed_tags
from core.text import MISPLACED_FICHE_LINK_RE
from resources.glossary_text import GLOSSARY_LINK_RE, LINK_CLASS, autolink

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code",
    "ul", "ol", "li", "dl", "dt", "dd", "strong", "em", "b", "i", "abbr", "sup", "sub",
    "a", "table", "thead", "tbody", "tr", "th", "td", "caption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "th": {"scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}
TABLE_OPEN = '<div class="hub-table-scroll" role="region" aria-label="Tableau" tabindex="0"><table>'

# The help under every Markdown body field of the admin.
BODY_HELP = (
    "Titres avec ##\u00a0; lien vers une fiche\u00a0: [[identifiant-de-la-fiche]] (son titre) ou "
    "[[identifiant-de-la-fiche|texte du lien]]\u00a0; vers un terme du glossaire\u00a0: [[glossaire:identifiant]] "
    "ou [[glossaire:identifiant|texte]] (la première occurrence de chaque terme est liée d’elle-même)\u00a0; "
    "le HTML brut est filtré."
)

# [[slug]] or [[slug|texte]] on one line. Brackets, backticks and backslashes are refused inside, and so are
# \x02 and \x03 (Python-Markdown's placeholders for escaped characters and code spans): a link never spans code.
FICHE_LINK_RE = re.compile(r"\[\[(?!glossaire:)([^\[\]|`\\\n\x02\x03]+)(?:\|([^\[\]|`\\\n\x02\x03]+))?\]\]")
# Runs after code spans (190) and backslash escapes (180), before Markdown's own links (170 and 160).
FICHE_LINK_PRIORITY = 175
# [[glossaire:slug]] (resources.glossary_text): just before the fiche links, which never read « glossaire: ».
GLOSSARY_LINK_PRIORITY = 176


@dataclass(frozen=True)
class FicheLink:
    """What ``[[slug]]`` renders as: the fiche's title, and its address, or None to show the text unlinked."""

    title: str
    url: str | None = None


class _FicheLinkProcessor(InlineProcessor):
    def __init__(self, links, seen):
        super().__init__(FICHE_LINK_RE.pattern)
        self.links, self.seen = links, seen

    def handleMatch(self, m, data):
        slug, label = m.group(1), (m.group(2) or "").strip()
        self.seen.append(slug)
        link = self.links.get(slug)
        # A string is stashed as plain text (escaped when written out) and read by no later pattern.
        text = label or (link.title if link else slug)
        if link is None or not link.url:
            return text, m.start(0), m.end(0)
        element = etree.Element("a", {"href": link.url})
        element.text = md.util.AtomicString(text)  # the title is text, never Markdown
        return element, m.start(0), m.end(0)


class _GlossaryLinkProcessor(InlineProcessor):
    """``[[glossaire:slug]]``: a link to the term (its name, or the text after the bar); an unknown slug is text."""

    def __init__(self, glossary, seen):
        super().__init__(GLOSSARY_LINK_RE.pattern)
        self.glossary, self.seen = glossary, seen

    def handleMatch(self, m, data):
        slug, label = m.group(1), (m.group(2) or "").strip()
        self.seen.append(slug)
        entry = self.glossary.links.get(slug) if self.glossary is not None else None
        text = label or (entry.term if entry else slug)
        if entry is None:
            return text, m.start(0), m.end(0)
        element = etree.Element("a", {"href": entry.url, "class": LINK_CLASS})
        element.text = md.util.AtomicString(text)
        return element, m.start(0), m.end(0)


class _FicheLinkExtension(Extension):
    def __init__(self, links, seen, glossary=None, glossary_seen=None):
        super().__init__()
        self.links, self.seen = links, seen
        self.glossary, self.glossary_seen = glossary, [] if glossary_seen is None else glossary_seen

    def extendMarkdown(self, markdown):
        processor = _FicheLinkProcessor(self.links, self.seen)
        markdown.inlinePatterns.register(processor, "fiche_link", FICHE_LINK_PRIORITY)
        glossary = _GlossaryLinkProcessor(self.glossary, self.glossary_seen)
        markdown.inlinePatterns.register(glossary, "glossary_link", GLOSSARY_LINK_PRIORITY)


class _NoHidingBlockExtension(Extension):
    """``<style>``, ``<math>``… (core.raw_html) at the start of a line open no raw HTML block: Python-Markdown would
    take the rest of the body, if the tag is never closed, as HTML and format none of it."""

    def extendMarkdown(self, markdown):
        markdown.block_level_elements = [name for name in markdown.block_level_elements if name not in HIDING_ELEMENTS]


LIST_ITEM_RE = re.compile(r"^ {0,3}(?:[-*+]|[0-9]{1,9}[.)])[ \t]+\S")
FENCE_RE = re.compile(r"^ {0,3}(?:```|~~~)")


def lists_open_anywhere(text):
    """``text`` with a blank line put before a list that follows a line of text directly (« Points à voir :⏎- a⏎- b »),
    which Markdown would read as the end of the paragraph, and after a list followed directly by text at the
    margin, which Markdown would add to the last item. Lines inside a fenced code block are left as they are."""
    lines, fenced, in_list = [], False, False
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if FENCE_RE.match(line):
            fenced = not fenced
        elif not fenced and not line.strip():
            in_list = False
        elif not fenced and LIST_ITEM_RE.match(line):
            if not in_list and lines and lines[-1].strip():
                lines.append("")
            in_list = True
        elif not fenced and in_list and not line[0].isspace():
            lines.append("")  # text back at the margin ends the list (Markdown would add it to the last item)
            in_list = False
        lines.append(line)
    return "\n".join(lines)


def _to_html(text, fiche_links, seen, glossary=None, glossary_seen=None, line_breaks=False):
    """Markdown's HTML, the author's raw HTML included, before sanitising."""
    links = _FicheLinkExtension(fiche_links, seen, glossary, glossary_seen)
    extensions = ["extra", "sane_lists", _NoHidingBlockExtension(), links]
    if line_breaks:
        extensions.append("nl2br")
        text = lists_open_anywhere(text)
    return md.markdown(text or "", extensions=extensions, output_format="html")


def render_markdown(text, *, fiche_links=None, seen=None, glossary=None, glossary_seen=None, line_breaks=False):
    """Return safe HTML: no script, no event handler, no ``javascript:`` link, no raw ``h1``, and no raw HTML left
    open that would hide the rest (``Avant <style> après`` shows « <style> après »: core.raw_html).

    ``fiche_links`` maps a slug to its ``FicheLink``; a slug it lacks renders as plain text (the link text, or
    the slug), never as a link that leads nowhere. ``seen``, a list, receives every slug linked outside code,
    in order (what ``fiche_link_slugs`` reads).

    ``glossary`` (resources.glossary_text.Glossary) resolves the ``[[glossaire:slug]]`` links and links the first
    occurrence of each of its terms (``glossary_seen``, a list, receives the slugs linked explicitly).

    ``line_breaks`` is for text typed in a plain box by someone who does not know Markdown (a comment): each line
    break is kept, and a list may start right under a line of text (lists_open_anywhere).
    """
    seen = [] if seen is None else seen
    glossary_seen = [] if glossary_seen is None else glossary_seen
    html = escape_unclosed_tags(_to_html(text, fiche_links or {}, seen, glossary, glossary_seen, line_breaks))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={"a": {LINK_CLASS}},  # the glossary's links; any other class is dropped
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    clean = autolink(clean, glossary, already_linked=glossary_seen)
    # Added after cleaning (the author cannot write these attributes): a wide table scrolls inside its own box,
    # which the keyboard can reach and which shows a shadow on the side that has more (base.css).
    return clean.replace("<table>", TABLE_OPEN).replace("</table>", "</table></div>")


# A [[…]] inside another link (core.text.MISPLACED_FICHE_LINK_RE): the author is told to write [[slug|texte]].
MISPLACED_FICHE_LINK_MESSAGE = (
    "Un lien vers une fiche s’écrit seul, hors d’un autre lien : [[identifiant-de-la-fiche]] ou "
    "[[identifiant-de-la-fiche|texte du lien]] (et non « [texte]([[identifiant]]) »)."
)


def unclosed_html_message(names):
    """The French error for raw HTML elements opened and never closed (``names`` without brackets), or ""."""
    if not names:
        return ""
    tags = ", ".join(f"<{name}>" for name in names)
    ends = ", ".join(f"</{name}>" for name in names)
    if len(names) == 1:
        return (
            f"Balise HTML ouverte et jamais fermée\u00a0: {tags}. Elle masquerait tout ce qui la suit\u00a0: "
            f"fermez-la ({ends}), supprimez-la, ou écrivez-la entre accents graves (`{tags}`) pour l’afficher "
            "telle quelle."
        )
    return (
        f"Balises HTML ouvertes et jamais fermées\u00a0: {tags}. Elles masqueraient tout ce qui les suit\u00a0: "
        f"fermez-les ({ends}), supprimez-les, ou écrivez-les entre accents graves (`<{names[0]}>`) pour les "
        "afficher telles quelles."
    )


def unclosed_html_names(text):
    """The raw HTML elements (core.raw_html) that ``text`` opens outside code and never closes, sorted."""
    if "<" not in (text or ""):
        return []
    return sorted({name for _start, name in unclosed_tags(_to_html(text, {}, []))})


def unclosed_html_error(text):
    """The French error for a body that opens raw HTML it never closes, or "" (what the admin shows on the field)."""
    return unclosed_html_message(unclosed_html_names(text))


def misplaced_fiche_link(text):
    """True when ``text`` writes a [[…]] inside another link (see MISPLACED_FICHE_LINK_RE)."""
    return bool(MISPLACED_FICHE_LINK_RE.search(text or ""))


def fiche_link_slugs(text):
    """The slugs that ``text`` links with ``[[…]]``, outside code (no Markdown is parsed without a ``[[``)."""
    if "[[" not in (text or ""):
        return set()
    seen = []
    render_markdown(text, seen=seen)
    return set(seen)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def markdown_escape(text):
    """``text`` as Markdown that renders as this very text (for a title written back into a body)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;"))


def glossary_link_slugs(text):
    """The glossary slugs that ``text`` links with ``[[glossaire:…]]``, outside code."""
    if "[[glossaire:" not in (text or ""):
        return set()
    seen = []
    render_markdown(text, glossary_seen=seen)
    return set(seen)


def fiche_link_matches(text):
    """The ``[[…]]`` of ``text`` that Markdown reads as links (not those in code), as ``re.Match`` objects.

    Each candidate is replaced by a numbered one of the same shape (brackets and bar kept, so code spans and
    tables split the same way), the text is parsed, and the numbers the link pattern saw are those kept.
    """
    candidates = list(FICHE_LINK_RE.finditer(text or ""))
    if not candidates:
        return []
    numbered, last = [], 0
    for index, match in enumerate(candidates):
        numbered.append(text[last:match.start()])
        numbered.append(f"[[{index}|x]]" if match.group(2) is not None else f"[[{index}]]")
        last = match.end()
    numbered.append(text[last:])
    seen = []
    render_markdown("".join(numbered), seen=seen)
    return [candidates[int(number)] for number in dict.fromkeys(seen)]
