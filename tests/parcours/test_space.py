from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.content_cache import bump_content_version
from parcours import services
from accounts.models import Profile
from parcours.models import SavedFiche, StepProgress
from resources.models import ActorProfile, Fiche, Lever, Region
from tests.factories import make_fiche, make_parcours, make_step, make_vocabulary

pytestmark = pytest.mark.django_db

NOTE_FORMATS = [("md", "text/markdown; charset=utf-8"), ("txt", "text/plain; charset=utf-8")]


def _steps(parcours):
    return list(parcours.steps.order_by("order"))


def _html(client, url="/mon-espace/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _finish(user, steps, status="terminee"):
    for step in steps:
        services.progress_set_status(user=user, step=step, status=status)


# Who sees what


def test_visitor_sees_an_invitation_to_sign_up(visitor):
    html = _html(visitor)
    assert "Vous n’êtes pas connecté·e" in html
    assert 'href="/compte/inscription/?next=/mon-espace/"' in html
    assert "Suggestions pour vous" not in html


def test_visitor_sees_the_progress_kept_in_the_session(visitor):
    parcours = make_parcours(steps=4, title="Qualifier son modèle")
    first = _steps(parcours)[0]
    visitor.post(f"/parcours/{parcours.slug}/{first.slug}/statut/", {"statut": "terminee"})
    html = _html(visitor)
    assert "Qualifier son modèle" in html
    assert "1 sur 4 étapes (25&#8239;%)" in html


def test_visitor_with_a_finished_parcours_is_asked_to_sign_up_for_the_attestation(visitor):
    parcours = make_parcours(steps=1)
    step = _steps(parcours)[0]
    visitor.post(f"/parcours/{parcours.slug}/{step.slug}/statut/", {"statut": "terminee"})
    html = _html(visitor)
    assert "Créez un compte pour obtenir votre attestation." in html
    assert "/attestation/" not in html


def test_logged_in_person_sees_no_invitation(learner_client):
    html = _html(learner_client)
    assert "Vous n’êtes pas connecté·e" not in html
    assert "Suggestions pour vous" in html


def test_nothing_started_shows_the_empty_states(learner_client):
    make_parcours(steps=2, title="Parcours jamais ouvert")
    html = _html(learner_client)
    assert "Aucun parcours en cours." in html
    assert "Parcours jamais ouvert" not in html
    assert "Vous n’avez pas encore pris de notes." in html
    assert "Aucune fiche sauvegardée." in html


# Parcours in progress and finished


def test_a_parcours_in_progress_shows_its_percentage_and_where_to_resume(learner_client, learner):
    parcours = make_parcours(steps=4, title="Concevoir sa trajectoire")
    steps = _steps(parcours)
    _finish(learner, steps[:1])
    html = _html(learner_client)
    assert "1 sur 4 étapes (25&#8239;%)" in html
    assert f'href="/parcours/{parcours.slug}/{steps[1].slug}/">Reprendre' in html


def test_resume_skips_steps_that_are_not_relevant(learner_client, learner):
    parcours = make_parcours(steps=4)
    steps = _steps(parcours)
    _finish(learner, steps[:1])
    _finish(learner, steps[1:2], status="non_concernee")
    services.progress_set_status(user=learner, step=steps[3], status="terminee")
    html = _html(learner_client)
    assert "3 sur 4 étapes (75&#8239;%)" in html
    assert f'href="/parcours/{parcours.slug}/{steps[2].slug}/">Reprendre' in html


def test_a_parcours_only_opened_with_commencer_is_in_progress(learner_client):
    parcours = make_parcours(steps=3, title="Juste commencé")
    learner_client.post(f"/parcours/{parcours.slug}/commencer/")
    html = _html(learner_client)
    assert "Juste commencé" in html
    assert "0 sur 3 étapes (0&#8239;%)" in html


def test_a_parcours_in_progress_counts_only_the_steps_of_the_chosen_depth(learner_client, learner):
    parcours = make_parcours(steps=4, depths=("decouverte", "decouverte", "approfondissement", "approfondissement"))
    steps = _steps(parcours)
    services.enrolment_set_depth(user=learner, parcours=parcours, depth="decouverte")
    _finish(learner, steps[:1])
    assert "1 sur 2 étapes (50&#8239;%) · niveau découverte" in _html(learner_client)


def test_a_finished_parcours_links_to_its_attestation(learner_client, learner):
    parcours = make_parcours(steps=2, title="Parcours fini")
    _finish(learner, _steps(parcours))
    response = learner_client.get("/mon-espace/")
    html = response.content.decode()
    assert [outline.parcours for outline in response.context["finished"]] == [parcours]
    assert response.context["in_progress"] == []
    assert f'href="/parcours/{parcours.slug}/attestation/"' in html


def test_a_finished_depth_links_to_the_attestation_of_that_depth(learner_client, learner):
    parcours = make_parcours(steps=3, depths=("decouverte", "decouverte", "approfondissement"))
    services.enrolment_set_depth(user=learner, parcours=parcours, depth="decouverte")
    _finish(learner, _steps(parcours)[:2])
    assert f'href="/parcours/{parcours.slug}/attestation/decouverte/"' in _html(learner_client)


# Notes


def test_notes_are_listed_with_their_step(learner_client, learner):
    parcours = make_parcours(steps=2, title="Qualifier")
    step = _steps(parcours)[1]
    services.progress_set_note(user=learner, step=step, note="Nos bénévoles sont nombreux.")
    html = _html(learner_client)
    assert "Nos bénévoles sont nombreux." in html
    assert f'href="/parcours/{parcours.slug}/{step.slug}/#notes">Qualifier, étape 2' in html
    assert 'href="/mon-espace/mes-notes.md"' in html


def test_notes_are_html_escaped(learner_client, learner):
    step = _steps(make_parcours(steps=1))[0]
    services.progress_set_note(user=learner, step=step, note="<script>alert(1)</script>")
    html = _html(learner_client)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_visitor_notes_are_html_escaped_too(visitor):
    parcours = make_parcours(steps=1)
    step = _steps(parcours)[0]
    visitor.post(f"/parcours/{parcours.slug}/{step.slug}/notes/", {"note": "<img src=x onerror=alert(1)>"})
    html = _html(visitor)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html


@pytest.mark.parametrize("extension, content_type", NOTE_FORMATS)
def test_notes_export_is_an_attachment_of_the_right_type(learner_client, learner, extension, content_type):
    step = _steps(make_parcours(steps=1))[0]
    services.progress_set_note(user=learner, step=step, note="Une note.")
    response = learner_client.get(f"/mon-espace/mes-notes.{extension}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="mes-notes-hub.{extension}"'
    assert "Une note." in response.content.decode()


@pytest.mark.parametrize("extension", ["md", "txt"])
def test_notes_export_follows_parcours_and_step_order(learner_client, learner, extension):
    first_parcours = make_parcours(steps=3, title="Premier parcours")
    second_parcours = make_parcours(steps=1, title="Second parcours")
    steps = _steps(first_parcours)
    services.progress_set_note(user=learner, step=_steps(second_parcours)[0], note="Note D")
    services.progress_set_note(user=learner, step=steps[2], note="Note C")
    services.progress_set_note(user=learner, step=steps[0], note="Note A")
    text = learner_client.get(f"/mon-espace/mes-notes.{extension}").content.decode()
    positions = [text.index(note) for note in ("Note A", "Note C", "Note D")]
    assert positions == sorted(positions)
    assert text.lower().index("premier parcours") < text.lower().index("second parcours")
    assert f"Étape 3 : {steps[2].title}" in text


def test_markdown_export_uses_headings(learner_client, learner):
    parcours = make_parcours(steps=1, title="Qualifier")
    step = _steps(parcours)[0]
    services.progress_set_status(user=learner, step=step, status="terminee")
    services.progress_set_note(user=learner, step=step, note="Une note.")
    text = learner_client.get("/mon-espace/mes-notes.md").content.decode()
    assert "## Qualifier" in text
    assert f"### Étape 1 : {step.title} (Terminée)" in text


@pytest.mark.parametrize("extension", ["md", "txt"])
def test_notes_export_without_notes_says_so(learner_client, extension):
    make_parcours(steps=2)
    text = learner_client.get(f"/mon-espace/mes-notes.{extension}").content.decode()
    assert "Aucune note pour le moment." in text


def test_visitor_exports_the_notes_of_the_session(visitor):
    parcours = make_parcours(steps=1)
    step = _steps(parcours)[0]
    visitor.post(f"/parcours/{parcours.slug}/{step.slug}/notes/", {"note": "Note sans compte"})
    assert "Note sans compte" in visitor.get("/mon-espace/mes-notes.txt").content.decode()


@pytest.mark.parametrize("extension", ["pdf", "html", "MD", "md.exe"])
def test_notes_export_in_another_format_is_a_404(learner_client, extension):
    assert learner_client.get(f"/mon-espace/mes-notes.{extension}").status_code == 404


def test_notes_export_is_never_cached(learner_client):
    assert "no-store" in learner_client.get("/mon-espace/mes-notes.md")["Cache-Control"]


# Outsiders


@pytest.fixture
def alices_things(learner):
    parcours = make_parcours(steps=3, title="Parcours d’Alice")
    steps = _steps(parcours)
    services.progress_set_status(user=learner, step=steps[0], status="terminee")
    services.progress_set_note(user=learner, step=steps[0], note="Secret d’Alice")
    finished = make_parcours(steps=1, title="Parcours fini par Alice")
    _finish(learner, _steps(finished))
    fiche = make_fiche(title="Fiche gardée par Alice")
    services.fiche_set_saved(user=learner, fiche=fiche, saved=True)
    return parcours


@pytest.mark.parametrize("url", ["/mon-espace/", "/mon-espace/mes-notes.md", "/mon-espace/mes-notes.txt"])
def test_another_person_never_sees_alices_things(client, other_learner, alices_things, url):
    client.force_login(other_learner)
    text = _html(client, url)
    assert "Secret d’Alice" not in text
    assert "Fiche gardée par Alice" not in text
    assert "Parcours d’Alice" not in text and "Parcours d&#x27;Alice" not in text
    assert "Parcours fini par Alice" not in text


@pytest.mark.parametrize("url", ["/mon-espace/", "/mon-espace/mes-notes.md", "/mon-espace/mes-notes.txt"])
def test_a_visitor_never_sees_alices_things(visitor, alices_things, url):
    text = _html(visitor, url)
    assert "Secret d’Alice" not in text
    assert "Fiche gardée par Alice" not in text
    assert "Parcours fini par Alice" not in text


def test_another_persons_step_page_shows_their_own_empty_note(client, other_learner, alices_things):
    client.force_login(other_learner)
    step = _steps(alices_things)[0]
    html = _html(client, f"/parcours/{alices_things.slug}/{step.slug}/")
    assert "Secret d’Alice" not in html


# Saving fiches


def test_saving_a_fiche_by_post(learner_client, learner):
    fiche = make_fiche(slug="benevoles", title="Mobiliser des bénévoles")
    response = learner_client.post("/mon-espace/fiches/benevoles/")
    assert response.status_code == 302
    assert response["Location"] == "/fiches/benevoles/"
    assert SavedFiche.objects.filter(user=learner, fiche=fiche).exists()
    assert "Mobiliser des bénévoles" in _html(learner_client)


def test_saving_twice_keeps_one_row(learner_client, learner):
    make_fiche(slug="benevoles")
    learner_client.post("/mon-espace/fiches/benevoles/")
    learner_client.post("/mon-espace/fiches/benevoles/")
    assert SavedFiche.objects.filter(user=learner).count() == 1


def test_removing_a_saved_fiche(learner_client, learner):
    fiche = make_fiche(slug="benevoles")
    services.fiche_set_saved(user=learner, fiche=fiche, saved=True)
    response = learner_client.post("/mon-espace/fiches/benevoles/", {"action": "retirer"})
    assert response.status_code == 302
    assert not SavedFiche.objects.filter(user=learner).exists()


def test_visitor_saves_a_fiche_in_the_session(visitor):
    make_fiche(slug="benevoles", title="Mobiliser des bénévoles")
    visitor.post("/mon-espace/fiches/benevoles/")
    assert "Mobiliser des bénévoles" in _html(visitor)
    assert not SavedFiche.objects.exists()


def test_saving_by_get_is_refused(learner_client, learner):
    make_fiche(slug="benevoles")
    assert learner_client.get("/mon-espace/fiches/benevoles/").status_code == 405
    assert not SavedFiche.objects.filter(user=learner).exists()


def test_saving_an_unknown_fiche_is_a_404(learner_client):
    assert learner_client.post("/mon-espace/fiches/inconnue/").status_code == 404


def test_saving_a_draft_fiche_is_a_404(learner_client, learner):
    make_fiche(slug="brouillon", status=Fiche.Status.DRAFT)
    assert learner_client.post("/mon-espace/fiches/brouillon/").status_code == 404
    assert not SavedFiche.objects.filter(user=learner).exists()


def test_saving_goes_back_to_a_local_next(learner_client):
    make_fiche(slug="benevoles")
    response = learner_client.post("/mon-espace/fiches/benevoles/", {"next": "/mon-espace/"})
    assert response["Location"] == "/mon-espace/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_saving_ignores_an_off_site_next(learner_client, target):
    make_fiche(slug="benevoles")
    response = learner_client.post("/mon-espace/fiches/benevoles/", {"next": target})
    assert response["Location"] == "/fiches/benevoles/"


def test_saved_fiches_are_listed_most_recent_first(learner_client):
    for slug in ("premiere", "deuxieme", "troisieme"):
        make_fiche(slug=slug)
        learner_client.post(f"/mon-espace/fiches/{slug}/")
    saved = learner_client.get("/mon-espace/").context["saved"]
    assert [fiche.slug for fiche in saved] == ["troisieme", "deuxieme", "premiere"]


def test_visitor_saved_fiches_are_listed_most_recent_first(visitor):
    for slug in ("premiere", "deuxieme", "troisieme"):
        make_fiche(slug=slug)
        visitor.post(f"/mon-espace/fiches/{slug}/")
    saved = visitor.get("/mon-espace/").context["saved"]
    assert [fiche.slug for fiche in saved] == ["troisieme", "deuxieme", "premiere"]


def test_a_saved_fiche_that_became_a_draft_is_not_listed(learner_client, learner):
    fiche = make_fiche(title="Fiche dépubliée")
    services.fiche_set_saved(user=learner, fiche=fiche, saved=True)
    assert "Fiche dépubliée" in _html(learner_client)  # its card is now in the content cache
    Fiche.objects.filter(pk=fiche.pk).update(status=Fiche.Status.DRAFT)
    assert "Fiche dépubliée" not in _html(learner_client)


def test_a_saved_fiche_renamed_shows_its_new_title_at_the_next_request(learner_client, learner):
    fiche = make_fiche(title="Ancien titre")
    services.fiche_set_saved(user=learner, fiche=fiche, saved=True)
    assert "Ancien titre" in _html(learner_client)
    fiche.title = "Nouveau titre"
    fiche.save()
    page = _html(learner_client)
    assert "Nouveau titre" in page and "Ancien titre" not in page


def test_fiche_page_offers_the_save_button(learner_client):
    make_fiche(slug="benevoles")
    html = _html(learner_client, "/fiches/benevoles/")
    assert 'action="/mon-espace/fiches/benevoles/"' in html
    assert "Sauvegarder</button>" in html
    assert "Retirer de Mon espace" not in html


def test_fiche_page_offers_to_remove_once_saved(learner_client):
    make_fiche(slug="benevoles")
    learner_client.post("/mon-espace/fiches/benevoles/")
    html = _html(learner_client, "/fiches/benevoles/")
    assert "Retirer de Mon espace" in html
    assert "Sauvegarder</button>" not in html


def test_fiche_page_offers_to_remove_once_saved_by_a_visitor(visitor):
    make_fiche(slug="benevoles")
    visitor.post("/mon-espace/fiches/benevoles/")
    assert "Retirer de Mon espace" in _html(visitor, "/fiches/benevoles/")


def test_the_save_button_brings_back_to_the_fiche_page(learner_client):
    make_fiche(slug="benevoles")
    assert 'name="next" value="/fiches/benevoles/"' in _html(learner_client, "/fiches/benevoles/")


def test_a_draft_preview_has_no_save_button(staff_client):
    make_fiche(slug="brouillon", status=Fiche.Status.DRAFT)
    assert "/mon-espace/fiches/brouillon/" not in _html(staff_client, "/fiches/brouillon/")


# Suggestions


def test_suggestions_follow_the_actor_profile(learner_client, learner):
    mine = make_vocabulary(ActorProfile)
    other = make_vocabulary(ActorProfile)
    Profile.objects.create(user=learner, actor_profile=mine)
    matching = make_fiche(title="Fiche pour mon organisation")
    matching.actor_profiles.add(mine)
    unrelated = make_fiche(title="Fiche pour une autre organisation")
    unrelated.actor_profiles.add(other)
    make_fiche(title="Fiche sans profil")
    response = learner_client.get("/mon-espace/")
    assert response.context["suggestions"] == [matching]
    html = response.content.decode()
    assert "Fiche pour mon organisation" in html
    assert "Fiche pour une autre organisation" not in html


def test_suggestions_follow_the_region(learner_client, learner):
    region = make_vocabulary(Region)
    Profile.objects.create(user=learner, region=region)
    matching = make_fiche()
    matching.regions.add(region)
    make_fiche().regions.add(make_vocabulary(Region))
    assert learner_client.get("/mon-espace/").context["suggestions"] == [matching]


def test_a_saved_fiche_is_not_suggested_again(learner_client, learner):
    mine = make_vocabulary(ActorProfile)
    Profile.objects.create(user=learner, actor_profile=mine)
    saved = make_fiche(title="Déjà sauvegardée")
    saved.actor_profiles.add(mine)
    services.fiche_set_saved(user=learner, fiche=saved, saved=True)
    response = learner_client.get("/mon-espace/")
    assert response.context["suggestions"] == []
    assert [fiche.pk for fiche in response.context["saved"]] == [saved.pk]


def test_a_draft_is_never_suggested(learner_client, learner):
    mine = make_vocabulary(ActorProfile)
    Profile.objects.create(user=learner, actor_profile=mine)
    make_fiche(status=Fiche.Status.DRAFT).actor_profiles.add(mine)
    assert learner_client.get("/mon-espace/").context["suggestions"] == []


def test_without_a_profile_the_page_explains_how_to_get_suggestions(learner_client):
    html = _html(learner_client)
    assert "Indiquez votre type d’organisation et votre région" in html


# Query counts


def _queries(client, url="/mon-espace/"):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _built_and_cached(client, url="/mon-espace/"):
    """(queries when the saved fiches' cards are built, then when they come from the content cache)."""
    bump_content_version()
    return _queries(client, url), _queries(client, url)


_people = count(1)


class World:
    """One person with a profile, a parcours with statuses and notes, saved and suggested fiches, other people."""

    def __init__(self, user):
        self.user = user
        self.lever = make_vocabulary(Lever, theme="rh")
        self.actor_profile = make_vocabulary(ActorProfile)
        self.region = make_vocabulary(Region)
        Profile.objects.create(user=user, actor_profile=self.actor_profile, region=self.region)
        self.parcours = make_parcours(steps=0)
        self.people = [user]
        self.add_steps(10)
        self.add_notes(1)
        self.add_saved(1)
        self.add_others(1)

    def add_steps(self, n):
        for _ in range(n):
            step = make_step(self.parcours, depth="decouverte")
            for person in self.people:
                services.progress_set_status(user=person, step=step, status="terminee")

    def add_notes(self, n):
        noted = set(StepProgress.objects.filter(user=self.user).exclude(note="").values_list("step", flat=True))
        without = [step for step in _steps(self.parcours) if step.pk not in noted]
        for step in without[:n]:
            for person in self.people:
                services.progress_set_note(user=person, step=step, note=f"Note sur {step.title}")

    def add_saved(self, n):
        for _ in range(n):
            fiche = make_fiche(levers=[self.lever])
            fiche.actor_profiles.add(self.actor_profile)
            for person in self.people:
                services.fiche_set_saved(user=person, fiche=fiche, saved=True)
            make_fiche(levers=[self.lever]).regions.add(self.region)  # one more suggestion

    def add_others(self, n):
        for _ in range(n):
            other = type(self.user).objects.create_user(username=f"autre-{next(_people)}", password="x")
            for step in _steps(self.parcours):
                services.progress_set_status(user=other, step=step, status="en_cours")
                services.progress_set_note(user=other, step=step, note="Note d’une autre personne")
            Profile.objects.create(user=other, actor_profile=self.actor_profile)


GROWTHS = {
    "steps": ("add_steps", 30),
    "notes": ("add_notes", 9),
    "saved": ("add_saved", 12),
    "others": ("add_others", 8),
}


@pytest.mark.parametrize("growth", GROWTHS)
def test_mon_espace_query_count_does_not_grow(learner_client, learner, growth):
    world = World(learner)
    few = _built_and_cached(learner_client)
    method, n = GROWTHS[growth]
    getattr(world, method)(n)
    assert _built_and_cached(learner_client) == few


def test_mon_espace_query_count_is_pinned(learner_client, learner, django_assert_max_num_queries):
    world = World(learner)
    world.add_steps(20)
    world.add_notes(20)
    world.add_saved(8)
    world.add_others(5)
    learner_client.get("/mon-espace/")
    bump_content_version()
    # Suggestions: fiches for both profile and region, then for either, then their levers (3 queries); the profile,
    # the kept parcours d'usage and the diagnostics in one (hub/space_reads.py).
    with django_assert_max_num_queries(11):
        response = learner_client.get("/mon-espace/")
    with django_assert_max_num_queries(9):  # the saved fiches and their levers: from the content cache
        again = learner_client.get("/mon-espace/")
    assert [card.slug for card in again.context["saved"]] == [card.slug for card in response.context["saved"]]
    assert len(response.context["notes"]) == 21  # 30 steps, 1 + 20 with a note
    assert len(response.context["saved"]) == 9
    assert len(response.context["suggestions"]) == 6


def test_visitor_mon_espace_query_count_does_not_grow(visitor, django_assert_max_num_queries):
    def progress(parcours, steps, saved):
        for _ in range(parcours):
            built = make_parcours(steps=steps)
            for step in _steps(built):
                visitor.post(f"/parcours/{built.slug}/{step.slug}/statut/", {"statut": "terminee"})
                visitor.post(f"/parcours/{built.slug}/{step.slug}/notes/", {"note": "Une note"})
        for _ in range(saved):
            visitor.post(f"/mon-espace/fiches/{make_fiche(levers=[make_vocabulary(Lever, theme='rh')]).slug}/")

    progress(1, 2, 1)
    few = _built_and_cached(visitor)
    progress(2, 10, 6)
    many = _built_and_cached(visitor)
    assert few == many
    # The session, the parcours, their steps, the saved fiches and their levers, the browser's diagnostics; the
    # saved fiches' cards then come from the content cache.
    bump_content_version()
    with django_assert_max_num_queries(6):
        visitor.get("/mon-espace/")
    with django_assert_max_num_queries(4):
        visitor.get("/mon-espace/")


@pytest.mark.parametrize("extension", ["md", "txt"])
def test_notes_export_query_count_does_not_grow(learner_client, learner, extension):
    world = World(learner)
    few = _queries(learner_client, f"/mon-espace/mes-notes.{extension}")
    world.add_steps(20)
    world.add_notes(20)
    world.add_others(4)
    assert _queries(learner_client, f"/mon-espace/mes-notes.{extension}") == few
