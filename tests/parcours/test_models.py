"""The parcours models: what the database refuses, what a step computes when saved, what a deletion takes along."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Profile
from parcours.models import Enrolment, SavedFiche, Status, Step, StepProgress
from tests.factories import make_fiche, make_parcours, make_step

pytestmark = pytest.mark.django_db


def unsaved_step(parcours, **overrides):
    fields = {
        "parcours": parcours,
        "title": "Se situer",
        "slug": "se-situer",
        "order": 1,
        "objective": "Savoir situer son organisation.",
        "body": "Du contenu.",
        "minutes": 30,
        "questions": "Une question ?\nUne autre ?",
    }
    fields.update(overrides)
    return Step(**fields)


def test_a_second_progress_row_for_the_same_person_and_step_is_refused(learner):
    step = make_step(make_parcours())
    StepProgress.objects.create(user=learner, step=step, status=Status.IN_PROGRESS)
    with pytest.raises(IntegrityError), transaction.atomic():
        StepProgress.objects.create(user=learner, step=step, status=Status.DONE)
    assert StepProgress.objects.filter(user=learner, step=step).count() == 1


def test_two_people_each_have_their_row_for_the_same_step(learner, other_learner):
    step = make_step(make_parcours())
    StepProgress.objects.create(user=learner, step=step)
    StepProgress.objects.create(user=other_learner, step=step)
    assert step.progress.count() == 2


def test_the_database_refuses_an_unknown_status(learner):
    step = make_step(make_parcours())
    with pytest.raises(IntegrityError), transaction.atomic():
        StepProgress.objects.create(user=learner, step=step, status="abandonnee")
    assert not StepProgress.objects.exists()


def test_a_new_progress_row_is_a_faire_without_completion_date(learner):
    row = StepProgress.objects.create(user=learner, step=make_step(make_parcours()))
    assert row.status == "a_faire"
    assert row.completed_at is None


def test_a_person_is_enrolled_once_per_parcours(learner):
    parcours = make_parcours()
    Enrolment.objects.create(user=learner, parcours=parcours, depth="decouverte")
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(user=learner, parcours=parcours, depth="fondamentaux")
    assert Enrolment.objects.get(user=learner, parcours=parcours).depth == "decouverte"


def test_a_fiche_is_saved_once_per_person(learner):
    fiche = make_fiche()
    SavedFiche.objects.create(user=learner, fiche=fiche)
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedFiche.objects.create(user=learner, fiche=fiche)


def test_a_step_slug_is_unique_within_its_parcours():
    parcours = make_parcours()
    make_step(parcours, slug="se-situer")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_step(parcours, slug="se-situer")
    assert parcours.steps.count() == 1


def test_a_step_slug_can_be_reused_in_another_parcours():
    first, second = make_parcours(), make_parcours()
    make_step(first, slug="se-situer")
    make_step(second, slug="se-situer")
    assert Step.objects.filter(slug="se-situer").count() == 2


def test_full_clean_reports_a_slug_already_used_in_the_parcours():
    parcours = make_parcours()
    make_step(parcours, slug="se-situer")
    with pytest.raises(ValidationError):
        unsaved_step(parcours, slug="se-situer").full_clean()
    unsaved_step(make_parcours(), slug="se-situer").full_clean()


@pytest.mark.parametrize("questions", ["Une seule question ?", "1 ?\n2 ?\n3 ?\n4 ?\n5 ?"])
def test_a_step_needs_two_to_four_questions(questions):
    with pytest.raises(ValidationError) as error:
        unsaved_step(make_parcours(), questions=questions).full_clean()
    assert "questions" in error.value.message_dict


@pytest.mark.parametrize("questions", ["1 ?\n2 ?", "1 ?\n2 ?\n3 ?", "1 ?\n2 ?\n3 ?\n4 ?"])
def test_two_to_four_questions_are_accepted(questions):
    unsaved_step(make_parcours(), questions=questions).full_clean()


def test_blank_lines_do_not_count_as_questions():
    step = unsaved_step(make_parcours(), questions="\n  Une question ?  \n\n   \n")
    assert step.question_list == ["Une question ?"]
    with pytest.raises(ValidationError):
        step.full_clean()


@pytest.mark.parametrize("slug", ["commencer", "attestation"])
def test_a_step_cannot_take_a_slug_reserved_by_the_site(slug):
    with pytest.raises(ValidationError) as error:
        unsaved_step(make_parcours(), slug=slug).full_clean()
    assert "slug" in error.value.message_dict


def test_the_body_is_rendered_as_html_when_saved():
    step = make_step(make_parcours(), body="## Titre\n\nDu texte **important**.")
    assert "<h2>Titre</h2>" in step.body_html
    assert "<strong>important</strong>" in step.body_html


def test_the_body_is_sanitised_when_saved():
    body = "## Titre\n\n<script>alert('x')</script>\n\n[Cliquez](javascript:alert('x')) et <a href=\"javascript:void(0)\">là</a>"
    step = make_step(make_parcours(), body=body)
    assert "<script" not in step.body_html
    assert "javascript:" not in step.body_html
    assert "<h2>Titre</h2>" in step.body_html


def test_editing_the_body_renders_it_again():
    step = make_step(make_parcours(), body="Ancien texte.")
    step.body = "## Nouveau"
    step.save()
    assert Step.objects.get(pk=step.pk).body_html == "<h2>Nouveau</h2>"


def test_search_text_is_folded_with_a_leading_space():
    step = make_step(make_parcours(), title="Élargir l’Équipe", objective="Réussir.", body="## Été\n\nDes **bénévoles**.")
    assert step.search_text.startswith(" ")
    assert step.search_text == " elargir l equipe reussir. ete des benevoles."


def test_search_text_leaves_out_the_markup_of_the_body():
    step = make_step(make_parcours(), body="Un [lien](https://example.org/cache) et du **gras** &amp; plus.")
    assert "example.org" not in step.search_text
    assert "**" not in step.search_text
    assert "&amp;" not in step.search_text
    assert " un lien et du gras & plus." in step.search_text


def test_deleting_a_step_deletes_its_progress_rows(learner, other_learner):
    parcours = make_parcours()
    step, kept = make_step(parcours), make_step(parcours)
    StepProgress.objects.create(user=learner, step=step, status=Status.DONE)
    StepProgress.objects.create(user=other_learner, step=step, status=Status.IN_PROGRESS)
    StepProgress.objects.create(user=learner, step=kept, status=Status.DONE)
    step.delete()
    assert list(StepProgress.objects.values_list("step", flat=True)) == [kept.pk]


def test_deleting_a_user_deletes_everything_kept_about_them(learner, other_learner):
    parcours = make_parcours()
    step, fiche = make_step(parcours), make_fiche()
    for user in (learner, other_learner):
        StepProgress.objects.create(user=user, step=step, status=Status.DONE, note="Mes notes")
        Enrolment.objects.create(user=user, parcours=parcours)
        SavedFiche.objects.create(user=user, fiche=fiche)
        Profile.objects.create(user=user, display_name=user.username)
    learner.delete()
    assert not StepProgress.objects.filter(user_id=learner.pk).exists()
    assert not Enrolment.objects.filter(user_id=learner.pk).exists()
    assert not SavedFiche.objects.filter(user_id=learner.pk).exists()
    assert not Profile.objects.filter(user_id=learner.pk).exists()
    # The other person's data and the content stay.
    assert StepProgress.objects.filter(user=other_learner).count() == 1
    assert Enrolment.objects.filter(user=other_learner).count() == 1
    assert SavedFiche.objects.filter(user=other_learner).count() == 1
    assert Profile.objects.filter(user=other_learner).count() == 1
    assert Step.objects.filter(pk=step.pk).exists()


def test_deleting_a_parcours_deletes_its_steps_progress_and_enrolments(learner):
    parcours = make_parcours(steps=2)
    step = parcours.steps.first()
    StepProgress.objects.create(user=learner, step=step)
    Enrolment.objects.create(user=learner, parcours=parcours)
    parcours.delete()
    assert not Step.objects.exists()
    assert not StepProgress.objects.exists()
    assert not Enrolment.objects.exists()


def test_a_step_address_is_nested_under_its_parcours():
    step = make_step(make_parcours(slug="qualifier"), slug="se-situer")
    assert step.get_absolute_url() == "/parcours/qualifier/se-situer/"
    assert step.parcours.get_absolute_url() == "/parcours/qualifier/"
