import pytest

from resources.markdown import render_markdown
from tests.factories import make_fiche


def test_headings_lists_emphasis_and_tables_survive():
    html = render_markdown("## Titre\n\n- **un**\n- *deux*\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<h2>Titre</h2>" in html
    assert "<strong>un</strong>" in html and "<em>deux</em>" in html
    assert "<table>" in html and "<td>1</td>" in html


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[clic](javascript:alert(1))", "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "avascript"),
        ('<p onclick="alert(1)">x</p>', "onclick"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
    ],
)
def test_markdown_cannot_inject_script(source, forbidden):
    assert forbidden not in render_markdown(source).lower()


def test_a_raw_h1_is_dropped_so_the_page_keeps_one_h1():
    assert "<h1" not in render_markdown("<h1>Deux titres</h1>\n\n# Encore un")


def test_links_get_a_safe_rel():
    html = render_markdown("[Le RAMEAU](https://www.lerameau.fr/)")
    assert 'href="https://www.lerameau.fr/"' in html
    assert 'rel="noopener noreferrer"' in html


@pytest.mark.django_db
def test_body_is_rendered_once_when_the_fiche_is_saved():
    fiche = make_fiche(body="Texte <script>x()</script> **gras**")
    assert "<strong>gras</strong>" in fiche.body_html
    assert "<script" not in fiche.body_html
    fiche.body = "Nouveau *texte*"
    fiche.save()
    fiche.refresh_from_db()
    assert fiche.body_html.strip() == "<p>Nouveau <em>texte</em></p>"


def test_a_table_scrolls_in_its_own_box_that_the_keyboard_reaches():
    html = render_markdown("| Ressource | 2023 | 2024 |\n|---|---|---|\n| Subventions | 40 000 € | 35 000 € |\n")
    assert html.startswith('<div class="hub-table-scroll" role="region" aria-label="Tableau" tabindex="0"><table>')
    assert html.rstrip().endswith("</table></div>")


def test_an_author_cannot_forge_the_scroll_box_attributes():
    html = render_markdown('<div class="x" role="region" tabindex="0" onfocus="alert(1)">texte</div>')
    assert "tabindex" not in html and "onfocus" not in html and "role=" not in html


def test_a_table_written_in_an_attribute_does_not_open_a_scroll_box():
    html = render_markdown('[lien](https://exemple.fr/ "<table>") et `<table>`')
    assert "hub-table-scroll" not in html
