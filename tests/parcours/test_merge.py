import pytest
from django.contrib.auth import get_user_model

from parcours import services
from parcours.models import Enrolment, SavedFiche, StepProgress
from parcours.services import merge_notes, progress_merge_session
from tests.factories import make_fiche, make_parcours
from tests.signup import sign_up

pytestmark = pytest.mark.django_db

User = get_user_model()
SIGNUP = {"email": "dana@example.org", "display_name": "", "password1": "un-mot-de-passe-solide",
          "password2": "un-mot-de-passe-solide"}
ALICE = {"username": "alice@example.org", "password": "pw-alice-123"}


def _steps(parcours):
    return list(parcours.steps.order_by("order"))


def _set_status(client, step, status):
    response = client.post(f"/parcours/{step.parcours.slug}/{step.slug}/statut/", {"statut": status})
    assert response.status_code == 302


def _set_note(client, step, note):
    response = client.post(f"/parcours/{step.parcours.slug}/{step.slug}/notes/", {"note": note})
    assert response.status_code == 302


def _progress(user):
    return {row.step_id: (row.status, row.note) for row in StepProgress.objects.filter(user=user)}


# A visitor signs up


def test_visitor_progress_moves_into_the_new_account_at_sign_up(visitor):
    parcours = make_parcours(steps=3)
    first, second, third = _steps(parcours)
    assert visitor.post(f"/parcours/{parcours.slug}/commencer/").status_code == 302
    _set_status(visitor, first, "terminee")
    _set_note(visitor, first, "Ce que j’ai appris.")
    _set_status(visitor, second, "non_concernee")
    _set_note(visitor, third, "Une idée pour plus tard.")

    assert sign_up(visitor, SIGNUP).status_code == 302

    user = User.objects.get(email="dana@example.org")
    assert _progress(user) == {
        first.pk: ("terminee", "Ce que j’ai appris."),
        second.pk: ("non_concernee", ""),
        third.pk: ("a_faire", "Une idée pour plus tard."),
    }
    assert StepProgress.objects.get(user=user, step=first).completed_at is not None
    assert Enrolment.objects.filter(user=user, parcours=parcours).exists()


def test_session_progress_is_removed_once_merged(visitor):
    step = _steps(make_parcours(steps=1))[0]
    _set_status(visitor, step, "en_cours")
    assert "hub_parcours" in visitor.session
    sign_up(visitor, SIGNUP)
    assert "hub_parcours" not in visitor.session


def test_the_chosen_depth_is_kept_at_sign_up(visitor):
    parcours = make_parcours(steps=2, depths=("decouverte", "approfondissement"))
    visitor.post(f"/parcours/{parcours.slug}/commencer/", {"niveau": "approfondissement"})
    sign_up(visitor, SIGNUP)
    user = User.objects.get(email="dana@example.org")
    assert Enrolment.objects.get(user=user, parcours=parcours).depth == "approfondissement"


def test_sign_up_tells_how_many_steps_were_added(visitor):
    first, second = _steps(make_parcours(steps=2))
    _set_status(visitor, first, "terminee")
    _set_status(visitor, second, "en_cours")
    response = sign_up(visitor, SIGNUP, follow=True)
    assert "ajoutée à votre compte (2 étapes)" in response.content.decode()


def test_sign_up_without_visitor_progress_creates_no_row(visitor):
    sign_up(visitor, SIGNUP)
    user = User.objects.get(email="dana@example.org")
    assert not StepProgress.objects.filter(user=user).exists()
    assert not Enrolment.objects.filter(user=user).exists()


# An existing account logs in


@pytest.mark.parametrize(
    "in_account, in_browser, expected",
    [
        ("a_faire", "en_cours", "en_cours"),
        ("en_cours", "a_faire", "en_cours"),
        ("en_cours", "non_concernee", "non_concernee"),
        ("non_concernee", "en_cours", "non_concernee"),
        ("non_concernee", "terminee", "terminee"),
        ("terminee", "non_concernee", "terminee"),
        ("terminee", "a_faire", "terminee"),
    ],
)
def test_at_login_the_most_advanced_status_wins(visitor, learner, in_account, in_browser, expected):
    step = _steps(make_parcours(steps=1))[0]
    services.progress_set_status(user=learner, step=step, status=in_account)
    _set_status(visitor, step, in_browser)
    assert visitor.post("/compte/connexion/", ALICE).status_code == 302
    row = StepProgress.objects.get(user=learner, step=step)
    assert row.status == expected
    assert (row.completed_at is not None) == (expected in ("terminee", "non_concernee"))


def test_at_login_both_notes_are_kept_account_first(visitor, learner):
    step = _steps(make_parcours(steps=1))[0]
    services.progress_set_note(user=learner, step=step, note="Note du compte")
    _set_note(visitor, step, "Note du navigateur")
    visitor.post("/compte/connexion/", ALICE)
    assert StepProgress.objects.get(user=learner, step=step).note == "Note du compte\n\n---\n\nNote du navigateur"


def test_at_login_an_identical_note_is_not_duplicated(visitor, learner):
    step = _steps(make_parcours(steps=1))[0]
    services.progress_set_note(user=learner, step=step, note="La même note")
    _set_note(visitor, step, "La même note")
    visitor.post("/compte/connexion/", ALICE)
    assert StepProgress.objects.get(user=learner, step=step).note == "La même note"


def test_at_login_the_account_note_survives_an_empty_browser_note(visitor, learner):
    step = _steps(make_parcours(steps=1))[0]
    services.progress_set_note(user=learner, step=step, note="Note du compte")
    _set_status(visitor, step, "terminee")
    visitor.post("/compte/connexion/", ALICE)
    assert _progress(learner) == {step.pk: ("terminee", "Note du compte")}


def test_at_login_steps_only_in_the_browser_are_added_and_others_untouched(visitor, learner):
    first, second, third = _steps(make_parcours(steps=3))
    services.progress_set_status(user=learner, step=first, status="terminee")
    _set_status(visitor, second, "en_cours")
    visitor.post("/compte/connexion/", ALICE)
    assert _progress(learner) == {first.pk: ("terminee", ""), second.pk: ("en_cours", "")}


def test_at_login_the_account_depth_is_kept(visitor, learner):
    parcours = make_parcours(steps=2, depths=("decouverte", "approfondissement"))
    services.enrolment_set_depth(user=learner, parcours=parcours, depth="decouverte")
    visitor.post(f"/parcours/{parcours.slug}/commencer/", {"niveau": "approfondissement"})
    visitor.post("/compte/connexion/", ALICE)
    assert Enrolment.objects.get(user=learner, parcours=parcours).depth == "decouverte"


def test_login_removes_the_session_progress(visitor, learner):
    step = _steps(make_parcours(steps=1))[0]
    _set_status(visitor, step, "terminee")
    visitor.post("/compte/connexion/", ALICE)
    assert "hub_parcours" not in visitor.session


def test_a_failed_login_keeps_the_session_progress(visitor, learner):
    step = _steps(make_parcours(steps=1))[0]
    _set_status(visitor, step, "terminee")
    visitor.post("/compte/connexion/", {"username": "alice@example.org", "password": "pas-le-bon"})
    assert "hub_parcours" in visitor.session
    assert not StepProgress.objects.filter(user=learner).exists()


def test_steps_deleted_meanwhile_are_ignored(visitor, learner):
    first, second = _steps(make_parcours(steps=2))
    _set_status(visitor, first, "terminee")
    _set_note(visitor, second, "Note d’une étape supprimée")
    second.delete()
    assert visitor.post("/compte/connexion/", ALICE).status_code == 302
    assert _progress(learner) == {first.pk: ("terminee", "")}


def test_a_parcours_deleted_meanwhile_is_ignored(visitor, learner):
    parcours = make_parcours(steps=1)
    _set_status(visitor, _steps(parcours)[0], "terminee")
    parcours.delete()
    assert sign_up(visitor, SIGNUP).status_code == 302
    user = User.objects.get(email="dana@example.org")
    assert not StepProgress.objects.filter(user=user).exists()
    assert not Enrolment.objects.filter(user=user).exists()


def test_saved_fiches_are_merged_at_login(visitor, learner):
    already = make_fiche()
    both = make_fiche()
    new = make_fiche()
    services.fiche_set_saved(user=learner, fiche=already, saved=True)
    services.fiche_set_saved(user=learner, fiche=both, saved=True)
    assert visitor.post(f"/mon-espace/fiches/{both.slug}/").status_code == 302
    assert visitor.post(f"/mon-espace/fiches/{new.slug}/").status_code == 302
    assert visitor.post("/compte/connexion/", ALICE).status_code == 302
    assert set(SavedFiche.objects.filter(user=learner).values_list("fiche", flat=True)) == {already.pk, both.pk, new.pk}


def test_saved_fiches_are_merged_at_sign_up(visitor):
    fiche = make_fiche()
    visitor.post(f"/mon-espace/fiches/{fiche.slug}/")
    sign_up(visitor, SIGNUP)
    assert SavedFiche.objects.filter(user__email="dana@example.org", fiche=fiche).exists()


def test_a_fiche_removed_in_the_browser_is_not_merged(visitor, learner):
    fiche = make_fiche()
    visitor.post(f"/mon-espace/fiches/{fiche.slug}/")
    visitor.post(f"/mon-espace/fiches/{fiche.slug}/", {"action": "retirer"})
    visitor.post("/compte/connexion/", ALICE)
    assert not SavedFiche.objects.filter(user=learner).exists()


def test_another_persons_progress_is_not_touched_by_a_merge(visitor, learner, other_learner):
    step = _steps(make_parcours(steps=1))[0]
    services.progress_set_note(user=other_learner, step=step, note="Note de Bob")
    _set_note(visitor, step, "Note du navigateur")
    visitor.post("/compte/connexion/", ALICE)
    assert _progress(other_learner) == {step.pk: ("a_faire", "Note de Bob")}
    assert _progress(learner) == {step.pk: ("a_faire", "Note du navigateur")}


# merge_notes


@pytest.mark.parametrize(
    "kept, incoming, expected",
    [
        ("", "", ""),
        ("Compte", "", "Compte"),
        ("", "Navigateur", "Navigateur"),
        ("Même", "Même", "Même"),
        ("  Même\n", "Même  ", "Même"),
        # A short note found inside the other is still a note of its own: both are kept.
        ("Une note plus longue", "note", "Une note plus longue\n\n---\n\nnote"),
        ("note", "Une note plus longue", "note\n\n---\n\nUne note plus longue"),
        ("Compte\n\n---\n\nNavigateur", "Navigateur", "Compte\n\n---\n\nNavigateur"),
        ("Compte", "Navigateur", "Compte\n\n---\n\nNavigateur"),
    ],
)
def test_merge_notes(kept, incoming, expected):
    assert merge_notes(kept, incoming) == expected


def test_merging_twice_does_not_repeat_a_note():
    once = merge_notes("Compte", "Navigateur")
    assert merge_notes(once, "Navigateur") == once


# progress_merge_session with what a session may hold


@pytest.mark.parametrize("data", [None, {}, [], {"steps": {}, "depths": {}, "saved": []}])
def test_merging_nothing_returns_zero(learner, data):
    assert progress_merge_session(user=learner, data=data) == 0
    assert not StepProgress.objects.filter(user=learner).exists()


def test_non_numeric_step_keys_are_ignored(learner):
    step = _steps(make_parcours(steps=1))[0]
    data = {"steps": {"abc": {"status": "terminee"}, "": {}, "-3": {}, "1.5": {}, str(step.pk): {"status": "en_cours"}}}
    assert progress_merge_session(user=learner, data=data) == 1
    assert _progress(learner) == {step.pk: ("en_cours", "")}


def test_a_digit_like_key_that_is_not_a_number_is_ignored(learner):
    # "²".isdigit() is True, but int("²") raises ValueError.
    step = _steps(make_parcours(steps=1))[0]
    data = {"steps": {"²": {"status": "terminee"}, str(step.pk): {"status": "en_cours"}}}
    assert progress_merge_session(user=learner, data=data) == 1
    assert _progress(learner) == {step.pk: ("en_cours", "")}


def test_an_unknown_status_counts_as_a_faire(learner):
    step = _steps(make_parcours(steps=1))[0]
    progress_merge_session(user=learner, data={"steps": {str(step.pk): {"status": "bientot", "note": "n"}}})
    assert _progress(learner) == {step.pk: ("a_faire", "n")}


def test_an_unknown_status_never_downgrades_the_account(learner):
    step = _steps(make_parcours(steps=1))[0]
    services.progress_set_status(user=learner, step=step, status="terminee")
    progress_merge_session(user=learner, data={"steps": {str(step.pk): {"status": "bientot"}}})
    assert _progress(learner) == {step.pk: ("terminee", "")}


def test_an_empty_step_entry_creates_no_row(learner):
    """Rows only for steps the visitor acted on: the admin's « started » count stays honest."""
    step = _steps(make_parcours(steps=1))[0]
    assert progress_merge_session(user=learner, data={"steps": {str(step.pk): {}}}) == 0
    assert _progress(learner) == {}


def test_unknown_step_ids_are_ignored(learner):
    assert progress_merge_session(user=learner, data={"steps": {"987654": {"status": "terminee"}}}) == 0
    assert not StepProgress.objects.filter(user=learner).exists()


def test_junk_depths_and_saved_ids_are_ignored(learner):
    parcours = make_parcours(steps=1)
    step = _steps(parcours)[0]
    fiche = make_fiche()
    data = {
        "steps": {str(step.pk): {"status": "terminee"}},
        "depths": {"x": "decouverte", "987654": "decouverte"},
        "saved": [str(fiche.pk), None, 987654, fiche.pk],
    }
    assert progress_merge_session(user=learner, data=data) == 1
    assert list(Enrolment.objects.filter(user=learner).values_list("parcours", flat=True)) == [parcours.pk]
    assert list(SavedFiche.objects.filter(user=learner).values_list("fiche", flat=True)) == [fiche.pk]


def test_a_step_entry_that_is_none_does_not_raise(learner):
    step = _steps(make_parcours(steps=1))[0]
    progress_merge_session(user=learner, data={"steps": {str(step.pk): None}})
    assert _progress(learner) in ({}, {step.pk: ("a_faire", "")})


def test_sections_that_are_none_do_not_raise(learner):
    assert progress_merge_session(user=learner, data={"steps": None, "depths": None, "saved": None}) == 0


def test_a_note_that_is_none_is_not_stored_as_the_word_none(learner):
    step = _steps(make_parcours(steps=1))[0]
    progress_merge_session(user=learner, data={"steps": {str(step.pk): {"status": "en_cours", "note": None}}})
    assert _progress(learner) == {step.pk: ("en_cours", "")}


def test_a_corrupted_session_never_blocks_login(visitor, learner):
    step = _steps(make_parcours(steps=1))[0]
    session = visitor.session
    session["hub_parcours"] = {"steps": {str(step.pk): None}, "depths": {}, "saved": []}
    session.save()
    response = visitor.post("/compte/connexion/", ALICE)
    assert response.status_code == 302


def test_a_note_merged_past_the_limit_can_still_be_saved_unchanged_but_not_grown(visitor, learner):
    step = _steps(make_parcours(steps=1))[0]
    services.progress_set_note(user=learner, step=step, note="a" * 4000)
    _set_note(visitor, step, "b" * 4000)
    visitor.post("/compte/connexion/", ALICE)
    merged = StepProgress.objects.get(user=learner, step=step).note
    assert len(merged) > 5000
    url = f"/parcours/{step.parcours.slug}/{step.slug}/notes/"
    assert visitor.post(url, {"note": merged}).status_code == 302
    assert visitor.post(url, {"note": merged + "c"}).status_code == 400
    assert StepProgress.objects.get(user=learner, step=step).note == merged


def test_the_closing_date_recorded_in_the_browser_becomes_the_accounts(visitor, learner):
    step = _steps(make_parcours(steps=1))[0]
    _set_status(visitor, step, "terminee")
    session = visitor.session
    session["hub_parcours"]["steps"][str(step.pk)]["closed_at"] = "2024-03-14T10:00:00+00:00"
    session.save()
    visitor.post("/compte/connexion/", ALICE)
    row = StepProgress.objects.get(user=learner, step=step)
    assert row.completed_at.isoformat().startswith("2024-03-14")
