import pytest

from parcours import services
from parcours.models import Step
from tests.factories import make_parcours, make_step

pytestmark = pytest.mark.django_db

INFERRED = "Les intitulés d’étapes livrés sont déduits par la rédaction du hub"
SECRET_NOTE = "Note très personnelle 7f3a"


def _steps(parcours):
    return list(parcours.steps.order_by("order"))


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# Editing parcours and steps


def test_staff_opens_the_parcours_list_with_a_stats_link(staff_client):
    parcours = make_parcours(steps=1, title="Qualifier son modèle")
    html = _html(staff_client, "/admin/parcours/parcours/")
    assert "Qualifier son modèle" in html
    assert f'href="/admin/parcours/parcours/{parcours.pk}/statistiques/"' in html


def test_parcours_change_page_lists_its_steps_by_order(staff_client):
    parcours = make_parcours()
    make_step(parcours, order=3, title="Troisième étape")
    make_step(parcours, order=1, title="Première étape")
    make_step(parcours, order=2, title="Deuxième étape")
    html = _html(staff_client, f"/admin/parcours/parcours/{parcours.pk}/change/")
    positions = [html.index(f'value="{title}"') for title in ("Première étape", "Deuxième étape", "Troisième étape")]
    assert positions == sorted(positions)


def test_parcours_change_page_explains_the_inferred_titles(staff_client):
    parcours = make_parcours(steps=1)
    assert INFERRED in _html(staff_client, f"/admin/parcours/parcours/{parcours.pk}/change/")


def test_staff_opens_the_step_list(staff_client):
    parcours = make_parcours(title="Qualifier son modèle")
    make_step(parcours, title="Repérer ses ressources")
    html = _html(staff_client, "/admin/parcours/step/")
    assert "Repérer ses ressources" in html
    assert "Qualifier son modèle" in html


def test_step_change_page_explains_the_inferred_title(staff_client):
    step = make_step(make_parcours(), title="Repérer ses ressources")
    html = _html(staff_client, f"/admin/parcours/step/{step.pk}/change/")
    assert 'value="Repérer ses ressources"' in html
    assert INFERRED in html
    assert "À confirmer" in html


def _step_form(step, **overrides):
    data = {
        "parcours": step.parcours_id,
        "order": step.order,
        "depth": step.depth,
        "minutes": step.minutes,
        "title": step.title,
        "provenance": step.provenance,
        "slug": step.slug,
        "objective": step.objective,
        "questions": step.questions,
        "body": step.body,
        "sources-TOTAL_FORMS": "0",
        "board_questions-TOTAL_FORMS": "0",
        "board_questions-INITIAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
        "_save": "Enregistrer",
    }
    data.update(overrides)
    return data


def test_staff_saves_a_step_with_three_questions(staff_client):
    step = make_step(make_parcours())
    response = staff_client.post(
        f"/admin/parcours/step/{step.pk}/change/", _step_form(step, questions="Une ?\nDeux ?\nTrois ?")
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.question_list == ["Une ?", "Deux ?", "Trois ?"]


@pytest.mark.parametrize("count", [1, 5])
def test_saving_a_step_with_a_wrong_number_of_questions_shows_an_error(staff_client, count):
    step = make_step(make_parcours())
    questions = "\n".join(f"Question {n} ?" for n in range(count))
    response = staff_client.post(f"/admin/parcours/step/{step.pk}/change/", _step_form(step, questions=questions))
    assert response.status_code == 200
    assert "Une étape compte de 2 à 4 questions" in response.content.decode()
    step.refresh_from_db()
    assert len(step.question_list) == 2


def test_blank_lines_do_not_count_as_questions(staff_client):
    step = make_step(make_parcours())
    response = staff_client.post(
        f"/admin/parcours/step/{step.pk}/change/", _step_form(step, questions="Une ?\n\n   \n")
    )
    assert "Une étape compte de 2 à 4 questions" in response.content.decode()


@pytest.mark.parametrize("slug", ["commencer", "attestation"])
def test_a_reserved_step_slug_is_refused(staff_client, slug):
    step = make_step(make_parcours())
    response = staff_client.post(f"/admin/parcours/step/{step.pk}/change/", _step_form(step, slug=slug))
    assert "est réservé par le site" in response.content.decode()


def test_an_inline_step_with_five_questions_shows_an_error(staff_client):
    parcours = make_parcours()
    step = make_step(parcours)
    data = {
        "title": parcours.title, "slug": parcours.slug, "kind": parcours.kind, "order": parcours.order,
        "summary": parcours.summary, "audience": "", "source_url": "",
        "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "1", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000",
        **{f"steps-0-{key}": value for key, value in _step_form(step).items() if key != "_save"},
        "steps-0-id": step.pk,
        "steps-0-questions": "\n".join(f"Question {n} ?" for n in range(5)),
        "_save": "Enregistrer",
    }
    response = staff_client.post(f"/admin/parcours/parcours/{parcours.pk}/change/", data)
    assert response.status_code == 200
    assert "Une étape compte de 2 à 4 questions" in response.content.decode()


# Statistics


@pytest.fixture
def crowd(django_user_model):
    """Six people on a parcours of three steps (two « découverte », one « approfondissement »)."""
    parcours = make_parcours(steps=3, depths=("decouverte", "decouverte", "approfondissement"))
    first, second, third = _steps(parcours)
    people = [django_user_model.objects.create_user(username=f"personne-{n}", password="x") for n in range(7)]
    plan = {
        0: [(first, "terminee"), (second, "non_concernee"), (third, "terminee")],  # everything
        1: [(first, "terminee"), (second, "terminee")],  # découverte
        2: [(first, "en_cours")],
        3: [(first, "a_faire")],
        4: [(second, "non_concernee"), (third, "terminee")],  # skipped the first step
    }
    for index, steps in plan.items():
        for step, status in steps:
            services.progress_set_status(user=people[index], step=step, status=status)
    services.enrolment_set_depth(user=people[5], parcours=parcours, depth="decouverte")  # chose, did nothing
    elsewhere = make_parcours(steps=1)
    services.progress_set_status(user=people[6], step=_steps(elsewhere)[0], status="terminee")
    return parcours


def test_stats_count_the_people_who_started(staff_client, crowd):
    response = staff_client.get(f"/admin/parcours/parcours/{crowd.pk}/statistiques/")
    assert response.status_code == 200
    assert response.context["started"] == 6


def test_stats_count_who_finished_each_depth(staff_client, crowd):
    response = staff_client.get(f"/admin/parcours/parcours/{crowd.pk}/statistiques/")
    assert response.context["finished"] == [("Découverte", 2), ("Approfondissement", 1)]
    assert "Terminé : découverte</th><td>2</td>" in response.content.decode()


def test_stats_funnel_counts_each_status_per_step(staff_client, crowd):
    response = staff_client.get(f"/admin/parcours/parcours/{crowd.pk}/statistiques/")
    funnel = [(row.number, row.in_progress, row.done, row.not_concerned, row.reached)
              for row in response.context["funnel"]]
    assert funnel == [(1, 1, 2, 0, 3), (2, 0, 1, 2, 3), (3, 0, 2, 0, 2)]
    assert [row.step for row in response.context["funnel"]] == _steps(crowd)


def test_stats_of_a_parcours_without_levels(staff_client, learner, other_learner):
    parcours = make_parcours(steps=2)
    for step in _steps(parcours):
        services.progress_set_status(user=learner, step=step, status="terminee")
    services.progress_set_status(user=other_learner, step=_steps(parcours)[0], status="terminee")
    response = staff_client.get(f"/admin/parcours/parcours/{parcours.pk}/statistiques/")
    assert response.context["started"] == 2
    assert response.context["finished"] == [("Toutes les étapes", 1)]


def test_stats_of_a_parcours_nobody_started(staff_client):
    parcours = make_parcours(steps=2)
    response = staff_client.get(f"/admin/parcours/parcours/{parcours.pk}/statistiques/")
    assert response.context["started"] == 0
    assert [row.reached for row in response.context["funnel"]] == [0, 0]


def test_stats_of_an_unknown_parcours_is_a_404(staff_client):
    assert staff_client.get("/admin/parcours/parcours/987654/statistiques/").status_code == 404


def test_non_staff_is_sent_to_the_admin_login(learner_client):
    url = f"/admin/parcours/parcours/{make_parcours(steps=1).pk}/statistiques/"
    response = learner_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_anonymous_is_sent_to_the_admin_login(visitor):
    response = visitor.get(f"/admin/parcours/parcours/{make_parcours().pk}/statistiques/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_permission_on_parcours_cannot_see_the_stats(client, django_user_model):
    editor = django_user_model.objects.create_user(username="eve", password="x", is_staff=True)
    client.force_login(editor)
    assert client.get(f"/admin/parcours/parcours/{make_parcours().pk}/statistiques/").status_code == 403


# People's notes stay out of the admin


@pytest.fixture
def noted(learner):
    parcours = make_parcours(steps=2)
    step = _steps(parcours)[0]
    services.progress_set_status(user=learner, step=step, status="terminee")
    services.progress_set_note(user=learner, step=step, note=SECRET_NOTE)
    return step


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/parcours/",
        "/admin/parcours/parcours/",
        "/admin/parcours/parcours/{parcours}/change/",
        "/admin/parcours/parcours/{parcours}/statistiques/",
        "/admin/parcours/parcours/{parcours}/delete/",
        "/admin/parcours/step/",
        "/admin/parcours/step/{step}/change/",
        "/admin/parcours/step/{step}/delete/",
        "/admin/auth/user/",
        "/admin/auth/user/{user}/change/",
        "/admin/auth/user/{user}/delete/",
    ],
)
def test_a_persons_note_never_appears_in_the_admin(staff_client, learner, noted, url):
    html = _html(staff_client, url.format(parcours=noted.parcours_id, step=noted.pk, user=learner.pk))
    assert SECRET_NOTE not in html


@pytest.mark.parametrize("model", ["stepprogress", "enrolment", "savedfiche", "profile"])
def test_progress_has_no_admin_page(staff_client, noted, model):
    assert staff_client.get(f"/admin/parcours/{model}/").status_code == 404


def test_deleting_a_step_in_the_admin_deletes_its_progress(staff_client, learner, noted):
    response = staff_client.post(f"/admin/parcours/step/{noted.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Step.objects.filter(pk=noted.pk).exists()
    assert not learner.step_progress.exists()


# The step list: parcours after parcours, each in its order; searched like the site


def _listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [step.title for step in response.context["cl"].result_list]


def test_step_list_reads_parcours_by_parcours_in_their_order(staff_client):
    second, first = make_parcours(order=2), make_parcours(order=1)
    make_step(second, order=1, title="B1")
    make_step(first, order=2, title="A2")
    make_step(second, order=2, title="B2")
    make_step(first, order=1, title="A1")
    assert _listed(staff_client, "/admin/parcours/step/") == ["A1", "A2", "B1", "B2"]
    assert _listed(staff_client, f"/admin/parcours/step/?parcours__id__exact={second.pk}") == ["B1", "B2"]
    html = _html(staff_client, "/admin/parcours/step/")
    assert html.index("column-parcours_title") < html.index("column-order") < html.index("column-title")


def test_step_search_ignores_accents_and_reads_objectives_and_contents(staff_client):
    parcours = make_parcours()
    make_step(parcours, title="Mobiliser", objective="Savoir accueillir des Bénévoles.", body="Rien d’autre.")
    make_step(parcours, title="Financer", objective="Connaître les aides.", body="Le mécénat d’entreprise.")
    make_step(parcours, title="Les bénévoles", objective="Comprendre.", body="Texte.")
    assert sorted(_listed(staff_client, "/admin/parcours/step/?q=benevole")) == ["Les bénévoles", "Mobiliser"]
    assert _listed(staff_client, "/admin/parcours/step/?q=MECENAT") == ["Financer"]
    assert _listed(staff_client, "/admin/parcours/step/?q=-mecenat") == []
