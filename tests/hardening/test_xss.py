"""A corpus of XSS payloads sent through every place where a person or the editorial team writes text.

Each payload is stored (or sent) and every page that shows it is fetched; the HTML is parsed (html.parser)
and must hold no script of its own making, no event-handler attribute, no ``javascript:``/``data:`` address, no
iframe/object/embed/style/img…, and the payload never appears verbatim when it carries markup. Downloads (notes,
CSV) must not be HTML at all. ``next`` parameters must never redirect off the site.
"""

import re
from html.parser import HTMLParser
from datetime import timedelta
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from diagnostic.models import Organisation, ValuationRates
from parcours import services
from accounts.models import Profile
from parcours.models import Status, StepProgress
from resources import models as m
from tests.factories import (
    make_component,
    make_fiche,
    make_lever,
    make_organisation,
    make_parcours,
    make_step,
    make_vocabulary,
)
from tests.signup import confirmation_link, request_sign_up, sign_up

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "</title></svg><svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    "<style>*{background:url(javascript:alert(1))}</style>",
    '<a href="javascript:alert(1)">clic</a>',
    '<a href="JaVaScRiPt:alert(1)">clic</a>',
    '<a href="jav&#x09;ascript:alert(1)">clic</a>',
    '<a href="&#106;avascript:alert(1)">clic</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">clic</a>',
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "[clic](javascript:alert(1))",
    "[clic](JAVASCRIPT:alert(1))",
    "[clic](data:text/html,<script>alert(1)</script>)",
    "[clic][r]\n\n[r]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    '[clic](https://ok.example){: onclick="alert(1)" }',
    "## Titre {: onmouseover=alert(1) }",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '" onmouseover="alert(1)" x="',
    "' onmouseover='alert(1)' x='",
    "` onmouseover=alert(1) x=`",
    "zq{{7*7}}zq${7*7}<%= 7*7 %>#{7*7}",
    "{% debug %}{{ request.user.password }}",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "＜script＞alert(1)＜/script＞",
    "<<script>>alert(1)<</script>>",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "\u202e<script>alert(1)</script>",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]
IDS = [f"p{index:02d}" for index in range(len(PAYLOADS))]
# One payload of every kind: one in five (the corpus is grouped by kind), plus each way out of an attribute or a
# textarea and the bare address, which one in five misses. A page that prints a text only through Django's
# autoescaping treats every payload of a kind alike, so it gets this sample; a page that transforms the text
# first (Markdown, search excerpts and highlighting, truncation into the meta description, the SVG titles) gets
# the whole corpus. Every page of every test still sees every kind of payload.
SAMPLED = sorted({*range(0, len(PAYLOADS), 5), 3, 4, 6, 37, 38, 39, 51})
SAMPLE = {PAYLOADS[index] for index in SAMPLED}
# The whole corpus runs on PostgreSQL, the production database, and the sample on SQLite (the embedded default): a
# text is transformed (Markdown, truncation, SVG titles) by the same code on both. The search, whose excerpts and
# highlighting differ (SearchHeadline on PostgreSQL, our own on SQLite), gets the whole corpus on both.
# For CI's fifteen minutes on two cores, PostgreSQL takes every other payload besides the sample (each kind is in
# the sample): about two payloads in three; the fiche texts, which Markdown transforms, keep them all there.
ON_POSTGRESQL = connection.vendor == "postgresql"
CORPUS_INDEXES = sorted({*SAMPLED, *range(0, len(PAYLOADS), 2)}) if ON_POSTGRESQL else SAMPLED
CORPUS = [PAYLOADS[index] for index in CORPUS_INDEXES]
CORPUS_IDS = [IDS[index] for index in CORPUS_INDEXES]
# A person's own texts: every payload for someone with an account; a visitor's pages are the same templates
# reached through the session, so the sample checks that path without crossing the whole corpus twice.
PERSON_CASES = [(payload, "learner") for payload in CORPUS] + [(PAYLOADS[i], "visitor") for i in SAMPLED]
PERSON_IDS = [f"learner-{i}" for i in CORPUS_IDS] + [f"visitor-{IDS[i]}" for i in SAMPLED]
# Extra values for the ``next`` parameters: leaving the site in every way browsers allow.
REDIRECTS = [
    "//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
    " javascript:alert(1)", "\x01javascript:alert(1)", "java\nscript:alert(1)", "/\r\nSet-Cookie: x=1",
    "http:evil.example", "https:/evil.example", "///evil.example", "/%2F/evil.example",
]
MARKER = "Zorglub"  # a word the search finds, proving that the page really shows the stored text
STRONG = "Un-mot-de-passe-solide-2025"


# The inspection -------------------------------------------------------------------------------------------------

FORBIDDEN_TAGS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "img", "image", "video", "audio", "source",
    "style", "math", "marquee", "isindex", "xss", "portal",
}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "background", "cite", "srcset", "ping", "codebase",
    "dynsrc", "lowsrc", "xlink:href", "longdesc", "manifest", "usemap",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:")
MARKUP = re.compile(r"<[A-Za-z!/?]")


def _normalised_url(value):
    """As a browser reads the scheme: control characters and spaces dropped, case folded."""
    return "".join(char for char in value if ord(char) > 0x20 and char != "\x7f").lower()


class Inspector(HTMLParser):
    """Everything in a page that could run a script not written by the site."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        if tag == "script":
            self.in_script = True

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append(f"inline script: {data[:80]!r}")

    def _check(self, tag, attrs):
        values = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag} {values}>")
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.problems.append(f"<script {values}>")
        if tag == "meta" and "http-equiv" in values:
            self.problems.append(f"<meta {values}>")
        if tag == "link" and not (values.get("href") or "").startswith("/static/") and not _site_feed(values):
            self.problems.append(f"<link {values}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if (name in URL_ATTRIBUTES or name.endswith(":href")) and _normalised_url(value).startswith(BAD_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "srcdoc" or (name == "style" and re.search(r"expression\(|javascript:|url\(", value, re.I)):
                self.problems.append(f"<{tag} {name}={value!r}>")


def _site_feed(values):
    """<link rel="alternate" type="application/atom+xml" href="/…">: a feed of this site, fetched by no browser."""
    href = values.get("href") or ""
    return (values.get("rel") == "alternate" and values.get("type") == "application/atom+xml"
            and href.startswith("/") and not href.startswith("//") and "\\" not in href)


def problems_in(html, payload=None):
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    problems = list(inspector.problems)
    if payload is not None:
        for variant in {payload, payload.strip(), " ".join(payload.split())}:
            if MARKUP.search(variant) and variant in html:
                problems.append(f"payload reflected verbatim: {variant!r}")
        if "{{7*7}}" in payload and "zq49zq" in html:
            problems.append("template expression evaluated")
    return problems


def assert_safe(response, payload, where, shows=None):
    """An HTML page: nothing executable came from ``payload``; ``shows`` (a marker) proves the text is there."""
    assert response["Content-Type"].startswith("text/html"), where
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy, where
    html = response.content.decode()
    problems = problems_in(html, payload)
    assert problems == [], f"{where}: {problems}"
    if shows is not None:
        assert shows in html, f"{where}: the stored text is not on the page, the check proves nothing"


def assert_download(response, types, where):
    """A file, never HTML: the browser saves it, and would not sniff it into a page."""
    assert response.status_code == 200, where
    assert response["Content-Type"].split(";")[0] in types, where
    assert response["Content-Disposition"].startswith("attachment"), where
    assert response["X-Content-Type-Options"] == "nosniff", where


# Harmless when served raw (Markdown syntax, encoded forms, comments, a tag named « scr<script » for a browser too):
# they matter once rendered, once naively filtered, or inside an attribute.
INERT_AS_TEXT = re.compile(r"^(\[|!\[|#|&|%|\\u|＜|`|'|\"|zq|\{%|javascript:|<!--|<!\[CDATA|<scr<)")


def test_the_corpus_is_large_enough_and_the_inspector_sees_each_payload_served_raw():
    assert len(PAYLOADS) >= 30
    for payload in PAYLOADS:
        if INERT_AS_TEXT.match(payload) or not MARKUP.search(payload) or payload.startswith("data:"):
            continue
        assert problems_in(f"<html><body><p>{payload}</p></body></html>"), payload
    for payload in PAYLOADS:
        if payload.startswith('"'):
            assert problems_in(f'<input value="{payload}">'), payload
        if payload.startswith("'"):
            assert problems_in(f"<input value='{payload}'>"), payload
    assert problems_in('<p><a href="java\tscript:alert(1)">x</a></p>')
    assert problems_in('<p><a href=" JAVASCRIPT:alert(1)">x</a></p>')
    assert not problems_in('<p><a href="/fiches/">x</a><script src="/static/js/catalogue.js" defer></script></p>')
    assert not problems_in('<link rel="alternate" type="application/atom+xml" href="/fiches/flux.atom?q=x">')
    for href in ["//evil.example/flux.atom", "https://evil.example/", "javascript:alert(1)", "/\\evil.example"]:
        assert problems_in(f'<link rel="alternate" type="application/atom+xml" href="{href}">'), href
    assert problems_in('<link rel="stylesheet" href="/fiches/flux.atom">')
    assert not problems_in('<input value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">', '"><script>alert(1)</script>')
    assert not problems_in('<link rel="alternate" type="application/atom+xml" href="/agenda/flux.atom">')
    assert problems_in('<link rel="alternate" type="application/atom+xml" href="//evil.example/flux.atom">')
    assert problems_in('<link rel="stylesheet" href="/agenda/flux.atom">')


# Fiches: title, chapeau, Markdown body, source, tag (editorial team) ----------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS if ON_POSTGRESQL else CORPUS, ids=IDS if ON_POSTGRESQL else CORPUS_IDS)
def test_fiche_texts_are_never_executed(payload, learner, client):
    lever = make_lever(slug="levier-xss")
    region = make_vocabulary(m.Region, slug="region-xss")
    fiche = make_fiche(
        slug="fiche-xss", title=f"{MARKER} {payload}"[:200], chapeau=payload,
        body=f"{MARKER} en tête.\n\n{payload}\n\nEncore {payload} {MARKER.lower()}", levers=[lever],
        sources=[payload[:400]],
    )
    fiche.regions.add(region)
    fiche.tags.add(f"{payload[:90]} tag")
    parcours = make_parcours(slug="parcours-xss")
    step = make_step(parcours, slug="etape-xss")
    step.fiches.add(fiche)
    services.fiche_set_saved(user=learner, fiche=fiche, saved=True)
    visitor = Client()
    tag = quote(fiche.tags.first().slug)
    # The fiche page renders the Markdown body; the two searches cut excerpts and highlight them.
    transforming = [fiche.get_absolute_url(), f"/fiches/?q={MARKER}", f"/recherche/?q={MARKER}"]
    escaping = ["/", "/fiches/", "/leviers/levier-xss/", "/regions/region-xss/", step.get_absolute_url(),
                f"/fiches/?tag={tag}", "/bibliographie/"]
    for url in transforming + (escaping if payload in SAMPLE else []):
        assert_safe(visitor.get(url), payload, url, shows=MARKER)
    if payload not in SAMPLE:
        return
    assert_safe(visitor.get(f"/fiches/?q={MARKER}", HTTP_X_HUB_PARTIAL="1"), payload, "partial", shows=MARKER)
    client.force_login(learner)
    assert_safe(client.get("/mon-espace/"), payload, "/mon-espace/", shows=MARKER)
    saved = client.post(f"/mon-espace/fiches/{fiche.slug}/", {"action": "retirer"}, follow=True)
    assert_safe(saved, payload, "message after removing the fiche", shows="retirée de Mon espace")


# Vocabularies: levers, components, regions (editorial team) ------------------------------------------------------


@pytest.mark.parametrize("payload", CORPUS, ids=CORPUS_IDS)
def test_vocabulary_labels_are_never_executed(payload, learner, client):
    label = f"{MARKER} {payload}"[:200]
    lever = make_lever(slug="levier-xss", label=label, question=payload[:200], description=payload)
    component = make_component(lever, slug="composante-xss", label=label, description=payload)
    region = make_vocabulary(m.Region, slug="region-xss", label=label, description=payload)
    fiche = make_fiche(slug="fiche-xss", levers=[lever])
    fiche.components.add(component)
    fiche.regions.add(region)
    Profile.objects.create(user=learner, region=region)
    visitor = Client()
    # Descriptions truncated into the meta description or the index; the search cuts and highlights.
    transforming = ["/leviers/levier-xss/", "/leviers/levier-xss/composante-xss/", "/regions/", "/regions/region-xss/",
                    f"/recherche/?q={MARKER}"]
    escaping = ["/", "/referentiel/", "/fiches/fiche-xss/", "/fiches/", "/plan-du-site/"]
    for url in transforming + (escaping if payload in SAMPLE else []):
        assert_safe(visitor.get(url), payload, url, shows=MARKER)
    if payload not in SAMPLE:
        return
    client.force_login(learner)
    for url in ["/mon-espace/", "/compte/"]:
        assert_safe(client.get(url), payload, url, shows=MARKER)


# Parcours and steps: title, summary, Markdown body, objective, questions (editorial team) -------------------------


@pytest.mark.parametrize("payload", CORPUS, ids=CORPUS_IDS)
def test_parcours_and_step_texts_are_never_executed(payload, learner, client):
    parcours = make_parcours(slug="parcours-xss", title=f"{MARKER} {payload}"[:200], summary=payload, audience=payload)
    step = make_step(
        parcours, slug="etape-xss", title=f"{MARKER} {payload}"[:200], objective=f"{MARKER} {payload}",
        body=f"{payload}\n\n{MARKER.lower()}", questions=f"{payload}\nDeuxième question ?",
    )
    make_step(parcours, slug="etape-suivante")
    visitor = Client()
    # The step page renders the Markdown body and truncates the objective; the parcours page truncates the
    # summary; the search cuts and highlights.
    transforming = ["/parcours/parcours-xss/", step.get_absolute_url(), f"/recherche/?q={MARKER}"]
    escaping = ["/parcours/", "/plan-du-site/"]
    for url in transforming + (escaping if payload in SAMPLE else []):
        assert_safe(visitor.get(url), payload, url, shows=MARKER)
    if payload not in SAMPLE:
        return
    client.force_login(learner)
    done = client.post(f"{step.get_absolute_url()}statut/", {"statut": Status.DONE}, follow=True)
    assert_safe(done, payload, "message after finishing the step", shows="terminée")
    services.progress_set_status(user=learner, step=parcours.steps.last(), status=Status.DONE)
    for url in ["/mon-espace/", "/parcours/parcours-xss/attestation/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_safe(response, payload, url, shows=MARKER)


# Notes (a person, with an account or in the session) ----------------------------------------------------------------


@pytest.mark.parametrize(("payload", "who"), PERSON_CASES, ids=PERSON_IDS)
def test_notes_are_never_executed(payload, who, learner, client):
    parcours = make_parcours(slug="parcours-xss")
    step = make_step(parcours, slug="etape-xss")
    if who == "learner":
        client.force_login(learner)
    note = f"{MARKER} {payload}"
    saved = client.post(f"{step.get_absolute_url()}notes/", {"note": note}, follow=True)
    assert_safe(saved, payload, "step page after saving", shows=MARKER)
    if who == "learner":
        assert StepProgress.objects.get(user=learner, step=step).note == note.strip()
    assert_safe(client.get("/mon-espace/"), payload, "/mon-espace/", shows=MARKER)
    for extension, content_type in [("md", "text/markdown"), ("txt", "text/plain")]:
        response = client.get(f"/mon-espace/mes-notes.{extension}")
        assert_download(response, {content_type}, extension)
        assert MARKER in response.content.decode()
    # Too long: the form comes back with the text in it.
    refused = client.post(f"{step.get_absolute_url()}notes/", {"note": f"{payload} " + "x" * 5001})
    assert refused.status_code == 400
    assert_safe(refused, payload, "step page with the refused note")


# Organisation name (« Mon modèle socio-économique ») -----------------------------------------------------------------


@pytest.mark.parametrize(("payload", "who"), PERSON_CASES, ids=PERSON_IDS)
def test_organisation_names_are_never_executed(payload, who, learner, client):
    if who == "learner":
        client.force_login(learner)
    name = f"{MARKER} {payload}"[:200]
    created = client.post("/mon-modele/", {"name": name}, follow=payload in SAMPLE)
    organisation = Organisation.objects.get()
    assert organisation.name == " ".join(name.split())
    base = f"/mon-modele/{organisation.pk}"
    figures = {"year": "2023", "subsidies_state": "1000", "volunteer_hours": "200"}
    assert client.post(f"{base}/annees/ajouter/", figures).status_code == 302
    # The result page puts the name into the titles of its SVG charts (by string concatenation in the template).
    assert_safe(client.get(f"{base}/"), payload, f"{base}/", shows=MARKER)
    if payload not in SAMPLE:
        return
    assert_safe(created, payload, "message after creating the diagnostic", shows=MARKER)
    pages = ["/mon-modele/", f"{base}/rapport/", f"{base}/modifier/", f"{base}/supprimer/",
             f"{base}/annees/ajouter/", f"{base}/annees/{organisation.snapshots.get().pk}/",
             f"{base}/annees/{organisation.snapshots.get().pk}/supprimer/", "/mon-espace/"]
    for url in pages:
        assert_safe(client.get(url), payload, url, shows=MARKER)
    assert_download(client.get(f"{base}/export.csv"), {"text/csv"}, "export.csv")
    refused = client.post(f"{base}/modifier/", {"name": f"{payload} " + "x" * 200})
    assert refused.status_code == 400
    assert_safe(refused, payload, "edit page with the refused name")
    deleted = client.post(f"{base}/supprimer/", follow=True)
    assert_safe(deleted, payload, "message after deleting the diagnostic", shows=MARKER)


def test_the_svg_chart_shows_the_organisation_name_escaped(learner, client):
    payload = "</title></svg><svg/onload=alert(1)><title>"
    organisation = make_organisation(user=learner, name=f"{MARKER} {payload}", years=[2022, 2023])
    client.force_login(learner)
    html = client.get(f"/mon-modele/{organisation.pk}/").content.decode()
    assert "<title id=\"hybridation-titre\">Hybridation des ressources de Zorglub &lt;/title&gt;" in html
    assert problems_in(html, payload) == []


@pytest.mark.parametrize("payload", CORPUS, ids=CORPUS_IDS)
def test_the_valuation_note_of_the_editorial_team_is_never_executed(payload, learner, client):
    rates = ValuationRates.current()
    rates.note = f"{MARKER} {payload}"
    rates.save()
    organisation = make_organisation(user=learner, years=[2023])
    client.force_login(learner)
    for url in [f"/mon-modele/{organisation.pk}/", f"/mon-modele/{organisation.pk}/rapport/"]:
        assert_safe(client.get(url), payload, url, shows=MARKER)


# Display name (printed on the attestation) ----------------------------------------------------------------------


@pytest.mark.parametrize("payload", CORPUS, ids=CORPUS_IDS)
def test_display_names_are_never_executed(payload, learner, client):
    parcours = make_parcours(slug="parcours-xss", steps=2)
    for step in parcours.steps.all():
        services.progress_set_status(user=learner, step=step, status=Status.DONE)
    client.force_login(learner)
    name = f"{MARKER} {payload}"[:150]
    saved = client.post("/compte/", {"display_name": name}, follow=True)
    assert_safe(saved, payload, "account page after saving", shows=MARKER)
    assert Profile.objects.get(user=learner).display_name == name.strip()
    attestation = client.get("/parcours/parcours-xss/attestation/")
    assert attestation.status_code == 200
    assert_safe(attestation, payload, "attestation", shows=MARKER)
    refused = client.post("/compte/", {"display_name": name, "region": "pas-un-identifiant"})
    assert refused.status_code == 400
    assert_safe(refused, payload, "account page with a refused form", shows=MARKER)


@pytest.mark.parametrize("payload", CORPUS, ids=CORPUS_IDS)
def test_display_names_given_at_sign_up_are_never_executed(payload, client):
    name = f"{MARKER} {payload}"[:150]
    fields = {"email": "nouvelle@example.org", "display_name": name, "password1": STRONG, "password2": STRONG}
    assert sign_up(client, fields).status_code == 302
    assert_safe(client.get("/compte/"), payload, "/compte/", shows=MARKER)
    # A refused sign-up gives the form back with the name in it.
    refused = Client().post("/compte/inscription/", {**fields, "password2": "autre"})
    assert refused.status_code == 400
    assert_safe(refused, payload, "refused sign-up", shows=MARKER)


# The search box -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_search_queries_are_never_executed(payload, client):
    make_fiche(slug="fiche-xss", title=f"{MARKER} des bénévoles")
    echoed = f"{MARKER.lower()}zz"
    for url in [
        "/recherche/?" + urlencode({"q": payload}),
        "/recherche/?" + urlencode([("q", payload), ("q", payload)]),
        "/fiches/?" + urlencode({"q": payload}),
        "/fiches/?" + urlencode({name: payload for name in ("q", "famille", "levier", "region", "tag", "tri")}),
        "/fiches/?" + urlencode({"q": f"{payload} {echoed}", "famille": "action", "page": "1"}),
    ]:
        response = client.get(url)
        assert response.status_code in (200, 400), url
        assert_safe(response, payload, url)
        if url.startswith("/fiches/"):
            assert_safe(client.get(url, HTTP_X_HUB_PARTIAL="1"), payload, f"partial {url}")
    # The query echoed in the page and in « Vouliez-vous dire »: a typo next to the payload.
    response = client.get("/recherche/?" + urlencode({"q": f"{payload} {echoed}"}))
    assert_safe(response, payload, "search with a suggestion", shows=echoed)
    assert "Vouliez-vous dire" in response.content.decode()


def test_the_suggestion_link_carries_the_query_url_encoded(client):
    make_fiche(slug="fiche-xss", title=f"{MARKER} des bénévoles")
    html = client.get("/recherche/?" + urlencode({"q": 'zorglubb "><svg onload=alert(1)>'})).content.decode()
    assert "Vouliez-vous dire" in html
    assert problems_in(html) == []


# ``next`` parameters -----------------------------------------------------------------------------------------------


def _stays_on_site(location):
    """A redirect a browser follows to this site only."""
    cleaned = "".join(char for char in location if char not in "\t\r\n").strip().replace("\\", "/")
    parts = urlsplit(cleaned)
    return parts.scheme in ("", "http", "https") and parts.netloc in ("", "testserver") and not (
        parts.scheme == "" and cleaned.startswith("//")
    ) and not (parts.scheme and not parts.netloc)


NEXT_VALUES = PAYLOADS + REDIRECTS
NEXT_IDS = IDS + [f"r{index:02d}" for index in range(len(REDIRECTS))]


@pytest.mark.parametrize("payload", NEXT_VALUES, ids=NEXT_IDS)
def test_next_is_escaped_on_the_log_in_and_sign_up_pages(payload, learner):
    query = "?" + urlencode({"next": payload})
    visitor = Client()
    for url in ["/compte/connexion/", "/compte/inscription/", "/admin/login/"]:
        response = visitor.get(url + query)
        assert response.status_code == 200, url
        assert_safe(response, payload, url)
    fields = {"username": "alice@example.org", "password": "faux", "next": payload}
    refused = visitor.post("/compte/connexion/" + query, fields)
    assert refused.status_code == 400
    assert_safe(refused, payload, "refused log-in")


@pytest.mark.parametrize("payload", NEXT_VALUES, ids=NEXT_IDS)
def test_log_in_never_redirects_off_the_site(payload, learner):
    fields = {"username": "alice@example.org", "password": "pw-alice-123", "next": payload}
    response = Client().post("/compte/connexion/", fields)
    assert response.status_code == 302 and _stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("payload", NEXT_VALUES, ids=NEXT_IDS)
def test_sign_up_never_redirects_off_the_site(payload):
    """The ``next`` of the form travels in the e-mailed link, to the page that activates the account."""
    client = Client()
    fields = {"email": "nouvelle@example.org", "password1": STRONG, "password2": STRONG, "next": payload}
    path = confirmation_link(request_sign_up(client, fields))[1]
    assert_safe(client.get(path), payload, "the activation page")
    response = client.post(path)
    assert response.status_code == 302 and _stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("payload", NEXT_VALUES, ids=NEXT_IDS)
def test_saving_a_fiche_never_redirects_off_the_site(payload):
    make_fiche(slug="fiche-xss")
    response = Client().post("/mon-espace/fiches/fiche-xss/", {"next": payload})
    assert response.status_code == 302 and _stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("url, fields", [
    ("/compte/inscription/", {"email": "nouvelle@example.org", "password1": STRONG, "password2": STRONG}),
    ("/mon-espace/fiches/fiche-xss/", {"action": "sauvegarder"}),
])
@pytest.mark.parametrize("target", ["mon-espace", "x", "admin:index"])
def test_a_next_without_slash_or_dot_falls_back_instead_of_failing(url, fields, target):
    """Bug found here: core.redirects.safe_next_url accepts « mon-espace » (a relative address on this site), then
    django.shortcuts.redirect() reads a string without « / » or « . » as a URL pattern name: NoReverseMatch, 500.
    A sign-up redirects with its ``next`` once the e-mailed link activates the account."""
    make_fiche(slug="fiche-xss")
    client = Client()
    if url == "/compte/inscription/":
        response = sign_up(client, {**fields, "next": target})
    else:
        response = client.post(url, {**fields, "next": target})
    assert response.status_code == 302


def test_the_redirect_check_itself():
    assert _stays_on_site("/mon-espace/") and _stays_on_site("http://testserver/x")
    for location in ["//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "https:/x"]:
        assert not _stays_on_site(location), location


# The address itself (echoed by the 404 page?) -------------------------------------------------------------------------


@pytest.mark.parametrize("payload", CORPUS, ids=CORPUS_IDS)
def test_addresses_are_never_reflected_unescaped(payload, client):
    quoted = quote(payload, safe="")
    for url in [f"/{quoted}/", f"/fiches/{quoted}/", f"/parcours/x/{quoted}/"]:
        response = client.get(url)
        assert response.status_code in (301, 404), url
        if response.status_code == 404:
            assert_safe(response, payload, url)


# Addresses typed by the editorial team: the admin forms validate them -----------------------------------------------


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "java\tscript:alert(1)", "//evil.example/<script>",
])
def test_addresses_of_sources_and_vocabularies_refuse_script_schemes(url):
    fiche = make_fiche()
    with pytest.raises(ValidationError):
        m.FicheSource(fiche=fiche, label="Source", url=url, kind="inference").full_clean()
    with pytest.raises(ValidationError):
        m.Reference(slug="reference-url", title="Référence", url=url).full_clean()
    with pytest.raises(ValidationError):
        m.Region(slug="region-url", label="Région", source_url=url).full_clean()
    parcours = make_parcours()
    parcours.source_url = url
    with pytest.raises(ValidationError):
        parcours.full_clean()


# The agenda: events (editorial team) and registrations (anyone) ---------------------------------------------------------


@pytest.mark.parametrize("payload", CORPUS, ids=CORPUS_IDS)
def test_event_texts_are_never_executed(payload):
    import xml.etree.ElementTree as ElementTree  # nosec B405: parses the site's own feed

    from rendezvous.registration_links import registration_token
    from tests.factories import make_event, make_registration

    lever = make_lever(slug="levier-xss")
    texts = {"title": f"{MARKER} {payload}"[:200], "speakers": f"{MARKER}\n{payload}", "place": payload[:300],
             "description": f"{MARKER} en tête.\n\n{payload}\n\nEncore {payload}"}
    event = make_event(slug="rendez-vous-xss", format="sur_place", online_url="", levers=[lever], capacity=1, **texts)
    past = make_event(slug="rendez-vous-passe-xss", resources=f"{MARKER}\n\n{payload}", replay_url="https://example.org/r",
                      starts_at=event.starts_at - timedelta(days=60), **{**texts, "place": "Rennes"})
    registration = make_registration(event, name=f"{MARKER} {payload}"[:150], organisation=payload[:200])
    visitor = Client()
    # The event pages render Markdown (the description; the resources once past).
    transforming = ["/agenda/rendez-vous-xss/", "/agenda/rendez-vous-passe-xss/"]
    escaping = ["/agenda/", "/agenda/passes/", "/", "/agenda/rendez-vous-xss/inscription-envoyee/",
                f"/agenda/mon-inscription/{registration_token(registration)}/",
                f"/agenda/mon-inscription/{registration_token(registration)}/annuler/"]
    for url in transforming + (escaping if payload in SAMPLE else []):
        assert_safe(visitor.get(url), payload, url, shows=MARKER)
    feed = visitor.get("/agenda/flux.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    entries = ElementTree.fromstring(feed.content).findall("{http://www.w3.org/2005/Atom}entry")  # nosec B314
    assert {entry.find("{http://www.w3.org/2005/Atom}title").text for entry in entries} == {texts["title"]}
    for summary in (entry.find("{http://www.w3.org/2005/Atom}summary").text for entry in entries):
        assert problems_in(summary) == [], summary  # what a feed reader would show, as HTML
    assert_download(visitor.get("/agenda/rendez-vous-xss.ics"), {"text/calendar"}, "ics")
    assert past.resources_html and "<script" not in past.resources_html


@pytest.mark.parametrize("payload", [PAYLOADS[index] for index in SAMPLED], ids=[IDS[index] for index in SAMPLED])
def test_names_typed_in_the_registration_form_are_never_executed(payload):
    """The form gives back what was typed when it refuses it; the person's page shows their name."""
    import re as regex

    from django.core import mail

    from tests.factories import make_event

    make_event(slug="rendez-vous-xss")
    fields = {"name": f"{MARKER} {payload}"[:150], "email": "camille@example.org", "organisation": payload[:200],
              "consent": "on"}
    client = Client()
    answer = client.post("/agenda/rendez-vous-xss/", fields)
    if answer.status_code == 400:  # a line break is refused (header injection): the form comes back
        assert_safe(answer, payload, "refused registration", shows=MARKER)
        return
    assert answer.status_code == 302
    link = regex.search(r"/agenda/mon-inscription/[^/\s]+/", mail.outbox[-1].body).group(0)
    assert_safe(client.get(link), payload, "registration page", shows=MARKER)
    refused = client.post("/agenda/rendez-vous-xss/", {**fields, "consent": ""})
    assert refused.status_code == 400
    assert_safe(refused, payload, "registration without consent", shows=MARKER)
# « La lettre »: an issue's title and introduction (editorial team), the fiches and events it gathers, the address
# typed in its form ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", CORPUS, ids=CORPUS_IDS)
def test_letter_texts_are_never_executed(payload, monkeypatch):
    from django.core import mail

    from rendezvous import letter as letter_module
    from tests.rendezvous.letter_helpers import html_of, make_letter, make_subscriber, send_due

    make_fiche(title=f"{MARKER} {payload}"[:200], chapeau=payload)
    events = [{"title": f"{MARKER} {payload}", "url": payload, "starts_at": None, "replay_url": payload}]
    monkeypatch.setattr(letter_module, "_event_sections", lambda start, end: (events, events))
    make_letter(number=1, title=f"{MARKER} {payload}"[:200], intro=f"{MARKER} en tête.\n\n{payload}")
    make_subscriber()
    send_due()
    visitor = Client()
    # The introduction is Markdown (every payload); the rest is printed through autoescaping (the sample).
    assert_safe(visitor.get("/lettre/1/"), payload, "/lettre/1/", shows=MARKER)
    [message] = mail.outbox
    assert problems_in(html_of(message), payload) == [], "the letter's HTML e-mail"
    if payload not in SAMPLE:
        return
    assert_safe(visitor.get("/lettre/"), payload, "/lettre/", shows=MARKER)
    response = visitor.post("/lettre/abonnement/", {"email": payload, "consent": "on"})
    assert response.status_code == 400
    assert_safe(response, payload, "the subscription form sent back")


# Alerts: the followed search is shown back on the pages and in the e-mails (rendezvous.alerts) --------------------


# The search is only escaped there (no Markdown, no excerpt): the sample of every kind of payload.
@pytest.mark.parametrize("payload", [PAYLOADS[index] for index in SAMPLED], ids=[IDS[index] for index in SAMPLED])
def test_a_followed_search_is_never_executed_on_the_pages_and_in_the_emails(payload, client):
    from django.core import mail

    words = f"{MARKER} {payload}"[:200]
    followed = "/fiches/?" + urlencode({"q": words, "famille": "action"})
    page = client.get("/alertes/nouvelle/?" + urlencode({"suivre": followed}))
    if page.status_code == 400:  # words the search cannot read (only exclusions, signs): refused, escaped
        assert_safe(page, payload, "refused alert")
        return
    assert_safe(page, payload, "alert form", shows=MARKER)
    fields = {"suivre": followed, "email": "camille@example.org", "frequency": "daily", "consent": "on"}
    refused = client.post("/alertes/nouvelle/", {**fields, "consent": ""})
    assert refused.status_code == 400
    assert_safe(refused, payload, "refused alert form", shows=MARKER)
    assert client.post("/alertes/nouvelle/", fields).status_code == 302
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert problems_in(html, payload) == [] and MARKER in html
    confirm = re.search(r"http://testserver(/alertes/confirmer/[^/\s\"]+/)", message.body).group(1)
    assert_safe(client.get(confirm), payload, "confirmation page", shows=MARKER)
    managed = client.post(confirm, follow=True)
    assert_safe(managed, payload, "management page", shows=MARKER)
    stopped = client.post(managed.redirect_chain[-1][0], {"action": "arreter"}, follow=True)
    assert_safe(stopped, payload, "message after stopping the alert", shows="Alerte arrêtée")


# Readers' corrections (anyone) and reviewers' remarks, shown to the editorial team ----------------------------------


def test_corrections_and_review_notes_are_never_executed_on_the_form_or_in_the_admin(staff, staff_client):
    """The whole corpus in one correction (the change page shows it all), one correction per payload for the list
    (its excerpts), and the public form that gives back what it refuses: a few pages, every payload."""
    fiche = make_fiche(slug="fiche-xss-correction")
    everything = "\n".join(CORPUS)
    whole = m.Correction.objects.create(fiche=fiche, message=f"{MARKER}\n{everything}", proposed_text=everything)
    m.Correction.objects.bulk_create(m.Correction(fiche=fiche, message=payload) for payload in CORPUS)
    m.ReviewNote.objects.create(fiche=fiche, author=staff, text=f"{MARKER}\n{everything}")
    refused = Client().post("/fiches/fiche-xss-correction/corriger/",
                            {"message": f"{MARKER}\n{everything}"[:3000], "proposed_text": everything,
                             "email": "<svg onload=alert(1)>"})
    assert refused.status_code == 400
    pages = {"form": refused, "list": staff_client.get("/admin/resources/correction/"),
             "change": staff_client.get(f"/admin/resources/correction/{whole.pk}/change/"),
             "notes": staff_client.get("/admin/resources/reviewnote/")}
    policy = refused.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    for where, response in pages.items():
        html = response.content.decode()
        # The page is parsed once (what it would run), then searched for each payload given back verbatim.
        assert [problem for problem in problems_in(html) if not _admin_own(problem)] == [], where
        for payload in CORPUS:
            assert not _reflected(html, payload), (where, payload)
    assert MARKER in pages["change"].content.decode() and MARKER in refused.content.decode()


def _reflected(html, payload):
    return any(MARKUP.search(variant) and variant in html
               for variant in {payload, payload.strip(), " ".join(payload.split())}) or (
        "{{7*7}}" in payload and "zq49zq" in html)


def _admin_own(problem):
    """What Django's admin writes itself: its translations script and the icons of its static folder."""
    return problem == "<script {'src': '/admin/jsi18n/'}>" or problem.startswith("<img {'src': '/static/admin/img/")
