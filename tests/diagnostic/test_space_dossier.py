"""The « dossier de gouvernance » of a space, read as a board member would before a meeting: the page, its PDF and
the demo space it is shown with."""

import html
import itertools
import re
import shutil
import subprocess  # nosec B404: pdftotext, a fixed local program, reads the PDF the test made
from datetime import date, datetime, timezone as dt_timezone
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pdf import AddressRefused, pdf_available, svg_stylesheet
from diagnostic.computation import ACTIVATION_FIELDS
from diagnostic.models import Answer, Decision, Invitation, Membership, Organisation, SpaceStep
from parcours.models import BoardQuestion, Status
from tests.factories import make_member, make_organisation, make_parcours, make_space

pytestmark = pytest.mark.django_db

# WeasyPrint needs pango: installed with Chromium in CI, so these never skip there; a laptop without it skips them.
needs_weasyprint = pytest.mark.skipif(not pdf_available(), reason="WeasyPrint ne se charge pas (pango absent).")

# 2023: 55 000 + 15 000 + 30 000 = 100 000 € → 55 / 15 / 30 %; 2024: 45 000 + 17 000 + 38 000 → 45 / 17 / 38 %.
# Every component « organisé » (2) in 2023, « stratégique » (3) in 2024: both plots are drawn.
YEARS = [
    (2023, {"subsidies_local": 55_000, "gifts_foundations": 15_000, "revenue_sales": 30_000,
            **dict.fromkeys(ACTIVATION_FIELDS, 2)}),
    (2024, {"subsidies_local": 45_000, "gifts_foundations": 17_000, "revenue_sales": 38_000,
            **dict.fromkeys(ACTIVATION_FIELDS, 3)}),
]
TARGET = {"subsidies_local": 30_000, "gifts_foundations": 25_000, "revenue_sales": 45_000}


def _text(response):
    """The page as a reader sees it: entities decoded, French thin and no-break spaces as plain spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", html.unescape(response.content.decode()))


def _plain(fragment):
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def _table(text, caption):
    found = re.search(rf"<caption[^>]*>{re.escape(caption)}</caption>(.*?)</table>", text, re.S)
    assert found, caption
    rows = re.findall(r"<tr[^>]*><th scope=\"row\">(.*?)</th>(.*?)</tr>", found.group(1), re.S)
    return {_plain(heading): [_plain(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
            for heading, body in rows}


@pytest.fixture
def method():
    """The 8-step method, its first step with two board questions."""
    parcours = make_parcours(steps=8, slug="trajectoire-socio-economique", title="Concevoir sa trajectoire")
    steps = list(parcours.steps.order_by("order"))
    for order, text in enumerate(["Quelle est notre mission ?", "Où serons-nous dans cinq ans ?"], start=1):
        BoardQuestion.objects.create(step=steps[0], order=order, text=text)
    BoardQuestion.objects.create(step=steps[1], order=1, text="De quel financeur dépendons-nous ?")
    return steps


@pytest.fixture
def space(learner, other_learner, method, django_user_model):
    """Alice's space « Les Jardins du Lien », Bob a reader, Carol a contributor, two years and a target, some work."""
    space = make_space(responsable=learner, members=[(other_learner, "lecteur")], years=YEARS,
                       name="Les Jardins du Lien")
    make_member(django_user_model, "carol", space=space, role="contributeur")
    space.snapshots.create(year=2027, is_target=True, **TARGET)
    question = BoardQuestion.objects.get(text="Quelle est notre mission ?")
    Answer.objects.create(organisation=space, question=question, step=method[0], question_text=question.text,
                          text="Nourrir le quartier en cultivant ensemble.", updated_by_name="Carol Dupont")
    SpaceStep.objects.create(organisation=space, step=method[0], status=Status.DONE)
    SpaceStep.objects.create(organisation=space, step=method[2], status=Status.IN_PROGRESS)
    Decision.objects.create(organisation=space, step=method[0], decided_on=date(2026, 5, 19),
                            text="Valoriser le bénévolat dans l’annexe des comptes.", recorded_by_name="Alice Martin")
    Decision.objects.create(organisation=space, decided_on=date(2026, 2, 1), text="Adopter le projet associatif.",
                            recorded_by_name="Carol Dupont")
    return space


def _dossier(client, space):
    response = client.get(f"/mon-modele/{space.pk}/dossier/")
    assert response.status_code == 200
    return _text(response)


# Who may read it


def test_a_reader_may_print_the_dossier(client, space, other_learner):
    client.force_login(other_learner)
    text = _dossier(client, space)
    assert "<h1>Dossier de gouvernance</h1>" in text
    assert "votre rôle : lecteur·rice" in text


@pytest.mark.parametrize("path", ["dossier/", "dossier.pdf"])
@pytest.mark.parametrize("who", ["outsider", "removed", "invited", "anonymous"])
def test_anyone_outside_the_space_gets_404(client, space, django_user_model, other_learner, who, path):
    if who == "removed":
        Membership.objects.filter(organisation=space, user=other_learner).delete()
        client.force_login(other_learner)
    elif who == "invited":
        Membership.objects.filter(organisation=space, user=other_learner).delete()
        Invitation.objects.create(organisation=space, email=other_learner.email, role="lecteur", nonce="x" * 32,
                                  expires_at=datetime(2100, 1, 1, tzinfo=dt_timezone.utc))
        client.force_login(other_learner)
    elif who == "outsider":
        client.force_login(make_member(django_user_model, "dave"))
    assert client.get(f"/mon-modele/{space.pk}/{path}").status_code == 404


def test_a_forged_id_gets_404(learner_client):
    assert learner_client.get("/mon-modele/987654/dossier/").status_code == 404
    assert learner_client.get("/mon-modele/987654/dossier.pdf").status_code == 404


def test_a_personal_diagnostic_has_no_dossier_its_owner_prints_the_report(learner_client, learner):
    personal = make_organisation(user=learner, years=[2024])
    assert learner_client.get(f"/mon-modele/{personal.pk}/dossier/").status_code == 404
    assert learner_client.get(f"/mon-modele/{personal.pk}/rapport/").status_code == 200


# What it shows


def test_the_cover_says_who_prepared_it_and_when_in_paris_time(learner_client, space, monkeypatch):
    monkeypatch.setattr("diagnostic.dossier.timezone.now", lambda: datetime(2026, 2, 28, 23, 30, tzinfo=dt_timezone.utc))
    text = _dossier(learner_client, space)
    assert "Préparé le <time datetime=\"2026-03-01T00:30:00+01:00\">1er mars 2026 à 0 h 30</time> par " \
           "alice" in text
    assert "2 années de chiffres (2023–2024), cible 2027" in text
    assert "Démarche : 1 étape sur 8 terminée ou non concernée" in text
    assert "2 décisions notées" in text


def test_the_members_are_listed_with_their_roles_responsables_first(learner_client, space):
    members = _table(_dossier(learner_client, space), "Membres de l’espace et leur rôle")
    assert [(name, cells[0]) for name, cells in members.items()] == [
        ("alice", "Responsable"), ("carol", "Contributeur·rice"), ("bob", "Lecteur·rice"),
    ]


def test_the_figures_are_those_of_the_diagnostic_page(learner_client, space):
    dossier = _dossier(learner_client, space)
    page = _text(learner_client.get(f"/mon-modele/{space.pk}/"))
    for caption in ["Activation des leviers, par année", "Hybridation des ressources, par année",
                    "Ressources 2024 par catégorie", "Contributions volontaires valorisées, par année"]:
        assert _table(dossier, caption) == _table(page, caption), caption
    hybridation = _table(dossier, "Hybridation des ressources, par année")
    assert hybridation["2023"][0].startswith("55 %")
    assert hybridation["Cible 2027"][0].startswith("30 %")
    assert hybridation["2024"][-1] == "100 000 €"
    # Both plots, drawn as on the page, with the target.
    plots = re.compile(r'class="hub-ternary__svg[" ]')
    assert len(plots.findall(dossier)) == len(plots.findall(page)) >= 2
    assert '<title id="activation-titre">' in dossier and '<title id="hybridation-titre">' in dossier
    assert "Activation des leviers, par année" in dossier
    assert _table(dossier, "Activation des leviers, par année")["2024"][0].startswith("100 %")
    assert "Votre trajectoire, d’une année à l’autre" in dossier
    assert "De 2024 à votre cible 2027" in dossier


def test_the_steps_show_their_state_questions_and_agreed_answers(learner_client, space, method):
    text = _dossier(learner_client, space)
    states = _table(text, "État des étapes")
    assert [cells[0] for cells in states.values()] == [
        "Terminée", "À faire", "En cours", "À faire", "À faire", "À faire", "À faire", "À faire"]
    assert [cells[1] for cells in states.values()][:2] == ["1 / 2", "0 / 1"]
    assert list(states)[0] == f"1. {method[0].title}"
    step_one = text.split('id="etape-1"')[1].split('id="etape-2"')[0]
    assert "<dt>Quelle est notre mission ?</dt>" in step_one
    assert "Nourrir le quartier en cultivant ensemble." in step_one
    assert "mise à jour par Carol Dupont" in step_one
    assert re.search(r"Où serons-nous dans cinq ans \?</dt>\s*<dd><p class=\"hub-dossier__none\">Pas encore de réponse",
                     step_one)
    assert "Aucune question à débattre n’est prévue pour cette étape." in text.split('id="etape-3"')[1]


def test_an_answer_keeps_its_question_when_staff_removed_it(learner_client, space):
    BoardQuestion.objects.filter(text="Quelle est notre mission ?").delete()
    step_one = _dossier(learner_client, space).split('id="etape-1"')[1].split('id="etape-2"')[0]
    assert "<dt>Quelle est notre mission ?</dt>" in step_one
    assert "Nourrir le quartier en cultivant ensemble." in step_one


def test_the_decisions_are_listed_oldest_first_with_their_step_and_who_noted_them(learner_client, space, method):
    decisions = _table(_dossier(learner_client, space), "Décisions du groupe")
    assert decisions == {
        "1er février 2026": ["Adopter le projet associatif.", "–", "Carol Dupont"],
        "19 mai 2026": ["Valoriser le bénévolat dans l’annexe des comptes.", f"1. {method[0].title}", "Alice Martin"],
    }


def test_a_typed_answer_is_text_never_markup(learner_client, space):
    Answer.objects.filter(organisation=space).update(text='<img src="https://example.org/x.png"> et **gras**')
    page = learner_client.get(f"/mon-modele/{space.pk}/dossier/").content.decode()
    assert "&lt;img src=&quot;https://example.org/x.png&quot;&gt; et **gras**" in page
    assert "<img" not in page


def test_nothing_of_another_space_appears(learner_client, space, method, django_user_model):
    other = make_space(responsable=make_member(django_user_model, "erin"), name="La Forge Voisine",
                       years=[(2024, {"subsidies_state": 77_777})])
    question = BoardQuestion.objects.get(text="Où serons-nous dans cinq ans ?")
    Answer.objects.create(organisation=other, question=question, step=method[0], question_text=question.text,
                          text="Réponse de la forge.", updated_by_name="Erin")
    Decision.objects.create(organisation=other, decided_on=date(2026, 1, 5), text="Décision de la forge.",
                            recorded_by_name="Erin")
    SpaceStep.objects.create(organisation=other, step=method[1], status=Status.DONE)
    text = _dossier(learner_client, space)
    for foreign in ["La Forge Voisine", "Réponse de la forge.", "Décision de la forge.", "erin@example.org",
                    "77 777", "Erin"]:
        assert foreign not in text
    assert [cells[0] for cells in _table(text, "État des étapes").values()][1] == "À faire"


def test_an_empty_space_says_what_is_missing(learner_client, learner, method):
    empty = make_space(responsable=learner, name="Espace tout neuf")
    text = _dossier(learner_client, empty)
    assert "Aucun chiffre n’a encore été saisi dans cet espace." in text
    assert "Aucune décision n’a encore été notée." in text
    assert "Pour aller plus loin" not in text


# On a phone and on paper


class _Layout(HTMLParser):
    """The tables (caption, and whether a scrolling box holds them) and the headings (level, text) of a page."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.open, self.tables, self.headings, self.text = [], [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.VOID:
            return
        scroll = "hub-table-scroll" in (attrs.get("class") or "").split()
        if scroll:
            assert attrs.get("role") == "region" and attrs.get("tabindex") == "0"
            assert attrs.get("aria-label") or attrs.get("aria-labelledby")
        self.open.append((tag, scroll))
        if tag == "table":
            self.tables.append([None, any(boxed for _, boxed in self.open)])
        if tag in {"caption", "h1", "h2", "h3", "h4", "h5", "h6"}:
            self.text = []

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.open and self.open.pop()[0] != tag:
            pass
        if self.text is not None and tag in {"caption", "h1", "h2", "h3", "h4", "h5", "h6"}:
            text = " ".join("".join(self.text).split())
            if tag == "caption":
                self.tables[-1][0] = text
            else:
                self.headings.append((int(tag[1]), text))
            self.text = None


def _layout(client, url):
    layout = _Layout()
    layout.feed(_text(client.get(url)).split('<main id="contenu"')[1].split("</main>")[0])
    return layout


@pytest.mark.parametrize("path", ["dossier/", ""])
def test_no_table_of_the_dossier_or_the_diagnostic_page_makes_a_phone_scroll_sideways(learner_client, space, path):
    tables = _layout(learner_client, f"/mon-modele/{space.pk}/{path}").tables
    assert [caption for caption, boxed in tables if not boxed] == []
    captions = {caption for caption, _ in tables}
    assert "Réponses au questionnaire 2024" in captions
    if path:
        assert {"Membres de l’espace et leur rôle", "État des étapes", "Décisions du groupe"} <= captions


def test_the_parts_of_the_diagnostic_are_h3_under_it_in_the_dossier_and_h2_on_its_page(learner_client, space):
    dossier = _layout(learner_client, f"/mon-modele/{space.pk}/dossier/").headings
    levels = [level for level, _ in dossier]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(after <= before + 1 for before, after in itertools.pairwise(levels)), dossier
    start = dossier.index((2, "Le diagnostic"))
    parts = dossier[start + 1:dossier.index((2, "La démarche en 8 étapes"))]
    assert [text.split(" ")[0] for _, text in parts] == ["Le", "L’hybridation", "Vos", "Contributions", "Votre", "D’où"]
    assert {level for level, _ in parts} == {3}
    page = _layout(learner_client, f"/mon-modele/{space.pk}/").headings
    assert (2, "L’hybridation de vos ressources") in page and (2, "D’où viennent ces chiffres") in page


def test_the_members_sentence_counts_them(learner_client, space):
    assert "L’espace partagé « Les Jardins du Lien » réunit 3 membres." in _dossier(learner_client, space)


# Queries


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_query_count_does_not_grow_with_decisions_answers_members_and_years(learner_client, space, method,
                                                                              django_user_model):
    url = f"/mon-modele/{space.pk}/dossier/"
    _queries(learner_client, url)
    few = _queries(learner_client, url)
    for index, step in enumerate(method):
        question = BoardQuestion.objects.create(step=step, order=10, text=f"Question {index} ?")
        Answer.objects.create(organisation=space, question=question, step=step, question_text=question.text,
                              text=f"Réponse {index}.", updated_by_name="Alice")
        Decision.objects.create(organisation=space, step=step, decided_on=date(2026, 3, index + 1),
                                text=f"Décision {index}.", recorded_by_name="Alice")
        SpaceStep.objects.update_or_create(organisation=space, step=step, defaults={"status": Status.DONE})
        make_member(django_user_model, f"membre{index}", space=space, role="lecteur")
    space.snapshots.create(year=2025, subsidies_local=1000)
    assert _queries(learner_client, url) == few


def test_the_page_query_count_is_pinned(learner_client, space, django_assert_max_num_queries):
    url = f"/mon-modele/{space.pk}/dossier/"
    learner_client.get(url)
    with django_assert_max_num_queries(20):
        assert learner_client.get(url).status_code == 200


# The PDF


def test_without_weasyprint_the_pdf_link_is_hidden_and_the_pdf_address_leads_back(learner_client, space,
                                                                                 monkeypatch):
    monkeypatch.setattr("diagnostic.views.dossier.pdf_available", lambda: False)
    assert "Télécharger en PDF" not in _dossier(learner_client, space)
    response = learner_client.get(f"/mon-modele/{space.pk}/dossier.pdf", follow=True)
    assert response.redirect_chain == [(f"/mon-modele/{space.pk}/dossier/", 302)]
    assert "Le PDF n’est pas disponible sur ce serveur" in _text(response)


def _pdf_text(content, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext absent")
    path = tmp_path / "dossier.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)  # nosec B603 B607
    return re.sub(r"[\u00a0\u202f]", " ", result.stdout.decode())


@needs_weasyprint
def test_the_pdf_is_a_private_attachment_with_the_dossier(learner_client, space, tmp_path):
    assert "Télécharger en PDF" in _dossier(learner_client, space)
    response = learner_client.get(f"/mon-modele/{space.pk}/dossier.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(r'attachment; filename="dossier-de-gouvernance-les-jardins-du-lien-\d{4}-\d{2}-\d{2}\.pdf"',
                        response["Content-Disposition"])
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content, tmp_path)
    assert "Les Jardins du Lien" in text
    assert "Nourrir le quartier en cultivant ensemble." in text
    assert "Adopter le projet associatif." in text


@needs_weasyprint
def test_the_fetcher_reads_only_data_and_our_static_files():
    from core.pdf import fetcher_class

    fetcher = fetcher_class()("http://testserver")
    assert b".hub-dossier__cover" in fetcher.fetch("http://testserver/static/css/dossier-print.css").read()
    assert fetcher.fetch("data:text/plain;base64,b2s=").read() == b"ok"
    for refused in ["https://example.org/image.png", "http://testserver.example.org/static/css/base.css",
                    "http://169.254.169.254/latest/meta-data/", "http://testserver/mon-modele/",
                    "http://testserver/static/../hub/settings.py", "file:///etc/passwd",
                    "http://testserver/static/css/nothing-here.css"]:
        with pytest.raises(AddressRefused):
            fetcher.fetch(refused)


def test_the_charts_of_the_pdf_carry_the_page_colours_without_custom_properties():
    css = svg_stylesheet(("css/diagnostic.css",), (".hub-ternary__", ".hub-stacks__", ".hub-bars__"))
    assert ".hub-stacks__segment--public { fill: #1f5a85 }" in css
    assert "var(" not in css
    assert "width: 100%" not in css  # the drawing's own size stays the page's business
    assert "paint-order" not in css  # WeasyPrint would draw the halo over the letters
    # …and neither may a variant of a haloed text: white letters stroked in blue came out hollow and thin.
    assert ".hub-stacks__value--public { fill: #ffffff }" in css
    assert ".hub-stacks__value { font-size: 15px; font-weight: 700; fill: #1e1e1e }" in css
    assert ".hub-stacks__svg { font-family: system-ui," in css and "sans-serif }" in css


# The demo space


def test_the_demo_command_builds_a_space_again_and_again(shipped_content, learner):
    out = StringIO()
    call_command("seed_space_demo", "ALICE@example.org", stdout=out)
    call_command("seed_space_demo", "alice@example.org", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 2
    assert lines[1].endswith("3 membres, 3 années et une cible, 8 étapes, 7 réponses, 3 décisions, 3 commentaires.")
    space = Organisation.objects.get(is_space=True, memberships__user=learner)
    assert space.memberships.count() == 3
    assert space.snapshots.count() == 4
    assert space.decisions.count() == 3
    assert space.space_steps.count() == 5


def test_the_demo_command_refuses_an_unknown_address(db):
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("seed_space_demo", "nobody@example.org", stdout=StringIO())


@needs_weasyprint
def test_the_demo_space_prints_on_ten_to_fourteen_sheets(shipped_content, learner, learner_client, tmp_path):
    call_command("seed_space_demo", "alice@example.org", stdout=StringIO())
    space = Organisation.objects.get(is_space=True, memberships__user=learner)
    response = learner_client.get(f"/mon-modele/{space.pk}/dossier.pdf")
    assert response.status_code == 200
    text = _pdf_text(response.content, tmp_path)
    assert "Les Jardins du Val Fleuri (espace de démonstration)" in text
    assert "Pas encore de réponse" in text
    assert 10 <= text.count("\f") <= 14  # pdftotext ends each page with a form feed; 12 in 2026
