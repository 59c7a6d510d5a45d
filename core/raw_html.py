"""Raw HTML that would hide the rest of a text: an element opened and never closed whose content a browser does not
show as the page's text, or that the sanitiser drops whole.

Written in a Markdown body, ``Avant <style> après`` makes the rest of the body the content of a ``<style>`` that
never ends, which nh3 then removes: the text silently disappears. The elements:

- raw text (``script``, ``style``) and the legacy ones the parser reads the same way (``xmp``, ``iframe``,
  ``noembed``, ``noframes``, ``noscript``, ``plaintext``, which nothing closes): everything up to their end tag is
  one string, tags included;
- escapable raw text (``textarea``, ``title``): the same, entities aside;
- inert content (``template``) and the elements of SVG and MathML (``math``, ``svg``, ``mi``, ``g``, ``text``…),
  which the sanitiser keeps nowhere: it drops them with all they hold, up to their end tag or their parent's.

Pure Python, no dependency: ``resources.content_files`` checks the shipped files with it before anything is
installed.
"""

import re

RAW_TEXT_ELEMENTS = (
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext",
)
# The SVG and MathML names nh3 (ammonia) drops with their content outside their own namespace, which the hub never
# allows: an author's « <text> » or « <mi> » took the rest of its paragraph with it.
SVG_ELEMENTS = (
    "svg", "animate", "circle", "defs", "desc", "discard", "ellipse", "filter", "g", "line", "marker", "mask",
    "metadata", "mpath", "path", "pattern", "polygon", "polyline", "rect", "set", "stop", "switch", "symbol", "text",
    "tspan", "use", "view",
)
MATHML_ELEMENTS = (
    "math", "annotation", "annotation-xml", "maction", "maligngroup", "malignmark", "menclose", "merror", "mfenced",
    "mfrac", "mglyph", "mi", "mlabeledtr", "mlongdiv", "mmultiscripts", "mn", "mo", "mover", "mpadded", "mphantom",
    "mprescripts", "mroot", "mrow", "ms", "mscarries", "mscarry", "msgroup", "msline", "mspace", "msqrt", "msrow",
    "mstack", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none",
    "semantics",
)
CONTAINER_ELEMENTS = ("template", *SVG_ELEMENTS, *MATHML_ELEMENTS)
HIDING_ELEMENTS = RAW_TEXT_ELEMENTS + CONTAINER_ELEMENTS

# A start or end tag of one of them (the name must end there: « <stylesheet> » is not one), or a whole comment,
# whose content is no tag.
_TAG_RE = re.compile(r"<!--.*?-->|<(/?)(" + "|".join(HIDING_ELEMENTS) + r")(?=[\s/>])", re.IGNORECASE | re.DOTALL)
_END_TAG_RES = {name: re.compile(rf"</{name}(?=[\s/>])", re.IGNORECASE) for name in RAW_TEXT_ELEMENTS}


def unclosed_tags(html):
    """(position of its « < », lower-case name) of every start tag of ``html`` that opens one of these elements and
    never closes it, in order.

    Read as a browser's parser reads them: a raw text element ends at the first end tag of its name (what lies
    between holds no tag), ``plaintext`` never ends, and the others nest. Text already escaped (``&lt;style>``, as
    Markdown writes code) holds no tag.
    """
    found, open_containers, position = [], [], 0
    while match := _TAG_RE.search(html or "", position):
        position = match.end()
        closing, name = match.group(1), (match.group(2) or "").lower()
        if not name or (closing and name in RAW_TEXT_ELEMENTS):  # a comment; an end tag nothing opened
            continue
        if name in RAW_TEXT_ELEMENTS:
            end = None if name == "plaintext" else _END_TAG_RES[name].search(html, position)
            if end is None:
                found.append((match.start(), name))
            else:
                position = end.end()
        elif closing:
            for index in range(len(open_containers) - 1, -1, -1):
                if open_containers[index][1] == name:
                    del open_containers[index]
                    break
        else:
            open_containers.append((match.start(), name))
    return sorted(found + open_containers)


def escape_unclosed_tags(html):
    """``html`` with the « < » of every unclosed start tag written ``&lt;``: the tag shows as text, and what follows
    it stays the page's text."""
    for start, _name in reversed(unclosed_tags(html)):
        html = f"{html[:start]}&lt;{html[start + 1:]}"
    return html
