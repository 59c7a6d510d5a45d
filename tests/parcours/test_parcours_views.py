import html as html_lib
import re
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.content_cache import bump_content_version
from parcours.models import Enrolment, Status, StepProgress
from parcours.services import progress_set_note, progress_set_status
from tests.factories import make_fiche, make_parcours, make_step

pytestmark = pytest.mark.django_db


def text(response):
    """The page as a reader sees it: entities such as &#8239; decoded."""
    return html_lib.unescape(response.content.decode())


@pytest.fixture
def qualifier():
    """Four steps over two cumulative levels: découverte (1, 2) then approfondissement (3, 4)."""
    parcours = make_parcours(slug="qualifier", title="Qualifier son modèle")
    for order, depth in enumerate(["decouverte", "decouverte", "approfondissement", "approfondissement"], 1):
        make_step(parcours, order=order, slug=f"etape-{order}", title=f"Étape {order} du parcours", depth=depth)
    return parcours


def test_visitor_reads_the_parcours_list_and_page_without_an_account(visitor, qualifier):
    assert "Qualifier son modèle" in visitor.get("/parcours/").content.decode()
    page = visitor.get("/parcours/qualifier/")
    assert page.status_code == 200
    assert page.context["outline"].depth == "decouverte"
    assert "Commencer au niveau découverte" in page.content.decode()


def test_parcours_page_shows_the_time_of_each_level_and_of_the_chosen_one(visitor, qualifier):
    html = text(visitor.get("/parcours/qualifier/?niveau=approfondissement"))
    assert "1\u202fh" in html and "2\u202fh" in html
    assert "0 sur 4 étapes (0\u202f%)" in html


def test_unknown_level_gives_400(visitor, qualifier):
    assert visitor.get("/parcours/qualifier/?niveau=expert").status_code == 400
    assert visitor.post("/parcours/qualifier/commencer/", {"niveau": "expert"}).status_code == 400


def test_unknown_parcours_or_step_gives_404(visitor, qualifier):
    other = make_parcours(steps=1)
    foreign = other.steps.get()
    assert visitor.get("/parcours/inconnu/").status_code == 404
    assert visitor.get("/parcours/qualifier/inconnue/").status_code == 404
    assert visitor.get(f"/parcours/qualifier/{foreign.slug}/").status_code == 404
    assert visitor.post(f"/parcours/qualifier/{foreign.slug}/statut/", {"statut": "terminee"}).status_code == 404


def test_commencer_records_the_level_and_opens_the_first_step(learner_client, learner, qualifier):
    response = learner_client.post("/parcours/qualifier/commencer/", {"niveau": "approfondissement"})
    assert response["Location"] == "/parcours/qualifier/etape-1/"
    assert Enrolment.objects.get(user=learner).depth == "approfondissement"


def test_marquer_comme_terminee_is_one_click_and_goes_to_the_next_step(learner_client, learner, qualifier):
    response = learner_client.post("/parcours/qualifier/etape-1/statut/", {"statut": "terminee"})
    assert response["Location"] == "/parcours/qualifier/etape-2/"
    row = StepProgress.objects.get(user=learner)
    assert row.status == Status.DONE and row.completed_at is not None


def test_finishing_the_last_step_of_the_level_returns_to_the_parcours(learner_client, qualifier):
    learner_client.post("/parcours/qualifier/commencer/", {"niveau": "decouverte"})
    learner_client.post("/parcours/qualifier/etape-1/statut/", {"statut": "terminee"})
    response = learner_client.post("/parcours/qualifier/etape-2/statut/", {"statut": "non_concernee"})
    assert response["Location"] == "/parcours/qualifier/#progression"
    html = text(learner_client.get("/parcours/qualifier/"))
    assert "2 sur 2 étapes (100\u202f%)" in html
    assert "/parcours/qualifier/attestation/decouverte/" in html


def test_reprendre_goes_to_the_first_step_neither_done_nor_skipped(learner_client, learner, qualifier):
    steps = list(qualifier.steps.all())
    learner_client.post("/parcours/qualifier/commencer/", {"niveau": "approfondissement"})
    progress_set_status(user=learner, step=steps[0], status=Status.DONE)
    progress_set_status(user=learner, step=steps[1], status=Status.IN_PROGRESS)
    progress_set_status(user=learner, step=steps[2], status=Status.DONE)
    page = learner_client.get("/parcours/qualifier/").content.decode()
    assert "Reprendre" in page and "Commencer" not in page
    response = learner_client.post("/parcours/qualifier/commencer/", {"niveau": "approfondissement"})
    assert response["Location"] == "/parcours/qualifier/etape-2/"


def test_status_changes_only_by_post(learner_client, qualifier):
    assert learner_client.get("/parcours/qualifier/etape-1/statut/").status_code == 405
    assert learner_client.get("/parcours/qualifier/etape-1/notes/").status_code == 405
    assert learner_client.get("/parcours/qualifier/commencer/").status_code == 405
    assert not StepProgress.objects.exists()


@pytest.mark.parametrize("value", ["fini", "", "TERMINEE", "terminee\x00"])
def test_unknown_status_gives_400_and_writes_nothing(learner_client, qualifier, value):
    assert learner_client.post("/parcours/qualifier/etape-1/statut/", {"statut": value}).status_code == 400
    assert not StepProgress.objects.exists()


def test_status_form_is_refused_without_csrf_token(learner, qualifier):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post("/parcours/qualifier/etape-1/statut/", {"statut": "terminee"}).status_code == 403
    assert client.post("/parcours/qualifier/etape-1/notes/", {"note": "x"}).status_code == 403
    assert not StepProgress.objects.exists()


def test_step_page_forms_carry_the_csrf_token(learner_client, qualifier):
    html = learner_client.get("/parcours/qualifier/etape-1/").content.decode()
    assert html.count('name="csrfmiddlewaretoken"') >= 2  # notes (the status buttons belong to it), log-out
    assert html.count('form="notes-form" formaction="/parcours/qualifier/etape-1/statut/"') >= 3


def test_double_click_on_terminee_keeps_one_row(learner_client, learner, qualifier):
    for _ in range(3):
        learner_client.post("/parcours/qualifier/etape-1/statut/", {"statut": "terminee"})
    assert StepProgress.objects.filter(user=learner).count() == 1


def test_note_is_saved_escaped_and_shown_back(learner_client, learner, qualifier):
    note = "Nos bénévoles <script>alert('x')</script> & partenaires"
    response = learner_client.post("/parcours/qualifier/etape-1/notes/", {"note": note})
    assert response["Location"] == "/parcours/qualifier/etape-1/#notes"
    html = learner_client.get("/parcours/qualifier/etape-1/").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; partenaires" in html
    assert "<script>alert" not in html
    assert StepProgress.objects.get(user=learner).note == note


def test_too_long_note_gives_a_clear_error_and_saves_nothing(learner_client, learner, qualifier):
    response = learner_client.post("/parcours/qualifier/etape-1/notes/", {"note": "x" * 5001})
    assert response.status_code == 400
    assert "dépassent 5000 caractères" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not StepProgress.objects.exists()


def test_note_keeps_the_status(learner_client, learner, qualifier):
    learner_client.post("/parcours/qualifier/etape-1/statut/", {"statut": "terminee"})
    learner_client.post("/parcours/qualifier/etape-1/notes/", {"note": "Après coup"})
    row = StepProgress.objects.get(user=learner)
    assert (row.status, row.note) == (Status.DONE, "Après coup")


def test_visitor_progress_lives_in_the_session_only(visitor, qualifier):
    visitor.post("/parcours/qualifier/etape-1/statut/", {"statut": "terminee"})
    visitor.post("/parcours/qualifier/etape-2/notes/", {"note": "Une idée"})
    assert not StepProgress.objects.exists()
    html = text(visitor.get("/parcours/qualifier/"))
    assert "1 sur 2 étapes (50\u202f%)" in html
    assert "Une idée" in visitor.get("/parcours/qualifier/etape-2/").content.decode()


def test_a_person_only_ever_sees_their_own_status_and_notes(client, learner, other_learner, qualifier):
    step = qualifier.steps.first()
    progress_set_status(user=learner, step=step, status=Status.DONE)
    progress_set_note(user=learner, step=step, note="Note privée d’Alice")
    client.force_login(learner)  # Alice's pages first: their stepper and progress bar are remembered ({% remembered %})
    assert "1 sur 2 étapes" in client.get("/parcours/qualifier/etape-1/").content.decode()
    assert "1 sur 2 étapes" in client.get("/parcours/qualifier/").content.decode()
    client.force_login(other_learner)
    html = client.get("/parcours/qualifier/etape-1/").content.decode()
    assert "Note privée d’Alice" not in html
    assert "0 sur 2 étapes" in html
    assert "0 sur 2 étapes" in client.get("/parcours/qualifier/").content.decode()


def test_step_page_shows_objective_questions_fiches_and_neighbours(visitor, qualifier):
    step = qualifier.steps.get(slug="etape-2")
    fiche = make_fiche(title="Mobiliser des bénévoles")
    draft = make_fiche(title="Brouillon caché", status="draft")
    step.fiches.set([fiche, draft])
    html = visitor.get("/parcours/qualifier/etape-2/").content.decode()
    assert "Savoir faire quelque chose." in html
    assert "Première question ?" in html and "Seconde question ?" in html
    assert "Mobiliser des bénévoles" in html and "Brouillon caché" not in html
    assert 'href="/parcours/qualifier/etape-1/" rel="prev"' in html
    assert 'href="/parcours/qualifier/etape-3/" rel="next"' not in html  # beyond the découverte level
    assert 'aria-current="step"' in html


def test_step_beyond_the_chosen_level_is_still_readable_with_all_neighbours(visitor, qualifier):
    html = visitor.get("/parcours/qualifier/etape-3/").content.decode()
    assert 'href="/parcours/qualifier/etape-2/" rel="prev"' in html
    assert 'href="/parcours/qualifier/etape-4/" rel="next"' in html
    assert "hors de votre niveau" in html


def test_parcours_without_levels_counts_every_step(visitor):
    parcours = make_parcours(slug="trajectoire", steps=3, kind="methodologique")
    page = visitor.get("/parcours/trajectoire/")
    assert page.context["outline"].total == 3
    assert visitor.get("/parcours/trajectoire/?niveau=decouverte").status_code == 400
    assert parcours.steps.count() == 3


def _grow(parcours, learner, other_learner, count):
    for index in range(count):
        step = make_step(parcours, order=100 + index, depth="approfondissement")
        step.fiches.add(make_fiche())
        for user in (learner, other_learner):
            progress_set_status(user=user, step=step, status=Status.DONE)
            progress_set_note(user=user, step=step, note="Une note")


@pytest.mark.parametrize("path", ["/parcours/", "/parcours/qualifier/", "/parcours/qualifier/etape-1/"])
def test_query_count_does_not_grow_with_steps_or_people(
    learner_client, learner, other_learner, qualifier, django_assert_max_num_queries, path
):
    learner_client.get(path)  # warm the session and any per-process cache

    def measured():
        """Queries of a render with the content cache just emptied, then of one served from it."""
        bump_content_version()
        with django_assert_max_num_queries(10) as cold:
            assert learner_client.get(path).status_code == 200
        with django_assert_max_num_queries(10) as warm:
            assert learner_client.get(path).status_code == 200
        return len(cold.captured_queries), len(warm.captured_queries)

    small = measured()
    _grow(qualifier, learner, other_learner, 12)
    assert measured() == small


def test_a_logged_in_step_page_costs_two_queries_and_follows_edits_and_statuses(
    learner_client, learner, qualifier, django_assert_num_queries
):
    learner_client.get("/parcours/qualifier/etape-1/")
    with django_assert_num_queries(2):  # the session with its account; the level with the statuses
        assert "Étape 2 du parcours" in learner_client.get("/parcours/qualifier/etape-1/").content.decode()
    step = qualifier.steps.get(slug="etape-2")
    step.title = "Étape deux, renommée"
    step.save()  # content: the remembered stepper and neighbours are rendered again
    html = learner_client.get("/parcours/qualifier/etape-1/").content.decode()
    assert html.count("Étape deux, renommée") == 2 and "Étape 2 du parcours" not in html  # stepper and « suivante »
    progress_set_status(user=learner, step=step, status=Status.DONE)  # a status: another state, another fragment
    assert "1 sur 2 étapes" in learner_client.get("/parcours/qualifier/etape-1/").content.decode()


def test_visitor_step_page_costs_a_fixed_number_of_queries(visitor, qualifier, django_assert_max_num_queries):
    visitor.post("/parcours/qualifier/etape-1/statut/", {"statut": "terminee"})
    with django_assert_max_num_queries(6):
        assert visitor.get("/parcours/qualifier/etape-2/").status_code == 200


def test_commencer_without_a_level_keeps_the_chosen_one_or_takes_the_first(learner_client, learner, qualifier):
    assert learner_client.post("/parcours/qualifier/commencer/").status_code == 302
    assert Enrolment.objects.get(user=learner).depth == "decouverte"
    learner_client.post("/parcours/qualifier/commencer/", {"niveau": "approfondissement"})
    learner_client.post("/parcours/qualifier/commencer/")
    assert Enrolment.objects.get(user=learner).depth == "approfondissement"


# Nothing typed is lost: the status buttons send the note typed beside them.


def test_marking_a_step_done_saves_the_note_typed_with_it(learner_client, learner, qualifier):
    response = learner_client.post("/parcours/qualifier/etape-1/statut/",
                                   {"statut": "terminee", "note": "  Nos bénévoles portent l’accueil.  "})
    assert response["Location"] == "/parcours/qualifier/etape-2/"
    row = StepProgress.objects.get(user=learner)
    assert (row.status, row.note) == (Status.DONE, "Nos bénévoles portent l’accueil.")
    page = text(learner_client.get("/parcours/qualifier/etape-2/", follow=True))
    assert "Vos notes sont enregistrées." in page


def test_a_status_with_an_unchanged_note_does_not_announce_a_save(learner_client, learner, qualifier):
    step = qualifier.steps.get(slug="etape-1")
    progress_set_note(user=learner, step=step, note="Déjà là")
    learner_client.post("/parcours/qualifier/etape-1/statut/", {"statut": "en_cours", "note": "Déjà là"})
    page = text(learner_client.get("/parcours/qualifier/etape-1/"))
    assert "Vos notes sont enregistrées." not in page
    assert StepProgress.objects.get(user=learner).status == Status.IN_PROGRESS


def test_a_note_too_long_sent_with_a_status_changes_nothing_and_stays_on_the_page(learner_client, learner, qualifier):
    typed = "x" * 5001
    response = learner_client.post("/parcours/qualifier/etape-1/statut/", {"statut": "terminee", "note": typed})
    assert response.status_code == 400
    assert "Vos notes dépassent 5000 caractères" in text(response)
    assert typed in response.content.decode()  # what was typed is still in the box
    assert not StepProgress.objects.filter(user=learner).exists()


def test_a_visitor_marking_a_step_done_keeps_the_note_in_the_session(visitor, qualifier):
    visitor.post("/parcours/qualifier/etape-1/statut/", {"statut": "terminee", "note": "Pour plus tard"})
    assert "Pour plus tard" in visitor.get("/parcours/qualifier/etape-1/").content.decode()


def test_after_a_step_the_next_open_one_comes_skipping_the_closed_ones(learner_client, learner, qualifier):
    learner_client.post("/parcours/qualifier/commencer/", {"niveau": "approfondissement"})
    steps = {step.slug: step for step in qualifier.steps.all()}
    progress_set_status(user=learner, step=steps["etape-2"], status=Status.NOT_CONCERNED)
    progress_set_status(user=learner, step=steps["etape-3"], status=Status.DONE)
    response = learner_client.post("/parcours/qualifier/etape-1/statut/", {"statut": "terminee"})
    assert response["Location"] == "/parcours/qualifier/etape-4/"


def test_after_the_last_step_an_earlier_step_left_open_comes_next(learner_client, learner, qualifier):
    learner_client.post("/parcours/qualifier/commencer/", {"niveau": "approfondissement"})
    steps = {step.slug: step for step in qualifier.steps.all()}
    for slug in ("etape-2", "etape-3"):
        progress_set_status(user=learner, step=steps[slug], status=Status.DONE)
    response = learner_client.post("/parcours/qualifier/etape-4/statut/", {"statut": "terminee"})
    assert response["Location"] == "/parcours/qualifier/etape-1/"


# The path continues


def test_after_commencer_the_parcours_page_says_reprendre_like_mon_espace(learner_client, qualifier):
    learner_client.post("/parcours/qualifier/commencer/", {"niveau": "decouverte"})
    page = text(learner_client.get("/parcours/qualifier/"))
    assert "Reprendre" in page and "Commencer au niveau" not in page
    assert "Reprendre" in text(learner_client.get("/mon-espace/"))


def test_a_finished_level_proposes_the_next_one_on_the_parcours_page_and_in_mon_espace(learner_client, learner,
                                                                                    qualifier):
    learner_client.post("/parcours/qualifier/commencer/", {"niveau": "decouverte"})
    for step in qualifier.steps.filter(depth="decouverte"):
        progress_set_status(user=learner, step=step, status=Status.DONE)
    for url in ("/parcours/qualifier/", "/mon-espace/"):
        page = text(learner_client.get(url))
        assert "Passer au niveau approfondissement (" in page, url
        assert 'name="niveau" value="approfondissement"' in page, url
    response = learner_client.post("/parcours/qualifier/commencer/", {"niveau": "approfondissement"})
    assert response["Location"] == "/parcours/qualifier/etape-3/"
    assert Enrolment.objects.get(user=learner).depth == "approfondissement"


def test_the_deepest_level_proposes_no_further_level(learner_client, learner, qualifier):
    learner_client.post("/parcours/qualifier/commencer/", {"niveau": "approfondissement"})
    for step in qualifier.steps.all():
        progress_set_status(user=learner, step=step, status=Status.DONE)
    assert "Passer au niveau" not in text(learner_client.get("/parcours/qualifier/"))


AUTOSAVE = {"HTTP_X_HUB_AUTOSAVE": "1"}


def test_a_note_saved_as_it_is_typed_answers_in_json_without_a_message_for_the_next_page(
        learner_client, learner, qualifier):
    response = learner_client.post("/parcours/qualifier/etape-1/notes/", {"note": "Premier jet"}, **AUTOSAVE)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["saved"] is True
    # An instant with its offset: the page writes it in the person's own time zone.
    assert abs(datetime.fromisoformat(answer["saved_at"]) - timezone.now()) < timedelta(minutes=1)
    assert StepProgress.objects.get(user=learner).note == "Premier jet"
    # The next page shows no « Vos notes sont enregistrées. »: the step page already said « Enregistré ».
    assert "Vos notes sont enregistrées." not in text(learner_client.get("/parcours/qualifier/etape-1/"))


def test_a_note_too_long_saved_as_typed_says_why_and_keeps_the_saved_one(learner_client, learner, qualifier):
    learner_client.post("/parcours/qualifier/etape-1/notes/", {"note": "Gardée"}, **AUTOSAVE)
    response = learner_client.post("/parcours/qualifier/etape-1/notes/", {"note": "x" * 5001}, **AUTOSAVE)
    assert response.status_code == 400
    assert response.json()["saved"] is False
    assert "dépassent 5000 caractères" in response.json()["message"]
    assert StepProgress.objects.get(user=learner).note == "Gardée"


def test_a_visitor_note_saved_as_typed_stays_in_their_session(visitor, qualifier):
    assert visitor.post("/parcours/qualifier/etape-2/notes/", {"note": "Idée"}, **AUTOSAVE).json()["saved"]
    assert not StepProgress.objects.exists()
    assert "Idée" in visitor.get("/parcours/qualifier/etape-2/").content.decode()


def test_autosave_needs_the_csrf_token_like_the_form(learner, qualifier):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    response = strict.post("/parcours/qualifier/etape-1/notes/", {"note": "Sans jeton"}, **AUTOSAVE)
    assert response.status_code == 403
    assert not StepProgress.objects.exists()


def test_the_step_page_opts_in_to_autosave_and_to_the_unsaved_warning(visitor, qualifier):
    page = visitor.get("/parcours/qualifier/etape-1/").content.decode()
    assert re.search(r'<form[^>]*id="notes-form"[^>]*data-hub-unsaved data-hub-autosave>', page)
    assert "data-hub-autosave-status" in page and 'role="status" data-hub-autosave-live' in page
    assert "js/notes.js" in page and "js/unsaved.js" in page
