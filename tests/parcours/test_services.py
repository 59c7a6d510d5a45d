"""Writes of progress, notes, depths and saved fiches: one row each, whatever the number of calls.

The two trackers (database for an account, session for a visitor) must answer the same.
"""

import pytest
from accounts.sessions import SessionStore

from parcours import services
from parcours.models import Enrolment, SavedFiche, Status, StepProgress
from parcours.tracking import SESSION_KEY, Everything, SessionTracker, StepState, UserTracker, tracker_for
from tests.factories import make_fiche, make_parcours, make_step

pytestmark = pytest.mark.django_db


def row(user, step):
    return StepProgress.objects.get(user=user, step=step)


# --- progress_set_status -----------------------------------------------------------------------------


def test_setting_a_status_creates_one_row(learner):
    step = make_step(make_parcours())
    services.progress_set_status(user=learner, step=step, status="en_cours")
    assert row(learner, step).status == "en_cours"
    assert row(learner, step).completed_at is None


def test_terminee_stamps_the_completion_date(learner):
    step = make_step(make_parcours())
    services.progress_set_status(user=learner, step=step, status="terminee")
    assert row(learner, step).completed_at is not None


def test_a_second_status_updates_the_same_row(learner):
    step = make_step(make_parcours())
    services.progress_set_status(user=learner, step=step, status="terminee")
    first = row(learner, step)
    services.progress_set_status(user=learner, step=step, status="en_cours")
    second = row(learner, step)
    assert StepProgress.objects.filter(user=learner, step=step).count() == 1
    assert second.pk == first.pk
    assert second.status == "en_cours"
    assert second.created_at == first.created_at
    assert second.updated_at >= first.updated_at


@pytest.mark.parametrize("status", ["a_faire", "en_cours"])
def test_reopening_a_step_clears_its_closing_date(learner, status):
    step = make_step(make_parcours())
    services.progress_set_status(user=learner, step=step, status="terminee")
    services.progress_set_status(user=learner, step=step, status=status)
    assert row(learner, step).completed_at is None


def test_non_concernee_closes_the_step_with_a_date_as_terminee_does(learner):
    step = make_step(make_parcours())
    services.progress_set_status(user=learner, step=step, status="non_concernee")
    assert row(learner, step).completed_at is not None


def test_the_same_status_twice_keeps_one_row(learner):
    step = make_step(make_parcours())
    services.progress_set_status(user=learner, step=step, status="terminee")
    services.progress_set_status(user=learner, step=step, status="terminee")
    assert StepProgress.objects.filter(user=learner).count() == 1
    assert Enrolment.objects.filter(user=learner).count() == 1


def test_an_unknown_status_is_refused_before_any_write(learner):
    step = make_step(make_parcours())
    with pytest.raises(ValueError):
        services.progress_set_status(user=learner, step=step, status="abandonnee")
    assert not StepProgress.objects.exists()
    assert not Enrolment.objects.exists()


def test_a_status_keeps_the_note(learner):
    step = make_step(make_parcours())
    services.progress_set_note(user=learner, step=step, note="Mes idées")
    services.progress_set_status(user=learner, step=step, status="terminee")
    assert row(learner, step).note == "Mes idées"


@pytest.mark.parametrize("depth", ["decouverte", "approfondissement", "fondamentaux", ""])
def test_acting_on_a_step_enrols_at_the_step_depth(learner, depth):
    step = make_step(make_parcours(), depth=depth)
    services.progress_set_status(user=learner, step=step, status="en_cours")
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.parcours_id == step.parcours_id
    assert enrolment.depth == depth


def test_acting_on_a_step_keeps_the_depth_already_chosen(learner):
    parcours = make_parcours()
    step = make_step(parcours, depth="decouverte")
    services.enrolment_set_depth(user=learner, parcours=parcours, depth="fondamentaux")
    services.progress_set_status(user=learner, step=step, status="terminee")
    services.progress_set_note(user=learner, step=step, note="Note")
    assert Enrolment.objects.get(user=learner, parcours=parcours).depth == "fondamentaux"


def test_progress_of_one_person_does_not_touch_another(learner, other_learner):
    step = make_step(make_parcours())
    services.progress_set_status(user=learner, step=step, status="terminee")
    services.progress_set_status(user=other_learner, step=step, status="en_cours")
    assert row(learner, step).status == "terminee"
    assert row(other_learner, step).status == "en_cours"


# --- progress_set_note -------------------------------------------------------------------------------


def test_a_note_on_an_untouched_step_creates_a_row_a_faire(learner):
    step = make_step(make_parcours())
    services.progress_set_note(user=learner, step=step, note="Première idée")
    assert (row(learner, step).status, row(learner, step).note) == ("a_faire", "Première idée")
    assert Enrolment.objects.filter(user=learner, parcours=step.parcours).count() == 1


def test_a_note_keeps_the_status_and_its_date(learner):
    step = make_step(make_parcours())
    services.progress_set_status(user=learner, step=step, status="terminee")
    completed_at = row(learner, step).completed_at
    services.progress_set_note(user=learner, step=step, note="Relu")
    assert row(learner, step).status == "terminee"
    assert row(learner, step).completed_at == completed_at
    assert row(learner, step).note == "Relu"


def test_a_note_replaces_the_previous_one_in_the_same_row(learner):
    step = make_step(make_parcours())
    services.progress_set_note(user=learner, step=step, note="Avant")
    services.progress_set_note(user=learner, step=step, note="Après")
    assert StepProgress.objects.filter(user=learner).count() == 1
    assert row(learner, step).note == "Après"


def test_an_empty_note_clears_it(learner):
    step = make_step(make_parcours())
    services.progress_set_note(user=learner, step=step, note="Avant")
    services.progress_set_note(user=learner, step=step, note="")
    assert row(learner, step).note == ""


# --- enrolment_set_depth -----------------------------------------------------------------------------


def test_choosing_a_depth_creates_then_updates_one_enrolment(learner):
    parcours = make_parcours()
    services.enrolment_set_depth(user=learner, parcours=parcours, depth="decouverte")
    started_at = Enrolment.objects.get(user=learner).started_at
    services.enrolment_set_depth(user=learner, parcours=parcours, depth="approfondissement")
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.depth == "approfondissement"
    assert enrolment.started_at == started_at


# --- fiche_set_saved ---------------------------------------------------------------------------------


def test_saving_a_fiche_twice_keeps_one_row(learner):
    fiche = make_fiche()
    services.fiche_set_saved(user=learner, fiche=fiche, saved=True)
    services.fiche_set_saved(user=learner, fiche=fiche, saved=True)
    assert SavedFiche.objects.filter(user=learner, fiche=fiche).count() == 1


def test_removing_a_fiche_twice_is_harmless(learner, other_learner):
    fiche = make_fiche()
    services.fiche_set_saved(user=learner, fiche=fiche, saved=True)
    services.fiche_set_saved(user=other_learner, fiche=fiche, saved=True)
    services.fiche_set_saved(user=learner, fiche=fiche, saved=False)
    services.fiche_set_saved(user=learner, fiche=fiche, saved=False)
    assert not SavedFiche.objects.filter(user=learner).exists()
    assert SavedFiche.objects.filter(user=other_learner).count() == 1


# --- merge_notes and progress_merge_session ----------------------------------------------------------


@pytest.mark.parametrize("kept, incoming, merged", [
    ("", "Visiteur", "Visiteur"),
    ("Compte", "", "Compte"),
    ("Compte", "Compte", "Compte"),
    ("Compte et plus", "Compte", "Compte et plus\n\n---\n\nCompte"),
    ("Compte", "Compte et plus", "Compte\n\n---\n\nCompte et plus"),
    ("Compte", "Visiteur", "Compte\n\n---\n\nVisiteur"),
])
def test_merge_notes_keeps_both_notes(kept, incoming, merged):
    assert services.merge_notes(kept, incoming) == merged


def session_data(**steps):
    return {"steps": steps, "depths": {}, "saved": []}


def test_merging_a_session_keeps_the_most_advanced_status_and_both_notes(learner):
    parcours = make_parcours()
    ahead, behind, new = make_step(parcours), make_step(parcours), make_step(parcours)
    services.progress_set_status(user=learner, step=ahead, status="terminee")
    services.progress_set_note(user=learner, step=ahead, note="Compte")
    services.progress_set_status(user=learner, step=behind, status="en_cours")
    data = session_data(**{
        str(ahead.pk): {"status": "en_cours", "note": "Visiteur"},
        str(behind.pk): {"status": "terminee", "note": ""},
        str(new.pk): {"status": "non_concernee", "note": "Nouvelle"},
    })
    assert services.progress_merge_session(user=learner, data=data) == 3
    assert (row(learner, ahead).status, row(learner, ahead).note) == ("terminee", "Compte\n\n---\n\nVisiteur")
    assert row(learner, behind).status == "terminee"
    assert row(learner, behind).completed_at is not None
    assert (row(learner, new).status, row(learner, new).note) == ("non_concernee", "Nouvelle")
    assert StepProgress.objects.filter(user=learner).count() == 3


def test_merging_ignores_deleted_steps_and_unknown_statuses(learner):
    step = make_step(make_parcours())
    data = session_data(**{"999999": {"status": "terminee", "note": ""}, str(step.pk): {"status": "bidon", "note": ""}})
    assert services.progress_merge_session(user=learner, data=data) == 1
    assert row(learner, step).status == "a_faire"


def test_merging_the_same_session_twice_creates_nothing_more(learner):
    step, fiche = make_step(make_parcours(), depth="approfondissement"), make_fiche()
    data = {"steps": {str(step.pk): {"status": "terminee", "note": "N"}}, "depths": {}, "saved": [fiche.pk]}
    services.progress_merge_session(user=learner, data=data)
    services.progress_merge_session(user=learner, data=data)
    assert StepProgress.objects.filter(user=learner).count() == 1
    assert row(learner, step).note == "N"
    assert list(Enrolment.objects.filter(user=learner).values_list("depth", flat=True)) == ["approfondissement"]
    assert SavedFiche.objects.filter(user=learner).count() == 1


def test_merging_nothing_returns_zero(learner):
    assert services.progress_merge_session(user=learner, data=None) == 0
    assert services.progress_merge_session(user=learner, data={}) == 0


# --- Both trackers behave alike ----------------------------------------------------------------------


class DictSession(dict):
    """The smallest session a SessionTracker needs."""

    modified = False


@pytest.fixture(params=["account", "session-store", "plain-dict"])
def tracker(request, learner):
    if request.param == "account":
        return UserTracker(learner)
    if request.param == "session-store":
        return SessionTracker(SessionStore())
    return SessionTracker(DictSession())


@pytest.fixture
def two_steps():
    parcours = make_parcours()
    return parcours, make_step(parcours, depth="decouverte", order=1), make_step(parcours, depth="fondamentaux", order=2)


def test_a_new_tracker_knows_nothing(tracker, two_steps):
    parcours, first, second = two_steps
    assert tracker.states([first, second]) == {}
    assert tracker.all_states() == {}
    assert tracker.depths() == {}
    assert tracker.depth(parcours) is None
    assert tracker.saved_fiche_ids() == []


def test_a_tracker_keeps_statuses_and_notes(tracker, two_steps):
    parcours, first, second = two_steps
    tracker.set_status(first, Status.DONE)
    tracker.set_note(second, "Une note")
    tracker.set_status(second, "en_cours")
    assert tracker.states([first, second]) == {
        first.pk: StepState("terminee", ""),
        second.pk: StepState("en_cours", "Une note"),
    }
    assert tracker.states([first]) == {first.pk: StepState("terminee", "")}
    assert tracker.all_states() == tracker.states([first, second])


def test_a_tracker_stores_plain_status_values(tracker, two_steps):
    parcours, first, second = two_steps
    tracker.set_status(first, Status.NOT_CONCERNED)
    state = tracker.states([first])[first.pk]
    assert type(state.status) is str
    assert state.status == "non_concernee"
    assert state.is_done
    assert state.status_label == "Non concernée"


def test_a_note_alone_starts_a_step_in_a_tracker(tracker, two_steps):
    parcours, first, second = two_steps
    tracker.set_note(first, "Une idée")
    state = tracker.states([first])[first.pk]
    assert state == StepState("a_faire", "Une idée")
    assert state.is_started


def test_acting_on_a_step_gives_the_parcours_the_step_depth(tracker, two_steps):
    parcours, first, second = two_steps
    tracker.set_status(second, "en_cours")
    assert tracker.depths() == {parcours.pk: "fondamentaux"}
    tracker.set_status(first, "en_cours")
    assert tracker.depth(parcours) == "fondamentaux"


def test_a_chosen_depth_wins_and_can_change(tracker, two_steps):
    parcours, first, second = two_steps
    tracker.choose_depth(parcours, "decouverte")
    tracker.set_status(second, "terminee")
    assert tracker.depth(parcours) == "decouverte"
    tracker.choose_depth(parcours, "fondamentaux")
    assert tracker.depths() == {parcours.pk: "fondamentaux"}


def test_a_tracker_keeps_saved_fiches_newest_first_and_once(tracker):
    older, newer = make_fiche(), make_fiche()
    tracker.save_fiche(older, True)
    tracker.save_fiche(newer, True)
    tracker.save_fiche(older, True)
    assert tracker.saved_fiche_ids() == [newer.pk, older.pk]
    assert tracker.is_saved(older)
    tracker.save_fiche(older, False)
    tracker.save_fiche(older, False)
    assert tracker.saved_fiche_ids() == [newer.pk]
    assert not tracker.is_saved(older)


def test_everything_is_a_trackers_three_reads_at_once_and_nobody_elses(tracker, two_steps, other_learner):
    parcours, first, second = two_steps
    assert tracker.everything() == Everything({}, {}, [])
    others = UserTracker(other_learner)
    others.set_note(first, "Pas la vôtre")
    others.save_fiche(make_fiche(), True)
    older, newer = make_fiche(), make_fiche()
    tracker.set_status(second, "en_cours")
    tracker.set_note(first, "Une note")
    tracker.save_fiche(older, True)
    tracker.save_fiche(newer, True)
    everything = tracker.everything()
    assert everything == Everything(tracker.all_states(), tracker.depths(), tracker.saved_fiche_ids())
    assert everything.states == {first.pk: StepState("a_faire", "Une note"), second.pk: StepState("en_cours", "")}
    assert everything.depths == {parcours.pk: "fondamentaux"}
    assert everything.saved_ids == [newer.pk, older.pk]


def test_a_session_tracker_marks_the_session_modified(two_steps):
    parcours, first, second = two_steps
    session = DictSession()
    SessionTracker(session).set_status(first, "terminee")
    assert session.modified
    entry = session[SESSION_KEY]["steps"][str(first.pk)]
    assert (entry["status"], entry["note"]) == ("terminee", "")
    assert entry["closed_at"]  # when the visitor closed it: the attestation's date after sign-up
    assert session[SESSION_KEY]["depths"] == {str(parcours.pk): "decouverte"}


def test_reading_a_session_tracker_writes_nothing(two_steps):
    parcours, first, second = two_steps
    session = DictSession()
    tracker = SessionTracker(session)
    tracker.states([first]), tracker.depths(), tracker.saved_fiche_ids(), tracker.is_saved(make_fiche())
    assert session == {}
    assert not session.modified


def test_a_session_survives_a_save_and_reload(two_steps):
    parcours, first, second = two_steps
    store = SessionStore()
    SessionTracker(store).set_status(first, "terminee")
    SessionTracker(store).set_note(first, "Note")
    store.save()
    reloaded = SessionTracker(SessionStore(session_key=store.session_key))
    assert reloaded.states([first, second]) == {first.pk: StepState("terminee", "Note")}
    assert reloaded.depths() == {parcours.pk: "decouverte"}


def test_the_session_layout_is_what_progress_merge_session_reads(learner, two_steps):
    parcours, first, second = two_steps
    fiche = make_fiche()
    visitor = SessionTracker(DictSession())
    visitor.set_status(first, "terminee")
    visitor.set_note(second, "Note")
    visitor.choose_depth(parcours, "fondamentaux")
    visitor.save_fiche(fiche, True)
    services.progress_merge_session(user=learner, data=visitor.session[SESSION_KEY])
    account = UserTracker(learner)
    assert account.states([first, second]) == visitor.states([first, second])
    assert account.depths() == visitor.depths()
    assert account.saved_fiche_ids() == visitor.saved_fiche_ids()


def test_tracker_for_picks_the_database_for_an_account_and_the_session_otherwise(rf, learner):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.session = DictSession()
    request.user = AnonymousUser()
    assert isinstance(tracker_for(request), SessionTracker)
    assert tracker_for(request).is_anonymous
    request.user = learner
    assert isinstance(tracker_for(request), UserTracker)
    assert not tracker_for(request).is_anonymous


def test_a_second_click_on_terminee_keeps_the_first_closing_date(learner):
    step = make_step(make_parcours())
    services.progress_set_status(user=learner, step=step, status="terminee")
    first = row(learner, step).completed_at
    services.progress_set_status(user=learner, step=step, status="non_concernee")
    services.progress_set_status(user=learner, step=step, status="terminee")
    assert row(learner, step).completed_at == first


def test_an_empty_note_on_an_untouched_step_creates_no_row(learner):
    step = make_step(make_parcours())
    services.progress_set_note(user=learner, step=step, note="")
    assert not StepProgress.objects.filter(user=learner).exists()
