"""Import and export of content as CSV and XLSX in the admin (resources.import_export, README « Import et export »)."""

import csv
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from resources import models as m
from resources.import_export import FORMATS, RESOURCES, FicheResource, PlainDiff, SpreadsheetCSV
from tests.factories import make_component, make_fiche, make_lever, make_reference, make_vocabulary

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"


@pytest.fixture
def catalogue():
    lever = make_lever(slug="financement", label="Financement")
    component = make_component(lever=lever, slug="mecenat", label="Mécénat", examples="Un don\nUn legs")
    region = make_vocabulary(m.Region, slug="bretagne", label="Bretagne")
    first = make_fiche(slug="premiere", title="Première fiche", levers=[lever], body="Voir [[seconde]].",
                       last_reviewed="2026-01-15")
    second = make_fiche(slug="seconde", title="Seconde fiche", status=m.Fiche.Status.DRAFT, published_at=None,
                        chapeau="Un chapeau\nsur deux lignes ; avec « guillemets », et des virgules.")
    first.components.set([component])
    first.regions.set([region])
    first.related.set([second])
    first.tags.set(["mécénat", "Alliances"])
    term = m.GlossaryTerm.objects.create(slug="mecenat", term="mécénat", variants="mécène\nmécènes",
                                         definition="Un **don** d’une entreprise.", provenance="confirmed")
    term.references.set([make_reference(slug="rameau-2019")])
    term.related_fiches.set([first])
    return {"lever": lever, "component": component, "first": first, "second": second, "term": term}


def snapshot(model):
    """Every stored column of every row (derived ones included): what an import must leave as it was."""
    return sorted(model.objects.order_by("pk").values(), key=lambda row: row["id"])


def export_csv(client, url):
    response = client.post(url, {"format": CSV_FORMAT})
    assert response.status_code == 200, response.content[:500]
    return response.content


def read_csv(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def write_csv(rows):
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode("utf-8")


def dry_run(client, model_path, content, name="contenu.csv", file_format=CSV_FORMAT):
    return client.post(f"/admin/resources/{model_path}/import/", {
        "format": file_format, "import_file": SimpleUploadedFile(name, content)})


def confirm(client, model_path, response):
    form = response.context["confirm_form"]
    return client.post(f"/admin/resources/{model_path}/process_import/", {
        name: form.initial.get(name, "") for name in ("import_file_name", "original_file_name", "format", "resource")})


def test_exported_files_import_back_unchanged_through_the_admin(staff_client, catalogue):
    paths = {m.Fiche: "fiche", m.Component: "component", m.GlossaryTerm: "glossaryterm"}
    files = {model: export_csv(staff_client, f"/admin/resources/{path}/export/") for model, path in paths.items()}
    fiche_csv = files[m.Fiche].decode("utf-8")
    assert fiche_csv.startswith("\ufeffidentifiant d’adresse;famille;titre;")
    assert "financement" in fiche_csv and "Alliances, mécénat" in fiche_csv and "2026-01-15" in fiche_csv
    before = {model: snapshot(model) for model in paths} | {"tags": list(m.Fiche.tags.through.objects.values())}

    for model, path in paths.items():
        response = dry_run(staff_client, path, files[model])
        assert response.status_code == 200
        result = response.context["result"]
        assert not result.has_errors() and not result.has_validation_errors(), path
        assert (result.totals["new"], result.totals["update"]) == (0, 0), path
        assert "Le fichier ne change rien" in response.content.decode()
        assert confirm(staff_client, path, response).status_code == 302

    after = {model: snapshot(model) for model in paths} | {"tags": list(m.Fiche.tags.through.objects.values())}
    assert after == before


def test_dry_run_shows_the_difference_of_a_changed_row_and_writes_nothing_until_confirmed(staff_client, catalogue):
    exported = export_csv(staff_client, "/admin/resources/fiche/export/").decode("utf-8")
    changed = exported.replace("Première fiche", "Première fiche revue").replace("financement", "")
    before = snapshot(m.Fiche)

    response = dry_run(staff_client, "fiche", changed.encode("utf-8"))

    page = response.content.decode()
    assert "<ins> revue</ins>" in page and "<del>financement</del>" in page
    assert " style=" not in page and "<script>" not in page and "onchange" not in page  # the CSP refuses them
    assert "0 ligne nouvelle, 1 modifiée, 1 sans changement (ignorée)" in re.sub(r"\s+", " ", page)
    assert snapshot(m.Fiche) == before

    assert confirm(staff_client, "fiche", response).status_code == 302
    fiche = m.Fiche.objects.get(slug="premiere")
    assert fiche.title == "Première fiche revue" and not fiche.levers.exists()
    assert fiche.search_title == " premiere fiche revue"  # derived by save()
    assert "Première fiche revue" in staff_client.get("/admin/resources/fiche/").content.decode()


def test_a_file_with_one_bad_row_shows_french_errors_per_line_and_writes_nothing(staff_client, catalogue):
    rows = read_csv(export_csv(staff_client, "/admin/resources/fiche/export/"))
    header = rows[0]
    line = next(number for number, row in enumerate(rows) if row[0] == "premiere")
    rows[line][header.index("titre")] = "Titre changé"
    rows[line][header.index("leviers")] = "financement|xyz"
    rows.append([{"identifiant d’adresse": "troisieme", "famille": "action", "titre": "Troisième",
                  "chapeau": "Un chapeau.", "statut": "draft", "corps (Markdown)": "Voir [[absente]]."}.get(name, "")
                 for name in header])
    rows.append([{"identifiant d’adresse": "quatrieme", "famille": "recette", "titre": "Quatrième",
                  "chapeau": "Un chapeau.", "statut": "draft"}.get(name, "") for name in header])
    before = snapshot(m.Fiche)

    response = dry_run(staff_client, "fiche", write_csv(rows))

    page = re.sub(r"\s+", " ", response.content.decode().replace("\u00a0", " ").replace("&nbsp;", " "))
    assert "rien n’a été importé" in page
    assert f"Ligne {line + 1} (leviers) : levier inconnu « xyz »" in page
    assert re.search(r"Ligne 4 \(corps \(Markdown\)\) : [^<]*absente", page)
    assert "Ligne 5 (famille) : code inconnu « recette » ; codes possibles : « action »," in page
    assert "process_import" not in page  # no confirmation offered
    assert snapshot(m.Fiche) == before and not m.Fiche.objects.filter(slug="troisieme").exists()


def test_the_dry_run_shortens_the_unchanged_text_of_a_long_cell_to_its_ends():
    diff = PlainDiff.__new__(PlainDiff)
    diff.new, diff.left, diff.right = False, ["Début. " + "Texte inchangé. " * 40 + "Fin.", "court"], [
        "Début. " + "Texte inchangé. " * 40 + "Fin. Ajout.", "court"]
    body, short = diff.as_html()
    assert body.startswith("<span>Début. Texte inchangé.") and " […] " in body and body.endswith("<ins> Ajout.</ins>")
    assert len(body) < 250 and short == "<span>court</span>"


def test_an_xlsx_file_adds_and_changes_rows(staff_client, catalogue):
    response = staff_client.post("/admin/resources/lever/export/", {"format": XLSX_FORMAT})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["identifiant d’adresse", "intitulé", "ordre"]
    sheet.append({"identifiant d’adresse": "alliances", "intitulé": "Alliances", "ordre": 3,
                  "question clé": "Avec qui ?", "couleur": "all", "provenance": "inferred"}.get(name, "")
                 for name in headers)
    sheet.cell(row=2, column=headers.index("intitulé") + 1, value="Financement revu")
    out = io.BytesIO()
    book.save(out)

    response = dry_run(staff_client, "lever", out.getvalue(), name="leviers.xlsx", file_format=XLSX_FORMAT)
    assert response.context["result"].totals["new"] == 1 and not m.Lever.objects.filter(slug="alliances").exists()
    confirm(staff_client, "lever", response)

    assert m.Lever.objects.get(slug="alliances").order == 3
    assert m.Lever.objects.get(slug="financement").label == "Financement revu"


def test_only_staff_with_the_permissions_import_and_export(client, learner, django_user_model, catalogue):
    client.force_login(learner)
    assert client.get("/admin/resources/fiche/import/").status_code == 302  # to the admin's log-in
    assert client.post("/admin/resources/fiche/export/", {"format": CSV_FORMAT}).status_code == 302

    reader = django_user_model.objects.create_user(username="relecteur", password="pw-relecteur-1", is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename="view_fiche"))
    client.force_login(reader)
    listing = client.get("/admin/resources/fiche/").content.decode()
    assert "/admin/resources/fiche/export/" in listing and "/admin/resources/fiche/import/" not in listing
    assert client.post("/admin/resources/fiche/export/", {"format": CSV_FORMAT}).status_code == 200
    assert client.get("/admin/resources/fiche/import/").status_code == 403


def test_an_unknown_slug_is_an_error_of_its_row_and_the_whole_file_is_rolled_back(catalogue):
    dataset = FicheResource().export()
    dataset.append(["nouvelle", "action", "Nouvelle", "Chapeau", "", "", "draft", "", "", *[""] * 13, "", ""][
        :len(dataset.headers)])
    dataset[0] = tuple(value if header != "composantes" else "inconnue" for header, value in
                       zip(dataset.headers, dataset[0], strict=True))

    result = FicheResource().import_data(dataset, dry_run=False, rollback_on_validation_errors=True)

    assert [row.number for row in result.invalid_rows] == [1]
    assert result.invalid_rows[0].error_dict == {"composantes": ["composante inconnue «\u00a0inconnue\u00a0»"]}
    assert not m.Fiche.objects.filter(slug="nouvelle").exists()


def test_csv_is_read_with_commas_or_semicolons_and_formats_are_csv_and_xlsx_only():
    assert [fmt().get_title() for fmt in FORMATS] == ["csv", "xlsx"]
    for text in ("\ufeffa;b\r\n1;« x, y »\r\n\r\n", 'a,b\n1,"« x, y »"\n'):
        dataset = SpreadsheetCSV().create_dataset(text)
        assert dataset.headers == ["a", "b"] and list(dataset) == [("1", "« x, y »")]
    assert set(RESOURCES) >= {m.Fiche, m.GlossaryTerm, m.Lever, m.Component, m.Tool, m.EntryDoor, m.Region}


def test_a_glossary_term_imported_links_the_fiches_that_use_it(staff_client, catalogue):
    fiche = make_fiche(slug="tiers-lieu", body="Un tiers-lieu ouvert à tous.")
    rows = read_csv(export_csv(staff_client, "/admin/resources/glossaryterm/export/"))
    rows.append([{"identifiant d’adresse": "tiers-lieu", "terme": "tiers-lieu", "provenance": "inferred",
                  "définition (Markdown)": "Un lieu partagé par plusieurs structures."}.get(name, "")
                 for name in rows[0]])

    response = dry_run(staff_client, "glossaryterm", write_csv(rows))
    follow = staff_client.post("/admin/resources/glossaryterm/process_import/", {
        name: response.context["confirm_form"].initial.get(name, "")
        for name in ("import_file_name", "original_file_name", "format", "resource")}, follow=True)

    assert "Import terminé (termes du glossaire)\u00a0: 1 ajout(s), 0 modification(s)" in follow.content.decode()
    fiche.refresh_from_db()
    assert 'href="/glossaire/tiers-lieu/"' in fiche.body_html


def test_the_change_lists_offer_import_export_and_history_together(staff_client):
    fiche = make_fiche()
    html = staff_client.get("/admin/resources/fiche/").content.decode()
    assert ">Importer</a>" in html and "/admin/resources/fiche/import/" in html
    assert ">Exporter</a>" in html and "/admin/resources/fiche/export/" in html
    assert staff_client.get("/admin/resources/component/export/").status_code == 200
    assert staff_client.get(f"/admin/resources/fiche/{fiche.pk}/history/").status_code == 200

