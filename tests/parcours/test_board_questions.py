"""The questions a board should debate at each step of the method: checked in the step files, loaded by step and
order, edited by staff in the step's admin page."""

import pytest

from parcours import content_files
from parcours.content_loader import parcours_load
from parcours.models import BoardQuestion, Step
from resources.content_files import FicheFile
from tests.factories import make_parcours, make_step
from tests.shipped import restore

TRAJECTOIRE = "trajectoire-socio-economique"


@pytest.fixture
def shipped(db, shipped_rows):
    restore(shipped_rows, upto="parcours")


def step_file(**meta):
    fields = {"title": "T", "order": 1, "depth": "", "minutes": 30, "objective": "O", "fiches": [],
              "questions": ["Une ?", "Deux ?"], "provenance": "to_confirm"}
    fields.update(meta)
    return FicheFile(slug="etape", meta=fields, body="mot " * 300)


def test_every_step_file_of_the_method_gives_three_questions_for_a_board():
    for step in content_files.iter_steps(TRAJECTOIRE):
        questions = step.meta.get("board_questions", [])
        assert len(questions) == 3, step.slug
        assert all(question[-2:] in ("\u00a0?", "\u202f?") and len(question) <= 400 for question in questions), step.slug


def test_the_content_check_accepts_questions_for_a_board():
    assert content_files.check_step(step_file(board_questions=["Qui décide\u00a0?", "Quand\u00a0?"]), set()) == []


@pytest.mark.parametrize("questions, expected", [
    (["Une seule\u00a0?"], "board_questions\u00a0: de 2 à 5 questions à débattre en gouvernance (1 écrite)"),
    ([f"Q{n}\u00a0?" for n in range(6)], "board_questions\u00a0: de 2 à 5 questions à débattre en gouvernance (6 écrites)"),
    (["Une\u00a0?", "Une affirmation."], "board_questions, question 2\u00a0: une question se termine par «\u00a0?\u00a0»"),
    (["Une\u00a0?", "x" * 400 + "\u00a0?"], "board_questions, question 2\u00a0: 402 caractères (400 au plus)"),
    (["Une\u00a0?", "  "], "board_questions, question 2\u00a0: vide"),
    ("Une seule chaîne\u00a0?", "board_questions\u00a0: une liste de questions entre guillemets"),
    (["Une\u00a0?", 3], "board_questions\u00a0: une liste de questions entre guillemets"),
])
def test_the_content_check_explains_in_french_what_is_wrong_with_the_questions(questions, expected):
    assert content_files.check_step(step_file(board_questions=questions), set()) == [expected]


def test_the_shipped_questions_are_loaded_three_per_step_of_the_method_in_order(shipped):
    for step in Step.objects.filter(parcours__slug=TRAJECTOIRE):
        files = {row.slug: row for row in content_files.iter_steps(TRAJECTOIRE)}
        expected = [text.strip() for text in files[step.slug].meta["board_questions"]]
        assert list(step.board_questions.values_list("order", "text")) == list(enumerate(expected, start=1))
    assert BoardQuestion.objects.filter(step__parcours__slug=TRAJECTOIRE).count() == 24
    assert not BoardQuestion.objects.exclude(step__parcours__slug=TRAJECTOIRE).exists()


def test_a_second_load_keeps_the_questions_staff_reworded(shipped):
    question = BoardQuestion.objects.filter(step__parcours__slug=TRAJECTOIRE).first()
    question.text = "Reformulée par l’équipe\u00a0?"
    question.save()
    parcours_load()
    question.refresh_from_db()
    assert question.text == "Reformulée par l’équipe\u00a0?"


def test_loading_with_update_rewrites_the_questions_and_removes_the_extra_ones(shipped):
    step = Step.objects.filter(parcours__slug=TRAJECTOIRE).first()
    step.board_questions.filter(order=1).update(text="Reformulée\u00a0?")
    extra = BoardQuestion.objects.create(step=step, order=9, text="Ajoutée par l’équipe\u00a0?")
    parcours_load(update=True)
    assert not BoardQuestion.objects.filter(pk=extra.pk).exists()
    assert step.board_questions.count() == 3
    assert step.board_questions.get(order=1).text != "Reformulée\u00a0?"


def test_a_step_loaded_before_the_questions_existed_receives_them_without_an_update(shipped):
    BoardQuestion.objects.all().delete()
    parcours_load()
    assert BoardQuestion.objects.count() == 24


def test_staff_edit_the_questions_of_a_step_in_its_admin_page(staff_client):
    step = make_step(make_parcours())
    BoardQuestion.objects.create(step=step, order=1, text="Qui porte la démarche\u00a0?")
    page = staff_client.get(f"/admin/parcours/step/{step.pk}/change/")
    assert page.status_code == 200
    assert "Qui porte la démarche" in page.content.decode()
    assert "questions à débattre en gouvernance" in page.content.decode().lower()
