"""The content shipped in fixtures/: valid, substantial, loaded idempotently, and rendering."""

import pytest
from django.core.management import call_command

from resources import content_files
from resources.content_loader import content_load
from resources.models import ActorKind, ActorProfile, Domain, EntryDoor, Fiche, Lever, Region, Tool
from tests.shipped import restore

FICHES, REPORT = content_files.check_all()


def test_every_shipped_fiche_file_is_valid():
    assert {slug: problems for slug, problems in REPORT.items() if problems} == {}


def test_at_least_thirty_fiches_of_substance_are_shipped():
    assert len(FICHES) >= 30
    short = [f.slug for f in FICHES if f.word_count < 250]
    assert short == []


def test_every_family_is_covered_as_the_foundation_requires():
    families = [f.meta["family"] for f in FICHES]
    assert families.count("action") >= 5
    assert families.count("acteur") == 4
    assert families.count("repere") >= 3
    assert families.count("methode") == 8


def test_every_shipped_value_has_a_description():
    vocabularies = content_files.load_vocabularies()
    empty = [
        row["slug"] for table, rows in vocabularies.items() if table != "synonym"
        for row in rows if not row["description"].strip()
    ]
    assert empty == []


@pytest.fixture
def shipped(db, shipped_rows):
    """What content_load() writes, put back in bulk (tests/shipped.py)."""
    restore(shipped_rows, upto="content")


@pytest.mark.django_db
def test_shipped_content_loads_with_the_sizes_of_the_referentiel_and_twice_changes_nothing():
    content_load()
    assert Lever.objects.count() == 3
    assert ActorProfile.objects.count() == 10
    assert ActorKind.objects.count() == 4
    assert Region.objects.count() == 18  # 13 in mainland France, 5 overseas
    assert Domain.objects.count() == 16
    assert EntryDoor.objects.count() == 8
    assert Tool.objects.count() >= 8
    assert set(Lever.objects.get(slug="financement").components.values_list("slug", flat=True)) == {
        "subventionnement", "investissement-societal", "revenus-d-activite"
    }
    # Inferred values are flagged, never presented as facts.
    assert not Domain.objects.exclude(provenance="to_confirm").exists()
    assert not EntryDoor.objects.exclude(provenance="to_confirm").exists()
    assert Fiche.objects.published().count() == len(FICHES)
    assert not Fiche.objects.filter(sources__isnull=True).exists()
    assert Fiche.objects.get(slug="equilibrer-son-modele-socio-economique").related.exists()

    before = (Fiche.objects.count(), Region.objects.count(), Fiche.objects.first().sources.count())
    assert content_load() == {"références": 0, "vocabulaires": 0, "termes": 0, "fiches": 0}
    assert (Fiche.objects.count(), Region.objects.count(), Fiche.objects.first().sources.count()) == before


def test_loading_again_keeps_what_staff_edited_unless_asked(shipped):
    Fiche.objects.filter(slug="pratiques-des-fondations").update(title="Titre corrigé par l’équipe")
    call_command("load_content", stdout=None)
    assert Fiche.objects.get(slug="pratiques-des-fondations").title == "Titre corrigé par l’équipe"
    call_command("load_content", update=True)
    assert Fiche.objects.get(slug="pratiques-des-fondations").title != "Titre corrigé par l’équipe"


KEY_PAGES = [
    "/", "/referentiel/", "/leviers/richesses-humaines/", "/leviers/financement/revenus-d-activite/",
    "/fiches/", "/fiches/?famille=methode", "/fiches/?page=2", "/fiches/equilibrer-son-modele-socio-economique/",
    "/regions/occitanie/", "/portes-d-entree/base-impact-alliance/", "/outils/", "/domaines/", "/sitemap.xml",
    "/bibliographie/",
]


def test_key_pages_render_with_the_shipped_content(shipped, client):
    statuses = {url: client.get(url).status_code for url in KEY_PAGES}
    assert statuses == {url: 200 for url in KEY_PAGES}
    for fiche in Fiche.objects.all():
        assert client.get(fiche.get_absolute_url()).status_code == 200, fiche.slug


def test_loading_with_update_renders_the_body_of_the_file_again(shipped):
    slug = "developper-le-mecenat-de-competences"
    Fiche.objects.filter(slug=slug).update(body="Texte de l’équipe.", body_html="<p>Texte de l’équipe.</p>")
    content_load(update=True)
    fiche = Fiche.objects.get(slug=slug)
    assert "Texte de l’équipe" not in fiche.body_html + fiche.body_text
    assert '<a href="/fiches/pratiques-des-entreprises/"' in fiche.body_html
    assert "la fiche « ACTEURS » consacrée aux entreprises" in fiche.body_text.replace("\u00a0", " ")
