"""The 8-step method worked on together: the steps of a space with their state, a step's page, its status and the
answers to the board's questions, for each role."""

import html
import re

import pytest

from diagnostic.governance import AnswersConflict, answers_save, comment_add, space_step_status_set
from diagnostic.models import Answer, SpaceEvent, SpaceStep
from parcours.models import BoardQuestion
from tests.diagnostic.method_world import logged_in, make_method, make_world, queries_of
from tests.factories import make_organisation, make_parcours, make_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model):
    make_method()
    return make_world(django_user_model)


def first_step(world):
    from diagnostic.method import method_parcours

    return method_parcours().steps.first()


def answers_post(step, texts, shown=None, **extra):
    """What the answers' form sends: ``texts`` in the boxes, and the hidden copies of what the page showed
    (``shown``; by default the answers stored now, as on a page just loaded)."""
    data = {"formulaire": "reponses", **extra}
    questions = list(step.board_questions.all())
    if shown is None:
        stored = dict(Answer.objects.filter(question__in=questions).values_list("question_id", "text"))
        shown = [stored.get(question.pk, "") for question in questions]
    for question, text, before in zip(questions, texts, shown, strict=False):
        data[f"reponse_{question.pk}"] = text
        data[f"initial-reponse_{question.pk}"] = before
    return data


# The steps -------------------------------------------------------------------------------------------------------

def test_a_member_sees_the_steps_in_order_with_their_status_and_counts(client, world):
    step = first_step(world)
    questions = list(step.board_questions.all())
    space_step_status_set(organisation=world.space, step=step, status="en_cours", actor=world.contributor)
    answers_save(organisation=world.space, step=step, texts={questions[0]: "Oui", questions[1]: "Non"},
                 actor=world.contributor)
    comment_add(organisation=world.space, step=step, body="Bien vu.", actor=world.contributor)
    page = logged_in(client, world.reader).get(f"/mon-modele/{world.space.pk}/demarche/").content.decode()
    assert page.count('class="hub-method__step ') == 3
    assert "En cours" in page and "À faire" in page
    assert "2 questions tranchées sur 3" in page
    assert "0 décision" in page and "1 commentaire" in page
    assert f'href="/mon-modele/{world.space.pk}/demarche/{step.slug}/"' in page
    assert f'href="/parcours/trajectoire-socio-economique/{step.slug}/"' in page
    assert page.index(step.title) < page.index(step.parcours.steps.last().title)


def test_an_outsider_gets_a_404_on_the_steps_of_a_space(client, world):
    assert logged_in(client, world.outsider).get(f"/mon-modele/{world.space.pk}/demarche/").status_code == 404


def test_an_anonymous_visitor_gets_a_404_on_the_steps_of_a_space(client, world):
    assert client.get(f"/mon-modele/{world.space.pk}/demarche/").status_code == 404


def test_a_personal_diagnostic_has_no_shared_method(client, world):
    mine = make_organisation(user=world.outsider)
    assert logged_in(client, world.outsider).get(f"/mon-modele/{mine.pk}/demarche/").status_code == 404


def test_the_steps_page_costs_the_same_queries_whatever_the_work_done(client, world):
    url = f"/mon-modele/{world.space.pk}/demarche/"
    _page, empty = queries_of(logged_in(client, world.contributor), url)
    assert empty <= 8, empty
    for step in first_step(world).parcours.steps.all():
        space_step_status_set(organisation=world.space, step=step, status="terminee", actor=world.contributor)
        answers_save(organisation=world.space, step=step, texts={q: "Oui" for q in step.board_questions.all()},
                     actor=world.contributor)
        for _ in range(3):
            comment_add(organisation=world.space, step=step, body="Un avis.", actor=world.contributor)
    page, busy = queries_of(client, url)
    assert "3 questions tranchées sur 3" in page.content.decode()
    assert busy == empty


# A step's page ---------------------------------------------------------------------------------------------------

def test_a_reader_sees_a_step_its_questions_and_answers_without_any_form(client, world):
    step = first_step(world)
    question = step.board_questions.first()
    answers_save(organisation=world.space, step=step, texts={question: "Nous visons 2028."}, actor=world.contributor)
    response = logged_in(client, world.reader).get(f"/mon-modele/{world.space.pk}/demarche/{step.slug}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert step.objective in page and question.text in page
    assert "Nous visons 2028." in page and "Mise à jour par Carol Petit" in page
    assert "<textarea" not in page and 'name="statut"' not in page


def test_a_contributor_gets_the_answers_form_with_the_current_answers(client, world):
    step = first_step(world)
    question = step.board_questions.first()
    answers_save(organisation=world.space, step=step, texts={question: "Nous visons 2028."}, actor=world.contributor)
    page = logged_in(client, world.contributor).get(f"/mon-modele/{world.space.pk}/demarche/{step.slug}/").content.decode()
    assert f'name="reponse_{question.pk}"' in page
    assert "Nous visons 2028.</textarea>" in page
    assert 'name="statut" value="terminee"' in page


@pytest.mark.parametrize("slug", ["pas-une-etape", "etape-inconnue"])
def test_a_slug_that_is_not_a_step_of_the_method_gets_a_404(client, world, slug):
    assert logged_in(client, world.reader).get(f"/mon-modele/{world.space.pk}/demarche/{slug}/").status_code == 404


def test_a_step_of_another_parcours_gets_a_404(client, world):
    other = make_step(make_parcours())
    assert logged_in(client, world.reader).get(f"/mon-modele/{world.space.pk}/demarche/{other.slug}/").status_code == 404


def test_an_outsider_gets_a_404_on_a_step_of_a_space(client, world):
    url = f"/mon-modele/{world.space.pk}/demarche/{first_step(world).slug}/"
    assert logged_in(client, world.outsider).get(url).status_code == 404


def test_the_step_page_costs_the_same_queries_whatever_the_work_done(client, world):
    step = first_step(world)
    url = f"/mon-modele/{world.space.pk}/demarche/{step.slug}/"
    _page, empty = queries_of(logged_in(client, world.contributor), url)
    assert empty <= 12, empty
    answers_save(organisation=world.space, step=step, texts={q: "Oui" for q in step.board_questions.all()},
                 actor=world.contributor)
    for n in range(5):
        comment_add(organisation=world.space, step=step, body=f"Avis {n}", actor=world.responsable)
    client.post(url, {"formulaire": "decision", "decided_on": "2025-01-10", "text": "Décidé."})
    page, busy = queries_of(client, url)
    assert "Avis 4" in page.content.decode()
    assert busy == empty


# Status and answers ----------------------------------------------------------------------------------------------

def test_a_contributor_sets_the_status_and_the_answers_typed_are_saved_with_it(client, world):
    step = first_step(world)
    url = f"/mon-modele/{world.space.pk}/demarche/{step.slug}/"
    response = logged_in(client, world.contributor).post(url, answers_post(step, ["Oui", "", ""], statut="terminee"))
    assert response.status_code == 302 and response["Location"] == f"{url}#statut"
    assert SpaceStep.objects.get(organisation=world.space, step=step).status == "terminee"
    assert Answer.objects.get(organisation=world.space).text == "Oui"
    summaries = list(SpaceEvent.objects.filter(organisation=world.space).values_list("actor_name", "summary"))
    assert ("Carol Petit", "a passé l’étape\u00a01 à «\u00a0Terminée\u00a0»") in summaries
    assert ("Carol Petit", "a mis à jour les réponses de l’étape\u00a01") in summaries


def test_saving_answers_copies_the_question_and_deletes_an_emptied_one(client, world):
    step = first_step(world)
    url = f"/mon-modele/{world.space.pk}/demarche/{step.slug}/"
    logged_in(client, world.contributor)
    assert client.post(url, answers_post(step, ["Oui", "Non", "Peut-être"])).status_code == 302
    first = step.board_questions.first()
    assert Answer.objects.get(question=first).question_text == first.text
    client.post(url, answers_post(step, ["Oui", "", "Peut-être"]))
    assert list(Answer.objects.order_by("question__order").values_list("text", flat=True)) == ["Oui", "Peut-être"]
    assert SpaceEvent.objects.filter(summary__startswith="a mis à jour les réponses").count() == 2


def test_saving_unchanged_answers_writes_no_history_line(client, world):
    step = first_step(world)
    url = f"/mon-modele/{world.space.pk}/demarche/{step.slug}/"
    logged_in(client, world.contributor).post(url, answers_post(step, ["Oui", "", ""]))
    before = SpaceEvent.objects.count()
    response = client.post(url, answers_post(step, ["Oui", "", ""]), follow=True)
    assert SpaceEvent.objects.count() == before
    assert "Rien n’avait changé" in response.content.decode()


def test_a_too_long_answer_gets_a_400_and_every_answer_typed_is_shown_back(client, world):
    step = first_step(world)
    url = f"/mon-modele/{world.space.pk}/demarche/{step.slug}/"
    response = logged_in(client, world.contributor).post(url, answers_post(step, ["Gardée", "x" * 5001, ""]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "La réponse dépasse 5\u202f000 caractères (5\u202f001 saisis)" in page and "Gardée</textarea>" in page
    assert not Answer.objects.exists()


def test_an_unknown_status_gets_a_400_and_changes_nothing(client, world):
    step = first_step(world)
    url = f"/mon-modele/{world.space.pk}/demarche/{step.slug}/"
    response = logged_in(client, world.contributor).post(url, answers_post(step, ["Oui"], statut="fini"))
    assert response.status_code == 400
    assert "Ce statut n’existe pas" in response.content.decode()
    assert not SpaceStep.objects.exists() and not Answer.objects.exists()


def test_an_unknown_form_gets_a_400(client, world):
    url = f"/mon-modele/{world.space.pk}/demarche/{first_step(world).slug}/"
    response = logged_in(client, world.contributor).post(url, {"formulaire": "autre"})
    assert response.status_code == 400
    assert "Ce formulaire n’est pas reconnu" in response.content.decode()


def test_a_reader_cannot_set_a_status_or_answer(client, world):
    step = first_step(world)
    url = f"/mon-modele/{world.space.pk}/demarche/{step.slug}/"
    response = logged_in(client, world.reader).post(url, answers_post(step, ["Oui"], statut="terminee"))
    assert response.status_code == 403
    assert not SpaceStep.objects.exists() and not Answer.objects.exists()


def test_an_outsider_cannot_set_a_status_or_answer(client, world):
    step = first_step(world)
    url = f"/mon-modele/{world.space.pk}/demarche/{step.slug}/"
    assert logged_in(client, world.outsider).post(url, answers_post(step, ["Oui"], statut="terminee")).status_code == 404
    assert not SpaceStep.objects.exists() and not Answer.objects.exists()


def test_an_answer_keeps_its_question_when_staff_remove_it(client, world):
    step = first_step(world)
    question = step.board_questions.first()
    answers_save(organisation=world.space, step=step, texts={question: "Oui"}, actor=world.contributor)
    text = question.text
    question.delete()
    page = logged_in(client, world.reader).get(f"/mon-modele/{world.space.pk}/demarche/{step.slug}/").content.decode()
    assert "Réponses à des questions retirées" in page and text in page


def test_answers_cannot_be_written_under_a_question_of_another_step(world):
    steps = list(first_step(world).parcours.steps.all())
    other = BoardQuestion.objects.filter(step=steps[1]).first()
    with pytest.raises(ValueError):
        answers_save(organisation=world.space, step=steps[0], texts={other: "Oui"}, actor=world.contributor)


def test_setting_the_same_status_again_writes_no_history_line(world):
    step = first_step(world)
    assert space_step_status_set(organisation=world.space, step=step, status="en_cours", actor=world.contributor)
    assert not space_step_status_set(organisation=world.space, step=step, status="en_cours", actor=world.contributor)
    assert not space_step_status_set(
        organisation=make_world_space_other(world), step=step, status="a_faire", actor=world.contributor
    )
    assert SpaceEvent.objects.filter(summary__startswith="a passé").count() == 1


def make_world_space_other(world):
    """Another space, where the step was never touched: « à faire » is already its status."""
    from tests.factories import make_space

    return make_space(responsable=world.outsider)


# A page left open: only what the person changed is written ------------------------------------------------------

def form_on(page):
    """What the answers' form of ``page`` would send as it stands: each box's text and its hidden copy of what the
    page showed (as a browser sends them, each line break as « \\r\\n »)."""
    form = page[page.index('id="reponses-form"'):]
    form = form[:form.index("</form>")]
    data = {"formulaire": "reponses"}
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>\n?(.*?)</textarea>', form, re.S):
        data[name] = html.unescape(text).replace("\n", "\r\n")
    for name, value in re.findall(r'<input type="hidden" name="(initial-[^"]+)"(?: value="([^"]*)")?', form):
        data[name] = html.unescape(value).replace("\n", "\r\n")
    return data


def step_url(world):
    return f"/mon-modele/{world.space.pk}/demarche/{first_step(world).slug}/"


def test_a_stale_page_changing_the_status_keeps_the_answer_another_member_saved_meanwhile(client, world):
    step, url = first_step(world), step_url(world)
    question = step.board_questions.first()
    stale = form_on(logged_in(client, world.responsable).get(url).content.decode())
    assert stale[f"reponse_{question.pk}"] == stale[f"initial-reponse_{question.pk}"] == ""
    answers_save(organisation=world.space, step=step, texts={question: "Nous visons 2028."}, actor=world.contributor)
    response = client.post(url, {**stale, "statut": "terminee"})
    assert response.status_code == 302
    assert SpaceStep.objects.get(organisation=world.space, step=step).status == "terminee"
    answer = Answer.objects.get(question=question)
    assert answer.text == "Nous visons 2028." and answer.updated_by == world.contributor
    assert not SpaceEvent.objects.filter(actor=world.responsable, summary__startswith="a mis à jour les réponses")


def test_an_answer_changed_by_two_members_at_once_is_not_overwritten_and_nothing_typed_is_lost(client, world):
    step, url = first_step(world), step_url(world)
    question = step.board_questions.all()[1]
    answers_save(organisation=world.space, step=step, texts={question: "Première version."}, actor=world.contributor)
    mine = form_on(logged_in(client, world.responsable).get(url).content.decode())
    answers_save(organisation=world.space, step=step, texts={question: "Version de Carol.\nDeux lignes."},
                 actor=world.contributor)
    mine[f"reponse_{question.pk}"] = "Ma version."
    response = client.post(url, {**mine, "statut": "terminee"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Rien n’a été enregistré, ni les réponses ni le statut" in page and "à la question\u00a02" in page
    assert "Carol Petit a changé cette réponse pendant que vous écriviez" in page
    assert "Version de Carol Petit</strong>, enregistrée le" in page and "<p>Version de Carol.<br>Deux lignes.</p>" in page
    assert "Ma version.</textarea>" in page  # what the person typed stays in the box
    assert Answer.objects.get(question=question).text == "Version de Carol.\nDeux lignes."
    assert not SpaceStep.objects.filter(organisation=world.space, step=step).exists()
    assert not SpaceEvent.objects.filter(actor=world.responsable)
    # Sent again once read, the person's version is kept: the page now showed Carol's.
    again = form_on(page)
    assert again[f"initial-reponse_{question.pk}"] == "Version de Carol.\r\nDeux lignes."
    assert client.post(url, again).status_code == 302
    answer = Answer.objects.get(question=question)
    assert answer.text == "Ma version." and answer.updated_by == world.responsable


def test_an_answer_erased_meanwhile_is_said_so_and_the_text_typed_stays(client, world):
    step, url = first_step(world), step_url(world)
    question = step.board_questions.first()
    answers_save(organisation=world.space, step=step, texts={question: "Oui."}, actor=world.contributor)
    mine = form_on(logged_in(client, world.responsable).get(url).content.decode())
    answers_save(organisation=world.space, step=step, texts={question: ""}, actor=world.contributor)
    response = client.post(url, {**mine, f"reponse_{question.pk}": "Oui, en 2027."})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Rien n’a été enregistré, aucune réponse" in page and "Un autre membre a effacé cette réponse" in page
    assert "Oui, en 2027.</textarea>" in page
    assert not Answer.objects.exists()


def test_an_unchanged_save_writes_nothing_and_leaves_no_history_line(client, world):
    step, url = first_step(world), step_url(world)
    question = step.board_questions.first()
    answers_save(organisation=world.space, step=step, texts={question: "Ligne 1\nLigne 2"}, actor=world.contributor)
    before = list(SpaceEvent.objects.values_list("pk", flat=True))
    mine = form_on(logged_in(client, world.responsable).get(url).content.decode())
    assert mine[f"reponse_{question.pk}"] == "Ligne 1\r\nLigne 2"  # the browser's line breaks
    response = client.post(url, mine, follow=True)
    assert "Rien n’avait changé" in response.content.decode()
    assert Answer.objects.get(question=question).updated_by == world.contributor
    assert list(SpaceEvent.objects.values_list("pk", flat=True)) == before


def test_two_members_who_write_the_same_answer_meet_no_conflict(world):
    step = first_step(world)
    question = step.board_questions.first()
    answers_save(organisation=world.space, step=step, texts={question: "Oui"}, actor=world.contributor)
    assert answers_save(organisation=world.space, step=step, texts={question: "Oui"}, shown={question: ""},
                        actor=world.responsable) == 0


def test_the_service_refuses_to_overwrite_an_answer_changed_since_the_page_showed_it(world):
    step = first_step(world)
    first, second = list(step.board_questions.all())[:2]
    answers_save(organisation=world.space, step=step, texts={first: "Avant"}, actor=world.contributor)
    with pytest.raises(AnswersConflict) as refused:
        answers_save(organisation=world.space, step=step, texts={first: "Moi", second: "Aussi"},
                     shown={first: "Autre chose", second: ""}, actor=world.responsable)
    assert list(refused.value.answers) == [first] and refused.value.answers[first].text == "Avant"
    assert list(Answer.objects.values_list("text", flat=True)) == ["Avant"]  # nothing written, not even the second


# What the page says ----------------------------------------------------------------------------------------------

def test_a_reader_is_told_why_the_step_has_no_form(client, world):
    page = logged_in(client, world.reader).get(step_url(world)).content.decode()
    assert "Votre rôle de lecteur·rice permet de lire l’étape" in page
    page = logged_in(client, world.contributor).get(step_url(world)).content.decode()
    assert "Votre rôle de" not in page


def test_a_finished_step_keeps_its_number_next_to_its_mark(client, world):
    steps = list(first_step(world).parcours.steps.all())
    space_step_status_set(organisation=world.space, step=steps[0], status="terminee", actor=world.contributor)
    space_step_status_set(organisation=world.space, step=steps[1], status="non_concernee", actor=world.contributor)
    page = logged_in(client, world.reader).get(f"/mon-modele/{world.space.pk}/demarche/").content.decode()
    assert '<span class="hub-stepper__icon" aria-hidden="true">1<span class="hub-method__mark">✓</span></span>' in page
    assert '<span class="hub-stepper__icon" aria-hidden="true">2<span class="hub-method__mark">–</span></span>' in page
    assert '<span class="hub-stepper__icon" aria-hidden="true">3</span>' in page
