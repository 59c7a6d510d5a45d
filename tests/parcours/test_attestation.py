from datetime import datetime

import pytest
from django.utils import timezone

from parcours import services
from accounts.models import Profile
from parcours.models import StepProgress
from tests.factories import make_parcours

pytestmark = pytest.mark.django_db

LEVELS = ("decouverte", "decouverte", "approfondissement", "fondamentaux")


def _steps(parcours):
    return list(parcours.steps.order_by("order"))


def _finish(user, steps, status="terminee"):
    for step in steps:
        services.progress_set_status(user=user, step=step, status=status)


@pytest.fixture
def levelled():
    return make_parcours(steps=4, depths=LEVELS, title="Qualifier son modèle")


def test_attestation_of_a_finished_depth(learner_client, learner, levelled):
    _finish(learner, _steps(levelled)[:2])
    response = learner_client.get(f"/parcours/{levelled.slug}/attestation/decouverte/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Qualifier son modèle" in html
    assert "au niveau <strong>découverte</strong>" in html


def test_attestation_before_the_end_is_a_404(learner_client, learner, levelled):
    _finish(learner, _steps(levelled)[:1])
    assert learner_client.get(f"/parcours/{levelled.slug}/attestation/decouverte/").status_code == 404


def test_attestation_with_steps_only_en_cours_is_a_404(learner_client, learner, levelled):
    _finish(learner, _steps(levelled)[:2], status="en_cours")
    assert learner_client.get(f"/parcours/{levelled.slug}/attestation/decouverte/").status_code == 404


def test_steps_not_relevant_count_as_done(learner_client, learner, levelled):
    first, second = _steps(levelled)[:2]
    _finish(learner, [first])
    _finish(learner, [second], status="non_concernee")
    response = learner_client.get(f"/parcours/{levelled.slug}/attestation/decouverte/")
    assert response.status_code == 200
    assert "(non concernée)" in response.content.decode()


def test_levels_are_cumulative(learner_client, learner, levelled):
    _finish(learner, _steps(levelled)[:2])
    assert learner_client.get(f"/parcours/{levelled.slug}/attestation/decouverte/").status_code == 200
    assert learner_client.get(f"/parcours/{levelled.slug}/attestation/approfondissement/").status_code == 404
    assert learner_client.get(f"/parcours/{levelled.slug}/attestation/fondamentaux/").status_code == 404


def test_a_deeper_level_needs_the_steps_of_the_levels_below(learner_client, learner, levelled):
    _finish(learner, _steps(levelled)[2:3])
    assert learner_client.get(f"/parcours/{levelled.slug}/attestation/approfondissement/").status_code == 404
    _finish(learner, _steps(levelled)[:2])
    response = learner_client.get(f"/parcours/{levelled.slug}/attestation/approfondissement/")
    assert response.status_code == 200
    assert "soit 3 étapes" in response.content.decode()


def test_finishing_every_step_gives_every_level(learner_client, learner, levelled):
    _finish(learner, _steps(levelled))
    for level in ("decouverte", "approfondissement", "fondamentaux"):
        assert learner_client.get(f"/parcours/{levelled.slug}/attestation/{level}/").status_code == 200


def test_attestation_lists_only_the_steps_of_its_depth(learner_client, learner, levelled):
    steps = _steps(levelled)
    _finish(learner, steps)
    html = learner_client.get(f"/parcours/{levelled.slug}/attestation/decouverte/").content.decode()
    assert steps[0].title in html and steps[1].title in html
    assert steps[2].title not in html


def test_attestation_of_a_parcours_without_levels(learner_client, learner):
    parcours = make_parcours(steps=2, title="Sans niveaux")
    _finish(learner, _steps(parcours))
    response = learner_client.get(f"/parcours/{parcours.slug}/attestation/")
    assert response.status_code == 200
    assert "Sans niveaux" in response.content.decode()
    assert "au niveau" not in response.content.decode()


def test_attestation_without_levels_before_the_end_is_a_404(learner_client, learner):
    parcours = make_parcours(steps=2)
    _finish(learner, _steps(parcours)[:1])
    assert learner_client.get(f"/parcours/{parcours.slug}/attestation/").status_code == 404


def test_anonymous_visitor_is_sent_to_login(visitor, levelled):
    url = f"/parcours/{levelled.slug}/attestation/decouverte/"
    response = visitor.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/compte/connexion/?next={url}"


def test_other_user_gets_404_on_attestation(client, learner, other_learner, levelled):
    _finish(learner, _steps(levelled)[:2])
    client.force_login(other_learner)
    assert client.get(f"/parcours/{levelled.slug}/attestation/decouverte/").status_code == 404


@pytest.mark.parametrize("niveau", ["expert", "decouvertes", "DECOUVERTE"])
def test_unknown_niveau_is_a_404(learner_client, learner, levelled, niveau):
    _finish(learner, _steps(levelled))
    assert learner_client.get(f"/parcours/{levelled.slug}/attestation/{niveau}/").status_code == 404


def test_a_level_the_parcours_does_not_use_is_a_404(learner_client, learner):
    parcours = make_parcours(steps=2, depths=("decouverte",))
    _finish(learner, _steps(parcours))
    assert learner_client.get(f"/parcours/{parcours.slug}/attestation/approfondissement/").status_code == 404


def test_a_levelled_parcours_has_no_attestation_without_level(learner_client, learner, levelled):
    _finish(learner, _steps(levelled))
    assert learner_client.get(f"/parcours/{levelled.slug}/attestation/").status_code == 404


def test_a_parcours_without_levels_has_no_attestation_per_level(learner_client, learner):
    parcours = make_parcours(steps=1)
    _finish(learner, _steps(parcours))
    assert learner_client.get(f"/parcours/{parcours.slug}/attestation/decouverte/").status_code == 404


def test_unknown_parcours_is_a_404(learner_client):
    assert learner_client.get("/parcours/inconnu/attestation/").status_code == 404


def test_a_parcours_without_steps_has_no_attestation(learner_client):
    parcours = make_parcours(steps=0)
    assert learner_client.get(f"/parcours/{parcours.slug}/attestation/").status_code == 404


def test_attestation_shows_the_display_name(learner_client, learner, levelled):
    Profile.objects.create(user=learner, display_name="Alice Martin")
    _finish(learner, _steps(levelled)[:2])
    html = learner_client.get(f"/parcours/{levelled.slug}/attestation/decouverte/").content.decode()
    assert "<strong>Alice Martin</strong>" in html


@pytest.mark.parametrize("with_profile", [True, False])
def test_attestation_falls_back_to_the_email(learner_client, learner, levelled, with_profile):
    if with_profile:
        Profile.objects.create(user=learner, display_name="")
    _finish(learner, _steps(levelled)[:2])
    html = learner_client.get(f"/parcours/{levelled.slug}/attestation/decouverte/").content.decode()
    assert "<strong>alice@example.org</strong>" in html


def test_attestation_escapes_the_display_name(learner_client, learner, levelled):
    Profile.objects.create(user=learner, display_name="<b>Alice</b>")
    _finish(learner, _steps(levelled)[:2])
    html = learner_client.get(f"/parcours/{levelled.slug}/attestation/decouverte/").content.decode()
    assert "&lt;b&gt;Alice&lt;/b&gt;" in html


def test_attestation_shows_the_date(learner_client, learner, levelled):
    _finish(learner, _steps(levelled)[:2])
    response = learner_client.get(f"/parcours/{levelled.slug}/attestation/decouverte/")
    today = timezone.localdate()
    assert f'<time datetime="{today:%Y-%m-%d}">' in response.content.decode()
    assert timezone.localtime(response.context["finished_on"]).date() == today


def test_attestation_date_is_when_the_depth_was_finished_not_a_later_edit(learner_client, learner, levelled):
    steps = _steps(levelled)
    _finish(learner, steps[:2])
    finished = timezone.make_aware(datetime(2024, 3, 14, 12, 0))
    StepProgress.objects.filter(user=learner).update(completed_at=finished, updated_at=finished)
    services.progress_set_note(user=learner, step=steps[3], note="Une idée pour le niveau fondamentaux.")
    html = learner_client.get(f"/parcours/{levelled.slug}/attestation/decouverte/").content.decode()
    assert '<time datetime="2024-03-14">14 mars 2024</time>' in html


def test_dashboard_link_leads_to_a_working_attestation(learner_client, learner, levelled):
    services.enrolment_set_depth(user=learner, parcours=levelled, depth="decouverte")
    _finish(learner, _steps(levelled)[:2])
    url = f"/parcours/{levelled.slug}/attestation/decouverte/"
    assert f'href="{url}"' in learner_client.get("/mon-espace/").content.decode()
    assert learner_client.get(url).status_code == 200
