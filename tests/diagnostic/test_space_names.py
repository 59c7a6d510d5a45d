"""How members are named on the shared work: by their name today while their account exists (the name copied
when they wrote is kept for when it is gone), and by the start of their address when they gave no name: the full
address is only for those who invite, on the members' page."""

import datetime

import pytest

from accounts.models import Profile
from diagnostic.governance import answers_save, comment_add, decision_add
from diagnostic.spaces import person_name
from tests.diagnostic.method_world import logged_in, make_method, make_world, queries_of
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model):
    make_method()
    return make_world(django_user_model, years=[2024])


def first_step():
    from diagnostic.method import method_parcours

    return method_parcours().steps.first()


def carol_writes_everywhere(world):
    step = first_step()
    answers_save(organisation=world.space, step=step, texts={step.board_questions.first(): "Oui."},
                 actor=world.contributor)
    decision_add(organisation=world.space, step=step, decided_on=datetime.date(2025, 3, 14), text="On y va.",
                 actor=world.contributor)
    comment_add(organisation=world.space, step=step, body="Un avis.", actor=world.contributor)
    comment_add(organisation=world.space, snapshot=world.space.snapshots.get(), body="Une année.",
                actor=world.contributor)
    return step


def pages(client, world, step):
    base = f"/mon-modele/{world.space.pk}"
    return {url: client.get(url).content.decode()
            for url in (f"{base}/demarche/{step.slug}/", f"{base}/decisions/", f"{base}/historique/", f"{base}/",
                        f"{base}/dossier/")}


def test_a_member_who_changes_their_name_is_shown_under_the_new_one_everywhere(client, world):
    step = carol_writes_everywhere(world)
    Profile.objects.filter(user=world.contributor).update(display_name="Carole Petit-Durand")
    logged_in(client, world.reader)
    for url, page in pages(client, world, step).items():
        assert "Carole Petit-Durand" in page, url
        assert "Carol Petit<" not in page and "Carol Petit " not in page, url
    base = f"/mon-modele/{world.space.pk}"
    step_page = client.get(f"{base}/demarche/{step.slug}/").content.decode()
    assert "<strong>Carole Petit-Durand</strong>, le" in step_page  # the comment
    assert "Mise à jour par Carole Petit-Durand" in step_page  # the answer
    assert "Notée par Carole Petit-Durand" in step_page  # the decision
    assert "<strong>Carole Petit-Durand</strong> a commenté" in client.get(f"{base}/historique/").content.decode()


def test_a_deleted_account_keeps_the_name_it_had_when_it_wrote(client, world):
    step = carol_writes_everywhere(world)
    world.contributor.delete()
    logged_in(client, world.reader)
    for url, page in pages(client, world, step).items():
        if "dossier" not in url:  # the dossier lists members, not past authors' names everywhere
            assert "Carol Petit" in page, url
        assert "Un compte supprimé" not in page, url


def test_a_member_without_a_name_is_shown_by_the_start_of_their_address(client, world):
    step = first_step()
    comment_add(organisation=world.space, step=step, body="Un avis.", actor=world.reader)
    logged_in(client, world.contributor)
    for url, page in pages(client, world, step).items():
        assert "dan@example.org" not in page, url
    page = client.get(f"/mon-modele/{world.space.pk}/demarche/{step.slug}/").content.decode()
    assert "<strong>dan</strong>, le" in page
    assert "dan@example.org" not in client.get(f"/mon-modele/{world.space.pk}/membres/").content.decode()


def test_those_who_invite_still_see_every_members_address_on_the_members_page(client, world):
    page = logged_in(client, world.responsable).get(f"/mon-modele/{world.space.pk}/membres/").content.decode()
    assert "<strong>dan</strong> · dan@example.org" in page
    assert "<strong>Carol Petit</strong> · carol@example.org" in page


def test_person_name_never_gives_a_whole_address(django_user_model):
    user = django_user_model.objects.create_user(username="zoe", email="zoe.martin@asso.example", password="x")
    assert person_name(user) == "zoe.martin"
    assert person_name(user, address=True) == "zoe.martin@asso.example"  # for who invited her
    Profile.objects.create(user=user, display_name="  Zoé Martin ")
    user.refresh_from_db()
    assert person_name(user) == "Zoé Martin"


@pytest.mark.parametrize("path", ["demarche/{step}/", "decisions/", "historique/", ""])
def test_current_names_cost_no_query_per_author(client, world, django_user_model, path):
    step = first_step()
    url = f"/mon-modele/{world.space.pk}/{path.format(step=step.slug)}"
    logged_in(client, world.reader).get(url)  # the result page's figures: kept in the content cache
    _page, few = queries_of(client, url)
    carol_writes_everywhere(world)
    for name in ("fred", "gina", "hugo"):
        author = make_member(django_user_model, name, space=world.space, role="contributeur")
        Profile.objects.create(user=author, display_name=name.title())
        comment_add(organisation=world.space, step=step, body="Avis.", actor=author)
        comment_add(organisation=world.space, snapshot=world.space.snapshots.get(), body="Avis.", actor=author)
        decision_add(organisation=world.space, step=step, decided_on=datetime.date(2025, 1, 2), text="Oui.",
                     actor=author)
    page, many = queries_of(client, url)
    assert "Hugo" in page.content.decode()
    assert many == few, (few, many)
