"""The fields a browser would submit from each <form> of a page: a test fills a real form (an admin change page,
a page of a running server) without knowing its widgets."""

from html.parser import HTMLParser


class FormParser(HTMLParser):
    """Every <form> of a page with the fields a browser would submit (submit buttons left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._textarea, self._select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"attrs": a, "fields": []}
            self.forms.append(self._form)
        elif self._form is None or (tag in {"input", "textarea", "select"} and not a.get("name")):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._form["fields"].append((a["name"], a.get("value") or "on"))
                return
            self._form["fields"].append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = (a["name"], [])
        elif tag == "select":
            self._select = {"name": a["name"], "multiple": "multiple" in a, "first": None, "selected": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            value = "".join(parts)
            # Browsers drop the newline right after <textarea>, which Django's widget writes.
            self._form["fields"].append((name, value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select = self._select
            values = select["selected"] or ([] if select["multiple"] or select["first"] is None else [select["first"]])
            self._form["fields"].extend((select["name"], value) for value in values)
            self._select = None
        elif tag == "form":
            self._form = None


def forms_in(html):
    """[{"attrs": {...}, "fields": [(name, value), ...]}, ...], in the page's order."""
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms
