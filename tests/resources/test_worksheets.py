"""The worksheets: the list, the printable sheet, its DOCX and ODS files read back with the libraries that wrote
them, the « Feuille de travail » box of a step and of a fiche."""

import io
import zipfile

import pytest
from docx import Document
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf import teletype

from resources.models import Worksheet
from resources.worksheet_files import read_blocks
from tests.factories import make_fiche, make_parcours, make_step, make_worksheet

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


def _ods_tables(content):
    """{sheet name: [[cell text, …], …]} of a spreadsheet."""
    document = load_ods(io.BytesIO(content))
    tables = {}
    for table in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            rows.append([teletype.extractText(cell) for cell in row.getElementsByType(TableCell)])
        tables[table.getAttribute("name")] = rows
    return tables


# Pages ------------------------------------------------------------------------------------------------------------


def test_the_list_shows_every_sheet_with_its_steps_in_a_fixed_number_of_queries(visitor, django_assert_max_num_queries):
    parcours = make_parcours(title="Trajectoire")
    for index in range(4):
        make_worksheet(title=f"Feuille {index}", steps=[make_step(parcours, title=f"Étape {index}")])
    with django_assert_max_num_queries(3):
        response = visitor.get("/feuilles-de-travail/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="hub-card hub-sheet-card"') == 4
    assert "Étape 3" in html and "<h1>Feuilles de travail</h1>" in html


def test_a_sheet_page_says_what_it_is_for_when_to_use_it_and_offers_both_files(visitor, django_assert_max_num_queries):
    parcours = make_parcours(title="Trajectoire")
    step = make_step(parcours, title="Faire l’état des lieux", slug="etat-des-lieux")
    sheet = make_worksheet(slug="etat", title="État des lieux", steps=[step], fiches=[make_fiche(title="Équilibrer")])
    with django_assert_max_num_queries(4):
        response = visitor.get("/feuilles-de-travail/etat/")
    html = response.content.decode()
    assert "<h1>État des lieux</h1>" in html and sheet.summary in html
    assert f'href="/parcours/{parcours.slug}/etat-des-lieux/"' in html
    assert 'href="/feuilles-de-travail/etat.docx"' in html and 'href="/feuilles-de-travail/etat.ods"' in html
    assert "Équilibrer" in html
    assert "<td></td>" in html  # the cells to fill in


def test_a_sheet_page_links_its_print_stylesheet_and_its_script_and_hides_the_print_button_without_it(visitor):
    make_worksheet(slug="etat")
    html = visitor.get("/feuilles-de-travail/etat/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/worksheet-print.css" media="print">' in html
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    assert '<script src="/static/js/worksheet.js" defer></script>' in html
    assert 'data-hub-print hidden>Imprimer la feuille</button>' in html
    assert "<script>" not in html and 'style="' not in html


def test_the_printed_sheet_ends_with_its_title_and_its_address(visitor):
    make_worksheet(slug="etat", title="État des lieux")
    html = visitor.get("/feuilles-de-travail/etat/").content.decode()
    assert ("«&nbsp;État des lieux&nbsp;» · feuille de travail du hub, http://testserver/feuilles-de-travail/etat/</p>"
            in html)


def test_a_sheet_without_a_table_offers_no_spreadsheet(visitor):
    make_worksheet(slug="note", body="## Une note\n\nÀ écrire.")
    html = visitor.get("/feuilles-de-travail/note/").content.decode()
    assert ".ods" not in html and 'href="/feuilles-de-travail/note.docx"' in html
    assert visitor.get("/feuilles-de-travail/note.ods").status_code == 404


@pytest.mark.parametrize("path", [
    "/feuilles-de-travail/inconnue/", "/feuilles-de-travail/inconnue.docx", "/feuilles-de-travail/inconnue.ods",
])
def test_an_unknown_sheet_is_a_404(visitor, path):
    assert visitor.get(path).status_code == 404


def test_the_list_says_so_when_there_is_no_sheet(visitor):
    assert "Aucune feuille de travail" in visitor.get("/feuilles-de-travail/").content.decode()


def test_the_footer_and_the_site_map_link_the_list(visitor):
    make_worksheet(title="État des lieux")
    html = visitor.get("/plan-du-site/").content.decode()
    assert html.count('href="/feuilles-de-travail/"') == 2  # the footer and the map
    assert "État des lieux" in html
    assert "/feuilles-de-travail/" in visitor.get("/sitemap.xml").content.decode()


# Downloads ----------------------------------------------------------------------------------------------------------


def test_the_docx_opens_back_with_its_title_headings_list_and_table_of_empty_rows(visitor):
    make_worksheet(slug="etat", title="État des lieux")
    response = visitor.get("/feuilles-de-travail/etat.docx")
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Feuille%20de%20travail%20-%20%C3%89tat%20des%20lieux.docx"
    )
    document = Document(io.BytesIO(response.content))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == [("Title", "État des lieux"), ("Heading 1", "Avant de commencer"), ("Heading 1", "Le tableau")]
    assert [p.text for p in document.paragraphs if p.style.name == "List Bullet"] == ["Les comptes", "Le budget"]
    bold = [run.text for p in document.paragraphs for run in p.runs if run.bold]
    assert "l’équipe" in bold
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["Levier", "Ce qui est solide", "Ce qui est fragile"],
        ["Richesses humaines", "", ""], ["", "", ""], ["", "", ""],
    ]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.footer.paragraphs[0].text.endswith("/feuilles-de-travail/etat/")


def test_the_ods_opens_back_with_one_sheet_per_table_named_after_its_heading(visitor):
    make_worksheet(slug="etat")
    response = visitor.get("/feuilles-de-travail/etat.ods")
    assert response["Content-Type"] == ODS
    assert response["Content-Disposition"].endswith(".ods")
    assert zipfile.ZipFile(io.BytesIO(response.content)).read("mimetype") == ODS.encode()
    assert _ods_tables(response.content) == {
        "Le tableau": [
            ["Levier", "Ce qui est solide", "Ce qui est fragile"],
            ["Richesses humaines", "", ""], ["", "", ""], ["", "", ""],
        ],
    }


def test_a_file_is_built_once_per_content_version_and_again_after_an_edit(visitor, django_assert_max_num_queries):
    sheet = make_worksheet(slug="etat", title="Avant")
    visitor.get("/feuilles-de-travail/etat.docx")
    with django_assert_max_num_queries(0):
        visitor.get("/feuilles-de-travail/etat.docx")
    sheet.title = "Après"
    sheet.save()
    document = Document(io.BytesIO(visitor.get("/feuilles-de-travail/etat.docx").content))
    assert document.paragraphs[0].text == "Après"


def test_the_reader_keeps_nested_lists_links_text_and_cells_with_inline_markup():
    blocks = read_blocks(
        "<h2>Titre</h2><p>Un <a href='https://example.org'>lien</a> et <em>ceci</em>.</p>"
        "<ol><li>Un<ul><li>Sous-point</li></ul></li></ol>"
        "<table><thead><tr><th>A</th><th><strong>B</strong></th></tr></thead><tbody><tr><td>x &amp; y</td><td></td></tr>"
        "</tbody></table>"
    )
    assert [(b.kind, b.text) for b in blocks if b.kind != "table"] == [
        ("heading", "Titre"), ("paragraph", "Un lien et ceci."), ("item", "Un"), ("item", "Sous-point"),
    ]
    assert [b.level for b in blocks if b.kind == "item"] == [0, 1]
    table = blocks[-1]
    assert table.header == ["A", "B"] and table.rows == [["x & y", ""]]


# Where the sheets are offered ---------------------------------------------------------------------------------------


def test_a_step_shows_its_worksheet_box(visitor):
    parcours = make_parcours(slug="trajectoire")
    step = make_step(parcours, slug="etat-des-lieux")
    make_worksheet(slug="etat", title="État des lieux", steps=[step])
    html = visitor.get("/parcours/trajectoire/etat-des-lieux/").content.decode()
    assert '<h2 id="feuille-de-travail">Feuille de travail</h2>' in html
    assert 'href="/feuilles-de-travail/etat/">État des lieux</a>' in html
    assert "(DOCX, ODS)" in html


def test_a_step_without_worksheet_has_no_box(visitor):
    parcours = make_parcours(slug="trajectoire")
    make_step(parcours, slug="etat-des-lieux")
    assert "feuille-de-travail" not in visitor.get("/parcours/trajectoire/etat-des-lieux/").content.decode()


def test_a_fiche_lists_the_sheets_that_use_it(visitor):
    fiche = make_fiche(slug="equilibrer")
    make_worksheet(slug="etat", title="État des lieux", fiches=[fiche])
    html = visitor.get("/fiches/equilibrer/").content.decode()
    assert '<h2 id="feuilles">Feuilles de travail</h2>' in html and 'href="/feuilles-de-travail/etat/"' in html


# Shipped sheets -----------------------------------------------------------------------------------------------------

SHIPPED = {
    "etat-des-lieux-en-trois-colonnes": "trajectoire-socio-economique/faire-l-etat-des-lieux-de-son-modele/",
    "guide-d-entretien-premier-kilometre": "trajectoire-socio-economique/partir-du-premier-kilometre/",
    "note-au-conseil-d-administration": "trajectoire-socio-economique/debattre-en-gouvernance-et-planifier/",
    "trame-de-convention-de-partenariat": "trajectoire-socio-economique/choisir-sa-trajectoire/",
    "tableau-de-bord-des-indicateurs": "trajectoire-socio-economique/piloter-evaluer-et-ajuster/",
    "photographie-de-son-modele": "qualifier-son-modele/les-trois-leviers/",
}


def test_the_shipped_sheets_load_and_each_is_offered_on_its_step(shipped_content, visitor):
    assert set(Worksheet.objects.values_list("slug", flat=True)) == set(SHIPPED)
    for slug, step in SHIPPED.items():
        assert visitor.get(f"/feuilles-de-travail/{slug}/").status_code == 200
        assert f'href="/feuilles-de-travail/{slug}/"' in visitor.get(f"/parcours/{step}").content.decode()


@pytest.mark.parametrize("slug", sorted(SHIPPED))
def test_every_shipped_sheet_has_tables_and_both_files_open_back(shipped_content, visitor, slug):
    sheet = Worksheet.objects.get(slug=slug)
    assert sheet.has_table
    document = Document(io.BytesIO(visitor.get(f"/feuilles-de-travail/{slug}.docx").content))
    assert document.paragraphs[0].text == sheet.title
    assert len(document.tables) == sum(block.kind == "table" for block in read_blocks(sheet.body_html))
    tables = _ods_tables(visitor.get(f"/feuilles-de-travail/{slug}.ods").content)
    assert len(tables) == len(document.tables)
    for rows in tables.values():
        assert rows[0] and all(len(row) == len(rows[0]) for row in rows)


# Admin --------------------------------------------------------------------------------------------------------------


def test_staff_edit_a_sheet_with_the_steps_that_use_it(staff_client):
    parcours = make_parcours(title="Trajectoire")
    kept, added = make_step(parcours, title="Étape gardée"), make_step(parcours, title="Étape ajoutée")
    sheet = make_worksheet(slug="etat", steps=[kept])
    page = staff_client.get(f"/admin/resources/worksheet/{sheet.pk}/change/").content.decode()
    assert "Trajectoire – Étape ajoutée" in page
    response = staff_client.post(f"/admin/resources/worksheet/{sheet.pk}/change/", {
        "title": "État des lieux", "slug": "etat", "summary": "Pour faire le point.", "minutes": "30", "order": "1",
        "body": "## Tableau\n\n| A | B |\n| --- | --- |\n| | |\n", "steps": [str(added.pk)],
    })
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert list(sheet.steps.all()) == [added] and sheet.has_table and "<table>" in sheet.body_html
