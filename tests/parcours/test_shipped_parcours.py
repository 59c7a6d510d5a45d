"""The two parcours shipped in fixtures/parcours/: valid, loaded idempotently, and every page answering."""

import html
import tomllib

import pytest
from django.utils.html import strip_tags

from parcours import content_files
from parcours.content_loader import parcours_load
from parcours.models import Parcours, Step
from parcours.outline import depth_durations
from resources.content_files import FIXTURES_DIR, FicheFile
from resources.models import Fiche
from tests.shipped import restore

QUALIFIER, TRAJECTOIRE = "qualifier-son-modele", "trajectoire-socio-economique"


@pytest.fixture
def shipped(db, shipped_rows):
    """What content_load() then parcours_load() write, put back in bulk (tests/shipped.py)."""
    restore(shipped_rows, upto="parcours")


def body_words(step):
    return len(html.unescape(strip_tags(step.body_html)).split())


def test_the_content_check_finds_no_problem():
    assert {name: problems for name, problems in content_files.check_all().items() if problems} == {}


def test_the_content_check_covers_every_step_file():
    assert len(content_files.check_all()) == 15


def test_the_content_check_command_exits_cleanly(capsys):
    assert content_files.main() == 0
    assert "ERR" not in capsys.readouterr().out


def step_file(words=300, **meta):
    fields = {"title": "T", "order": 1, "depth": "", "minutes": 30, "objective": "O", "fiches": [],
              "questions": ["Une ?", "Deux ?"], "provenance": "to_confirm"}
    fields.update(meta)
    return FicheFile(slug="etape", meta=fields, body="mot " * words)


def reference_slugs():
    return {row["slug"] for path in (FIXTURES_DIR / "references").glob("*.toml")
            for row in tomllib.loads(path.read_text(encoding="utf-8"))["reference"]}


def test_every_step_file_cites_existing_references_and_says_what_the_editors_deduced():
    known, problems = reference_slugs(), []
    for row in content_files.load_parcours():
        for step in content_files.iter_steps(row["slug"]):
            sources = step.meta.get("sources", [])
            problems += [(step.slug, source["ref"]) for source in sources if "ref" in source and source["ref"] not in known]
            if not any(source.get("ref") for source in sources):
                problems.append((step.slug, "no reference"))
            if not any(source.get("kind") == "inference" and source.get("label") for source in sources):
                problems.append((step.slug, "no inference"))
    assert problems == []


def test_no_step_body_apologises_for_its_doubts():
    doubts = ("à confirmer", "vraisemblablement", "n’a pas pu", "n’ont pas pu", "proposition de la rédaction")
    found = [(step.slug, doubt) for row in content_files.load_parcours() for step in content_files.iter_steps(row["slug"])
             for doubt in doubts if doubt in step.body.replace("\u00a0", " ")]
    assert found == []


def test_the_content_check_accepts_a_well_formed_step():
    assert content_files.check_step(step_file(), set()) == []


@pytest.mark.parametrize("words", [199, 501, 550])
def test_the_content_check_refuses_a_body_outside_200_to_500_words(words):
    problems = content_files.check_step(step_file(words), set())
    assert any("words" in problem for problem in problems)


def test_the_content_check_refuses_one_question_an_unknown_depth_and_a_missing_fiche():
    problems = content_files.check_step(step_file(questions=["Une ?"], depth="expert", fiches=["absente"]), set())
    assert len(problems) == 3


def test_loading_creates_the_two_parcours_and_their_fifteen_steps(db, shipped_rows):
    restore(shipped_rows, upto="content")
    assert parcours_load() == {"parcours": 2, "étapes": 15}
    assert list(Parcours.objects.values_list("slug", flat=True)) == [QUALIFIER, TRAJECTOIRE]


def test_qualifier_son_modele_has_seven_steps_on_three_cumulative_depths(shipped):
    parcours = Parcours.objects.get(slug=QUALIFIER)
    steps = list(parcours.steps.all())
    assert len(steps) == 7
    assert parcours.kind == "pedagogique"
    assert [(level.value, minutes) for level, minutes in depth_durations(steps)] == [
        ("decouverte", 120), ("approfondissement", 240), ("fondamentaux", 720),
    ]


def test_trajectoire_has_eight_steps_without_depth(shipped):
    parcours = Parcours.objects.get(slug=TRAJECTOIRE)
    steps = list(parcours.steps.all())
    assert len(steps) == 8
    assert parcours.kind == "methodologique"
    assert {step.depth for step in steps} == {""}
    assert depth_durations(steps) == []


def test_steps_come_in_the_order_of_their_files(shipped):
    for parcours in Parcours.objects.all():
        files = [step.slug for step in content_files.iter_steps(parcours.slug)]
        assert list(parcours.steps.values_list("slug", flat=True)) == files
        assert list(parcours.steps.values_list("order", flat=True)) == list(range(1, len(files) + 1))


def test_every_step_is_complete(shipped):
    incomplete = []
    for step in Step.objects.select_related("parcours"):
        if not 2 <= len(step.question_list) <= 4:
            incomplete.append((step.slug, "questions"))
        if not step.objective.strip():
            incomplete.append((step.slug, "objective"))
        if not 200 <= body_words(step) <= 500:
            incomplete.append((step.slug, f"{body_words(step)} words"))
        if not Fiche.objects.published().filter(steps=step).exists():
            incomplete.append((step.slug, "no published fiche"))
        if step.provenance not in {"inferred", "to_confirm"}:  # the real titles are not published in our sources
            incomplete.append((step.slug, step.provenance))
        if step.minutes <= 0:
            incomplete.append((step.slug, "minutes"))
        step.full_clean()
    assert incomplete == []


def test_every_fiche_named_in_a_step_file_is_linked(shipped):
    for parcours in Parcours.objects.all():
        for step_file_ in content_files.iter_steps(parcours.slug):
            step = parcours.steps.get(slug=step_file_.slug)
            assert set(step.fiches.values_list("slug", flat=True)) == set(step_file_.meta["fiches"])


def test_a_second_load_creates_nothing_and_keeps_the_edits_of_staff(shipped):
    step = Step.objects.get(parcours__slug=QUALIFIER, slug="se-situer")
    step.title = "Se situer (intitulé confirmé)"
    step.provenance = "confirmed"
    step.save()
    assert parcours_load() == {"parcours": 0, "étapes": 0}
    assert Step.objects.count() == 15
    step.refresh_from_db()
    assert step.title == "Se situer (intitulé confirmé)"
    assert step.provenance == "confirmed"


def test_a_step_deleted_by_staff_comes_back_at_the_next_load(shipped):
    Step.objects.get(parcours__slug=TRAJECTOIRE, slug="choisir-sa-trajectoire").delete()
    assert parcours_load() == {"parcours": 0, "étapes": 1}


def test_every_step_page_answers_for_a_visitor(shipped, visitor):
    failing = []
    for step in Step.objects.select_related("parcours"):
        response = visitor.get(step.get_absolute_url())
        if response.status_code != 200 or step.title not in response.content.decode():
            failing.append((step.get_absolute_url(), response.status_code))
    assert failing == []


def test_the_parcours_pages_answer_for_a_visitor(shipped, visitor):
    urls = [
        "/parcours/",
        "/parcours/qualifier-son-modele/",
        "/parcours/qualifier-son-modele/?niveau=fondamentaux",
        "/parcours/trajectoire-socio-economique/",
    ]
    assert {url: visitor.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)


def test_the_levels_are_shown_with_their_cumulative_durations(shipped, visitor):
    page = visitor.get("/parcours/qualifier-son-modele/").content.decode()
    assert "2\u202fh" in page
    assert "4\u202fh" in page
    assert "12\u202fh" in page


def test_a_visitor_can_start_each_parcours(shipped, visitor):
    response = visitor.post("/parcours/qualifier-son-modele/commencer/", {"niveau": "decouverte"})
    assert response["Location"] == "/parcours/qualifier-son-modele/comprendre-le-modele-socio-economique/"
    response = visitor.post("/parcours/trajectoire-socio-economique/commencer/", {"niveau": ""})
    assert response["Location"] == "/parcours/trajectoire-socio-economique/clarifier-son-projet-et-son-ambition/"


def test_loading_with_update_renders_the_body_of_the_step_file_again(shipped):
    Step.objects.filter(slug="les-trois-leviers").update(body="Texte de l’équipe.", body_html="<p>Texte de l’équipe.</p>")
    parcours_load(update=True)
    step = Step.objects.get(slug="les-trois-leviers")
    assert "Texte de l’équipe" not in step.body_html
    assert '<a href="/fiches/mobiliser-et-fideliser-des-benevoles/"' in step.body_html
