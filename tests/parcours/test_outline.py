"""The outline of a parcours for one person: percentage, time left, where to resume, cumulative depths.

First the pure functions of parcours.outline (no query), then the same rules seen through the pages when
staff reorder, delete or add steps after someone started.
"""

import pytest

from parcours.models import Depth, Enrolment, Parcours, Step, StepProgress
from parcours.outline import available_depths, build_outline, depth_durations, depth_includes, resolve_depth
from parcours.tracking import StepState
from core.text import duration_label
from tests.factories import make_parcours, make_step

DONE = StepState("terminee")
SKIPPED = StepState("non_concernee")
STARTED = StepState("en_cours")


def steps(*depths, minutes=30):
    """Plain, unsaved steps numbered from 1, one per depth given."""
    return [Step(pk=n, slug=f"etape-{n}", title=f"Étape {n}", depth=depth, minutes=minutes, order=n)
            for n, depth in enumerate(depths, start=1)]


def outline(items, states=None, depth=""):
    return build_outline(Parcours(slug="p"), items, states or {}, depth)


# --- Pure outline ------------------------------------------------------------------------------------


def test_an_untouched_parcours_is_at_zero_percent_and_resumes_at_the_first_step():
    result = outline(steps("", "", ""))
    assert (result.done, result.total, result.percent) == (0, 3, 0)
    assert not result.is_started
    assert not result.is_finished
    assert result.resume.step.pk == 1
    assert result.resume.number == 1


def test_terminee_and_non_concernee_both_count_as_done():
    result = outline(steps("", "", "", ""), {1: DONE, 2: SKIPPED, 3: STARTED})
    assert result.done == 2
    assert result.percent == 50


def test_percent_is_rounded():
    assert outline(steps("", "", ""), {1: DONE}).percent == 33
    assert outline(steps("", "", ""), {1: DONE, 2: DONE}).percent == 67


def test_a_parcours_without_steps_is_at_zero_percent_and_never_finished():
    result = outline([])
    assert (result.total, result.percent) == (0, 0)
    assert not result.is_finished
    assert result.resume is None


def test_total_and_remaining_minutes_leave_out_what_is_done():
    items = steps("", "", "")
    items[2].minutes = 90
    result = outline(items, {1: DONE, 2: SKIPPED})
    assert result.total_minutes == 150
    assert result.remaining_minutes == 90


def test_a_step_in_progress_still_counts_in_the_remaining_time():
    result = outline(steps("", ""), {1: STARTED})
    assert result.remaining_minutes == 60


def test_a_note_alone_makes_the_parcours_started():
    result = outline(steps("", ""), {2: StepState("a_faire", "Une idée")})
    assert result.is_started
    assert result.done == 0
    assert result.resume.step.pk == 1


def test_a_step_put_back_to_a_faire_without_note_is_not_a_start():
    assert not outline(steps("", ""), {1: StepState("a_faire", "")}).is_started


def test_the_parcours_is_finished_when_every_step_of_the_depth_is_done():
    result = outline(steps("", ""), {1: DONE, 2: SKIPPED})
    assert result.is_finished
    assert result.percent == 100
    assert result.resume is None


def test_resume_is_the_first_step_neither_terminee_nor_non_concernee():
    result = outline(steps("", "", "", ""), {1: DONE, 2: SKIPPED, 3: STARTED})
    assert result.resume.step.pk == 3


def test_resume_goes_back_to_an_earlier_step_left_undone():
    result = outline(steps("", "", ""), {2: DONE, 3: DONE})
    assert result.resume.step.pk == 1


def test_step_numbers_follow_the_given_order():
    result = outline(steps("", "", ""))
    assert [(item.number, item.step.pk) for item in result.steps] == [(1, 1), (2, 2), (3, 3)]


def test_a_step_without_state_is_a_faire():
    result = outline(steps(""))
    assert result.steps[0].status == "a_faire"
    assert result.steps[0].state.status_label == "À faire"


# --- Cumulative depths -------------------------------------------------------------------------------

LEVELLED = ("decouverte", "decouverte", "approfondissement", "fondamentaux")


@pytest.mark.parametrize("depth, expected", [
    ("decouverte", [1, 2]),
    ("approfondissement", [1, 2, 3]),
    ("fondamentaux", [1, 2, 3, 4]),
    ("", [1, 2, 3, 4]),
])
def test_depths_are_cumulative(depth, expected):
    result = outline(steps(*LEVELLED), depth=depth)
    assert [item.step.pk for item in result.depth_steps] == expected
    assert len(result.steps) == 4


def test_depth_includes_is_cumulative():
    discovery, approfondissement, fondamentaux = steps("decouverte", "approfondissement", "fondamentaux")
    assert depth_includes("fondamentaux", discovery)
    assert depth_includes("approfondissement", approfondissement)
    assert not depth_includes("decouverte", approfondissement)
    assert not depth_includes("approfondissement", fondamentaux)


def test_percent_and_minutes_only_count_the_chosen_depth():
    items = steps(*LEVELLED)
    result = outline(items, {1: DONE, 4: DONE}, depth="decouverte")
    assert (result.done, result.total, result.percent) == (1, 2, 50)
    assert result.total_minutes == 60
    assert result.remaining_minutes == 30


def test_finishing_a_depth_does_not_finish_the_deeper_one():
    states = {1: DONE, 2: DONE}
    assert outline(steps(*LEVELLED), states, depth="decouverte").is_finished
    deeper = outline(steps(*LEVELLED), states, depth="approfondissement")
    assert not deeper.is_finished
    assert deeper.resume.step.pk == 3


def test_resume_never_points_beyond_the_depth():
    result = outline(steps(*LEVELLED), {1: DONE, 2: DONE}, depth="decouverte")
    assert result.resume is None


def test_a_step_beyond_the_depth_still_makes_the_parcours_started():
    assert outline(steps(*LEVELLED), {4: STARTED}, depth="decouverte").is_started


def test_available_depths_are_the_levels_used_in_order():
    assert available_depths(steps("fondamentaux", "decouverte")) == [Depth.DECOUVERTE, Depth.FONDAMENTAUX]
    assert available_depths(steps("", "")) == []


def test_an_unknown_requested_depth_is_refused():
    assert resolve_depth(steps(*LEVELLED), "expert") is None


def test_a_level_unused_by_the_parcours_is_refused():
    assert resolve_depth(steps("decouverte", "fondamentaux"), "approfondissement") is None


def test_an_empty_requested_depth_is_refused_when_the_parcours_has_levels():
    assert resolve_depth(steps(*LEVELLED), "") is None


def test_a_valid_requested_depth_wins_over_the_chosen_one():
    assert resolve_depth(steps(*LEVELLED), "fondamentaux", chosen="decouverte") == "fondamentaux"


def test_the_chosen_depth_is_used_when_none_is_requested():
    assert resolve_depth(steps(*LEVELLED), None, chosen="approfondissement") == "approfondissement"


def test_the_first_level_is_the_default():
    assert resolve_depth(steps(*LEVELLED)) == "decouverte"
    assert resolve_depth(steps("approfondissement", "fondamentaux")) == "approfondissement"


def test_a_chosen_depth_the_parcours_no_longer_has_falls_back_to_the_first_level():
    assert resolve_depth(steps("decouverte", "fondamentaux"), None, chosen="approfondissement") == "decouverte"


def test_a_parcours_without_levels_has_the_empty_depth():
    assert resolve_depth(steps("", "")) == ""
    assert resolve_depth(steps("", ""), "") == ""
    assert resolve_depth(steps("", ""), None, chosen="decouverte") == ""


def test_a_parcours_without_levels_refuses_a_requested_level():
    assert resolve_depth(steps("", ""), "decouverte") is None


def test_depth_durations_are_cumulative():
    items = steps("decouverte", "decouverte", "approfondissement", "fondamentaux")
    items[2].minutes, items[3].minutes = 60, 120
    assert depth_durations(items) == [
        (Depth.DECOUVERTE, 60), (Depth.APPROFONDISSEMENT, 120), (Depth.FONDAMENTAUX, 240),
    ]


def test_a_parcours_without_levels_has_no_depth_durations():
    assert depth_durations(steps("", "")) == []


def test_depth_label():
    assert outline(steps(*LEVELLED), depth="approfondissement").depth_label == "Approfondissement"
    assert outline(steps("", "")).depth_label == ""


# --- Neighbours --------------------------------------------------------------------------------------


def pks(pair):
    return tuple(item.step.pk if item else None for item in pair)


def test_neighbours_within_the_depth():
    items = steps(*LEVELLED)
    result = outline(items, depth="decouverte")
    assert pks(result.neighbours(items[0])) == (None, 2)
    assert pks(result.neighbours(items[1])) == (1, None)


def test_neighbours_of_a_step_beyond_the_depth_are_taken_among_all_steps():
    items = steps(*LEVELLED)
    result = outline(items, depth="decouverte")
    assert pks(result.neighbours(items[2])) == (2, 4)
    assert pks(result.neighbours(items[3])) == (3, None)


def test_neighbours_at_the_deepest_level_run_through_every_step():
    items = steps(*LEVELLED)
    result = outline(items, depth="fondamentaux")
    assert pks(result.neighbours(items[1])) == (1, 3)


def test_outline_works_with_saved_factory_steps(db):
    parcours = make_parcours(steps=3, depths=("decouverte", "approfondissement"))
    saved = list(parcours.steps.all())
    result = build_outline(parcours, saved, {saved[0].pk: DONE}, "decouverte")
    assert [item.step.pk for item in result.depth_steps] == [saved[0].pk, saved[2].pk]
    assert result.resume.step == saved[2]
    assert result.percent == 50


# --- Durations ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes, label", [
    (45, "45\u202fmin"),
    (120, "2\u202fh"),
    (90, "1\u202fh\u202f30"),
    (65, "1\u202fh\u202f05"),
    (720, "12\u202fh"),
])
def test_duration_label(minutes, label):
    assert duration_label(minutes) == label


# --- Through the pages: staff change the steps after someone started ---------------------------------


def page_outline(client, parcours, **params):
    response = client.get(f"/parcours/{parcours.slug}/", params)
    assert response.status_code == 200
    return response.context["outline"]


def start(client, parcours, niveau=""):
    response = client.post(f"/parcours/{parcours.slug}/commencer/", {"niveau": niveau})
    assert response.status_code == 302
    return response["Location"]


def finish(client, step, status="terminee"):
    response = client.post(f"/parcours/{step.parcours.slug}/{step.slug}/statut/", {"statut": status})
    assert response.status_code == 302


@pytest.fixture(params=["learner", "visitor"])
def person(request, db):
    """The same story for a logged-in learner (progress in the database) and a visitor (in the session)."""
    if request.param == "learner":
        return request.getfixturevalue("learner_client")
    return request.getfixturevalue("visitor")


@pytest.fixture
def three_steps(db):
    parcours = make_parcours(slug="parcours-a-trois")
    return parcours, [make_step(parcours, slug=slug, order=n) for n, slug in enumerate(["un", "deux", "trois"], 1)]


def test_start_leads_to_the_first_step(person, three_steps):
    assert start(person, three_steps[0]) == "/parcours/parcours-a-trois/un/"


def test_start_then_resume_at_the_first_step_not_done(person, three_steps):
    parcours, (one, two, three) = three_steps
    finish(person, one)
    finish(person, two, "non_concernee")
    assert start(person, parcours) == "/parcours/parcours-a-trois/trois/"
    shown = page_outline(person, parcours)
    assert shown.resume.step.slug == "trois"
    assert shown.percent == 67


def test_the_page_names_the_next_step(person, three_steps):
    parcours, (one, two, three) = three_steps
    finish(person, one)
    response = person.get("/parcours/parcours-a-trois/")
    assert "Prochaine étape" in response.content.decode()
    assert f"Prochaine étape&#8239;: {two.title}" in response.content.decode()


def test_resume_follows_the_new_order_after_staff_reorder_the_steps(person, three_steps):
    parcours, (one, two, three) = three_steps
    finish(person, one)
    assert start(person, parcours) == "/parcours/parcours-a-trois/deux/"
    three.order = 0  # « trois » now comes first, saved as the admin saves it
    three.save()
    shown = page_outline(person, parcours)
    assert [item.step.slug for item in shown.steps] == ["trois", "un", "deux"]
    assert shown.resume.step.slug == "trois"
    assert start(person, parcours) == "/parcours/parcours-a-trois/trois/"


def test_moving_a_done_step_to_the_end_keeps_resume_on_the_first_undone(person, three_steps):
    parcours, (one, two, three) = three_steps
    finish(person, one)
    one.order = 10
    one.save()
    shown = page_outline(person, parcours)
    assert [item.step.slug for item in shown.steps] == ["deux", "trois", "un"]
    assert shown.resume.step.slug == "deux"
    assert shown.percent == 33


def test_after_a_step_is_deleted_the_percentage_counts_the_existing_steps_only(person, three_steps):
    parcours, (one, two, three) = three_steps
    finish(person, one)
    finish(person, two)
    assert page_outline(person, parcours).percent == 67
    two.delete()
    shown = page_outline(person, parcours)
    assert (shown.done, shown.total, shown.percent) == (1, 2, 50)
    assert shown.resume.step.slug == "trois"


def test_resume_never_points_to_a_deleted_step(person, three_steps):
    parcours, (one, two, three) = three_steps
    finish(person, one)
    assert start(person, parcours) == "/parcours/parcours-a-trois/deux/"
    two.delete()
    assert start(person, parcours) == "/parcours/parcours-a-trois/trois/"
    assert person.get("/parcours/parcours-a-trois/deux/").status_code == 404


def test_deleting_the_only_undone_step_finishes_the_parcours(person, three_steps):
    parcours, (one, two, three) = three_steps
    finish(person, one)
    finish(person, two)
    three.delete()
    shown = page_outline(person, parcours)
    assert shown.is_finished
    assert shown.percent == 100
    assert start(person, parcours) == "/parcours/parcours-a-trois/un/"


def test_a_new_step_counts_as_a_faire(person, three_steps):
    parcours, (one, two, three) = three_steps
    for step in three_steps[1]:
        finish(person, step)
    assert page_outline(person, parcours).is_finished
    make_step(parcours, slug="quatre", order=4)
    shown = page_outline(person, parcours)
    assert not shown.is_finished
    assert (shown.done, shown.total, shown.percent) == (3, 4, 75)
    assert shown.resume.step.slug == "quatre"
    assert start(person, parcours) == "/parcours/parcours-a-trois/quatre/"


def test_a_new_step_inserted_in_the_middle_becomes_the_resume_point(person, three_steps):
    parcours, (one, two, three) = three_steps
    finish(person, one)
    finish(person, two)
    make_step(parcours, slug="un-bis", order=1)  # same order as « un », created after: just after it
    shown = page_outline(person, parcours)
    assert [item.step.slug for item in shown.steps] == ["un", "un-bis", "deux", "trois"]
    assert shown.percent == 50
    assert start(person, parcours) == "/parcours/parcours-a-trois/un-bis/"


def test_the_progress_of_a_deleted_step_is_gone_for_an_account(learner_client, learner, three_steps):
    parcours, (one, two, three) = three_steps
    finish(learner_client, two)
    two.delete()
    assert not StepProgress.objects.filter(user=learner).exists()
    assert Enrolment.objects.filter(user=learner, parcours=parcours).exists()


@pytest.fixture
def levelled(db):
    parcours = make_parcours(slug="a-niveaux")
    depths = ["decouverte", "decouverte", "approfondissement", "fondamentaux"]
    return parcours, [make_step(parcours, slug=f"n{n}", order=n, depth=d) for n, d in enumerate(depths, 1)]


def test_start_at_a_depth_is_remembered_by_the_page(person, levelled):
    parcours, _ = levelled
    assert page_outline(person, parcours).depth == "decouverte"
    assert start(person, parcours, "approfondissement") == "/parcours/a-niveaux/n1/"
    shown = page_outline(person, parcours)
    assert shown.depth == "approfondissement"
    assert shown.total == 3


def test_resume_stays_within_the_chosen_depth_and_wraps_to_the_first_step_once_finished(person, levelled):
    parcours, (n1, n2, n3, n4) = levelled
    finish(person, n1)
    finish(person, n2)
    assert start(person, parcours, "decouverte") == "/parcours/a-niveaux/n1/"
    assert start(person, parcours, "approfondissement") == "/parcours/a-niveaux/n3/"


def test_an_unknown_depth_is_a_bad_request(person, levelled):
    assert person.get("/parcours/a-niveaux/", {"niveau": "expert"}).status_code == 400
    assert person.post("/parcours/a-niveaux/commencer/", {"niveau": "expert"}).status_code == 400


def test_the_page_shows_the_cumulative_durations_of_the_levels(person, levelled):
    step = Step.objects.get(slug="n4")
    step.minutes = 480
    step.save()
    response = person.get("/parcours/a-niveaux/")
    assert [minutes for _, minutes in response.context["depths"]] == [60, 90, 570]
    assert "9\u202fh\u202f30" in response.content.decode()


def test_start_on_a_parcours_without_steps_is_a_404(person):
    make_parcours(slug="vide")
    assert person.post("/parcours/vide/commencer/", {"niveau": ""}).status_code == 404
