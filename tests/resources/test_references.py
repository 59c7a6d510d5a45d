"""Bibliographic references: the model, the checks of the shipped files, the loader (new and old forms of sources),
the admin's validation of a fiche's sources and the references' admin page."""

import pytest
from django.core.exceptions import ValidationError

from resources import content_files
from resources import models as m
from resources.content_loader import content_load
from resources.references import reference_for_named_source
from tests.factories import make_fiche, make_reference

FICHE = """+++
title = "Une fiche d’essai"
family = "action"
chapeau = "Un chapeau."
{sources}
+++
## Partie

Du texte.
"""

SOCLE = '''
[[reference]]
slug = "referentiel-essai"
title = "Référentiel d’essai"
publisher = "Le RAMEAU"
date = "septembre 2019"
url = "https://example.org/referentiel"
kind = "document"
'''


def write(directory, name, text):
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(text, encoding="utf-8")


# The model


@pytest.mark.django_db
def test_a_reference_sorts_by_publisher_then_title_in_french_order():
    make_reference(publisher="Le RAMEAU", title="Zèbre")
    make_reference(publisher="Légifrance", title="Code civil")
    make_reference(publisher="Le RAMEAU", title="État des lieux")
    assert [r.title for r in m.Reference.objects.all()] == ["Code civil", "État des lieux", "Zèbre"]


@pytest.mark.django_db
def test_a_source_citing_nothing_or_a_deduction_without_reasoning_is_refused_in_french():
    fiche = make_fiche()
    with pytest.raises(ValidationError) as error:
        m.FicheSource(fiche=fiche, kind="reference").full_clean()
    assert "Choisissez la référence citée" in str(error.value.message_dict["reference"])
    with pytest.raises(ValidationError) as error:
        m.FicheSource(fiche=fiche, kind="inference", label="  ").full_clean()
    assert "a besoin de son raisonnement" in str(error.value.message_dict["label"])
    with pytest.raises(ValidationError) as error:
        m.FicheSource(fiche=fiche, kind="inference", label="Déduit.", reference=make_reference()).full_clean()
    assert "ne cite pas de référence" in str(error.value.message_dict["reference"])
    m.FicheSource(fiche=fiche, reference=make_reference(), note="les trois leviers").full_clean()
    m.FicheSource(fiche=fiche, kind="inference", label="Déduit par la rédaction.").full_clean()


# The checks of the shipped files (pure Python)


def test_the_shipped_references_have_no_problem():
    assert {path.name: problems for path, problems in content_files.check_references(
        content_files.load_references()).items() if problems} == {}


def test_a_reference_file_with_missing_keys_a_bad_kind_or_a_duplicate_is_reported(tmp_path):
    write(tmp_path, "a.toml", SOCLE + '''
[[reference]]
slug = "Mauvais Slug"
title = ""
kind = "livre"
url = "ftp://example.org"
''')
    write(tmp_path, "b.toml", SOCLE.replace("referentiel-essai", "autre") + '''
[[reference]]
slug = "referentiel-essai"
title = "Doublon"
publisher = "Quelqu’un"
date = ""
url = ""
kind = "web"
''')
    report = {path.name: problems for path, problems in content_files.check_references(
        content_files.load_references(tmp_path)).items()}
    text = " | ".join(report["a.toml"])
    for expected in ["missing keys", "lowercase ASCII", "title must not be empty", "kind must be one of",
                     "url must be an http(s) address"]:
        assert expected in text
    text = " | ".join(report["b.toml"])
    assert "same url as reference 'referentiel-essai'" in text
    assert "slug already used in a.toml" in text
    assert "a web reference needs its url" in text


def test_sources_in_each_form_are_checked_against_the_references():
    known = {"referentiel-essai"}
    assert content_files.source_problems([
        {"ref": "referentiel-essai", "note": "les trois leviers"},
        {"kind": "inference", "label": "Déduit par la rédaction."},
        {"label": "Ancienne forme", "url": "https://example.org", "kind": "web"},
    ], known) == []
    problems = " | ".join(content_files.source_problems([
        {"ref": "inconnue"},
        {"ref": "referentiel-essai", "label": "en trop"},
        {"ref": "referentiel-essai"},
        {"kind": "inference"},
        {"kind": "document"},
    ], known))
    assert "unknown reference: ref = 'inconnue'" in problems
    assert "has other keys ['label']" in problems
    assert "cited twice" in problems
    assert "needs a label that gives the reasoning" in problems
    assert 'source must be ref = "<slug>"' in problems


# The loader


@pytest.mark.django_db
def test_the_loader_reads_the_references_first_and_the_fiche_sources_cite_them(tmp_path):
    write(tmp_path / "refs", "socle.toml", SOCLE)
    write(tmp_path / "fiches", "essai.md", FICHE.format(sources='''
[[sources]]
ref = "referentiel-essai"
note = "les trois leviers"

[[sources]]
kind = "inference"
label = "Déduit par la rédaction : les leviers se combinent."
'''))
    created = content_load(directory=tmp_path / "fiches", references_directory=tmp_path / "refs")
    assert created["références"] == 1 and created["fiches"] == 1
    reference = m.Reference.objects.get(slug="referentiel-essai")
    assert (reference.publisher, reference.date, reference.kind) == ("Le RAMEAU", "septembre 2019", "document")
    sources = list(m.Fiche.objects.get(slug="essai").sources.all())
    assert [(s.kind, s.reference, s.note) for s in sources] == [
        ("reference", reference, "les trois leviers"), ("inference", None, "")]
    assert sources[1].label == "Déduit par la rédaction : les leviers se combinent."
    # Twice: nothing more.
    again = content_load(directory=tmp_path / "fiches", references_directory=tmp_path / "refs")
    assert again == {"références": 0, "vocabulaires": 0, "termes": 0, "fiches": 0}


@pytest.mark.django_db
def test_the_loader_still_reads_the_old_form_and_makes_or_reuses_a_reference(tmp_path):
    write(tmp_path / "refs", "socle.toml", SOCLE)
    write(tmp_path / "fiches", "essai.md", FICHE.format(sources='''
[[sources]]
label = "Le RAMEAU, référentiel, 2019"
url = "https://example.org/referentiel"
kind = "document"

[[sources]]
label = "Une page sans adresse connue"
url = ""
kind = "web"
'''))
    content_load(directory=tmp_path / "fiches", references_directory=tmp_path / "refs")
    first, second = m.Fiche.objects.get(slug="essai").sources.select_related("reference")
    assert first.reference.slug == "referentiel-essai"  # reused by its address
    assert (second.reference.title, second.reference.kind) == ("Une page sans adresse connue", "web")
    assert second.reference.slug == "une-page-sans-adresse-connue"
    assert reference_for_named_source(label="Une page sans adresse connue", url="", kind="web") == second.reference


@pytest.mark.django_db
def test_the_loader_refuses_a_fiche_citing_an_unknown_reference_and_names_it(tmp_path):
    write(tmp_path / "refs", "socle.toml", SOCLE)
    write(tmp_path / "fiches", "essai.md", FICHE.format(sources='[[sources]]\nref = "absente"\n'))
    with pytest.raises(content_files.ContentError) as error:
        content_load(directory=tmp_path / "fiches", references_directory=tmp_path / "refs")
    assert "essai.md" in str(error.value) and "ref = 'absente'" in str(error.value)
    assert not m.Fiche.objects.exists()


@pytest.mark.django_db
def test_the_loader_refuses_a_broken_references_file(tmp_path):
    write(tmp_path / "refs", "socle.toml", SOCLE.replace('kind = "document"', 'kind = "livre"'))
    write(tmp_path / "fiches", "essai.md", FICHE.format(sources='[[sources]]\nref = "referentiel-essai"\n'))
    with pytest.raises(content_files.ContentError) as error:
        content_load(directory=tmp_path / "fiches", references_directory=tmp_path / "refs")
    assert str(error.value).startswith("Références invalides") and "kind must be one of" in str(error.value)


# The admin


@pytest.mark.django_db
def test_the_fiche_admin_refuses_a_source_without_reference_with_a_french_message(staff_client):
    fiche = make_fiche(slug="essai")
    data = {
        "family": "action", "title": fiche.title, "slug": "essai", "chapeau": "Chapeau.", "body": "Corps.",
        "status": "published", "published_at_0": "2026-11-20", "published_at_1": "09:00:00",
        "sources-TOTAL_FORMS": "2", "sources-INITIAL_FORMS": "0",
        "sources-0-kind": "reference", "sources-0-note": "sans référence", "sources-0-order": "0",
        "sources-1-kind": "inference", "sources-1-order": "1",
    }
    response = staff_client.post(f"/admin/resources/fiche/{fiche.pk}/change/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choisissez la référence citée" in page
    assert "a besoin de son raisonnement" in page
    assert not fiche.sources.exists()


@pytest.mark.django_db
def test_the_reference_admin_lists_the_fiches_that_cite_it(staff_client):
    reference = make_reference(title="Référentiel d’essai")
    make_fiche(title="Fiche citante", sources=["Référentiel d’essai"])
    changelist = staff_client.get("/admin/resources/reference/?q=essai").content.decode()
    assert "Référentiel d’essai" in changelist
    page = staff_client.get(f"/admin/resources/reference/{reference.pk}/change/").content.decode()
    assert "Fiches qui la citent" in page and "Fiche citante" in page


@pytest.mark.django_db
def test_a_cited_reference_cannot_be_deleted(staff_client):
    reference = make_reference(title="Référentiel d’essai")
    make_fiche(sources=["Référentiel d’essai"])
    staff_client.post(f"/admin/resources/reference/{reference.pk}/delete/", {"post": "yes"})
    assert m.Reference.objects.filter(pk=reference.pk).exists()


def test_a_deduction_or_a_note_longer_than_the_database_keeps_is_reported():
    long_label = "Déduit par la rédaction : " + "x" * content_files.INFERENCE_LABEL_MAX
    problems = content_files.source_problems(
        [{"kind": "inference", "label": long_label}, {"ref": "connue", "note": "n" * 301}], {"connue"})
    assert len(problems) == 2
    assert problems[0].startswith("inference label longer than 1000")
    assert problems[1].startswith("note of ref = 'connue' longer than 300")
