"""Rendered, sanitised Markdown (resources.markdown) back to plain text, for a place that shows no HTML: the
DESCRIPTION of an .ics file.

One paragraph is one line, whatever hard line breaks the Markdown source had; paragraphs are apart by an empty line;
a list item is a line of its own (« - » or « 1. »); a link keeps its address after its text. The trap: a loose list
wraps each item in a <p>, which must not start a paragraph of its own.
"""

from html.parser import HTMLParser

BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "dl", "dt", "dd", "hr"}
BREAK = "\x01"  # a <br> or a line of a <pre>, kept through the collapse of blanks


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []  # (is_item, text)
        self.pieces, self.is_item, self.prefix = [], False, ""
        self.lists = []  # per open list: None (bullets) or the number of the last item
        self.links = []  # per open link: (href, where its text starts in self.pieces)
        self.pre = 0

    def _end_line(self):
        text = " ".join("".join(self.pieces).split())
        text = text.replace(f" {BREAK} ", "\n").replace(f"{BREAK} ", "\n").replace(f" {BREAK}", "\n")
        text = text.replace(BREAK, "\n").strip()
        if text:
            self.lines.append((self.is_item, f"{self.prefix}{text}"))
        self.pieces, self.is_item, self.prefix = [], False, ""

    def handle_starttag(self, tag, attrs):
        if tag in {"ul", "ol"}:
            self._end_line()
            self.lists.append(0 if tag == "ol" else None)
        elif tag == "li":
            self._end_line()
            number = self.lists[-1] if self.lists else None
            if number is not None:
                self.lists[-1] = number = number + 1
            marker = "-" if number is None else f"{number}."
            self.is_item, self.prefix = True, f"{'  ' * max(len(self.lists) - 1, 0)}{marker} "
        elif tag in BLOCKS and not (tag == "p" and self.is_item):
            self._end_line()
            if tag == "pre":
                self.pre += 1
        elif tag == "br":
            self.pieces.append(BREAK)
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.pieces)))
        elif tag in {"td", "th"} and self.pieces:
            self.pieces.append(" ")

    def handle_endtag(self, tag):
        if tag in {"ul", "ol"}:
            self._end_line()
            if self.lists:
                self.lists.pop()
        elif tag == "li" or (tag in BLOCKS and not (tag == "p" and self.is_item)):
            self._end_line()
            if tag == "pre":
                self.pre = max(self.pre - 1, 0)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            shown = "".join(self.pieces[start:]).strip()
            if href and href not in (shown, f"mailto:{shown}"):
                self.pieces.append(f" ({href})")

    def handle_data(self, data):
        self.pieces.append(data.replace("\n", f" {BREAK} ") if self.pre else data)

    def text(self):
        self._end_line()
        out = []
        for index, (is_item, line) in enumerate(self.lines):
            if index:
                out.append("\n" if is_item and self.lines[index - 1][0] else "\n\n")
            out.append(line)
        return "".join(out)


def html_to_text(html):
    """« <p>Deux\\nlignes</p><ul><li>un</li><li>deux</li></ul> » -> « Deux lignes\\n\\n- un\\n- deux »."""
    reader = _Reader()
    reader.feed(html or "")
    reader.close()
    return reader.text()
