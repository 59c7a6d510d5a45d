"""Comments of a space's members on a step of the method or on a year of figures: Markdown made safe, the
author's name, the way back, bad input and every role."""

import pytest

from diagnostic.governance import comment_add
from diagnostic.models import Comment, SpaceEvent
from tests.diagnostic.method_world import logged_in, make_method, make_world, queries_of
from tests.factories import make_organisation, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model):
    make_method()
    return make_world(django_user_model, years=[2023, 2024])


def step_of(world):
    from diagnostic.method import method_parcours

    return method_parcours().steps.first()


def post(client, world, **data):
    return client.post(f"/mon-modele/{world.space.pk}/commentaires/", data)


def test_a_contributor_comments_a_step_and_goes_back_to_its_comments(client, world):
    step = step_of(world)
    response = post(logged_in(client, world.contributor), world, etape=step.slug, corps="Un **bon** début.")
    assert response.status_code == 302
    assert response["Location"] == f"/mon-modele/{world.space.pk}/demarche/{step.slug}/#commentaires"
    page = client.get(response["Location"]).content.decode()
    assert "Un <strong>bon</strong> début." in page and "Carol Petit" in page
    assert SpaceEvent.objects.filter(actor_name="Carol Petit", summary="a commenté l’étape\u00a01").exists()


def test_a_contributor_comments_a_year_and_goes_back_to_its_anchor(client, world):
    snapshot = world.space.snapshots.get(year=2024)
    response = post(logged_in(client, world.contributor), world, annee=snapshot.pk, corps="Année charnière.")
    assert response["Location"] == f"/mon-modele/{world.space.pk}/#commentaires-2024"
    page = client.get(f"/mon-modele/{world.space.pk}/").content.decode()
    assert 'id="commentaires-2024"' in page and "Année charnière." in page
    assert SpaceEvent.objects.filter(summary="a commenté les chiffres de 2024").exists()


@pytest.mark.parametrize("body, forbidden", [
    ("<script>alert(1)</script>Bonjour", "<script"),
    ("[clic](javascript:alert(1))", "javascript:"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ("<h1>Titre brut</h1>", "<h1>Titre brut"),
])
def test_a_comment_is_rendered_without_what_could_run_or_break_the_page(client, world, body, forbidden):
    step = step_of(world)
    post(logged_in(client, world.contributor), world, etape=step.slug, corps=body)
    comment = Comment.objects.get()
    assert forbidden not in comment.body_html
    page = client.get(f"/mon-modele/{world.space.pk}/demarche/{step.slug}/").content.decode()
    comments = page[page.index('id="commentaires"'):]
    assert forbidden not in comments.split("<form")[0]


def test_an_empty_comment_gets_a_400_with_the_error(client, world):
    response = post(logged_in(client, world.contributor), world, etape=step_of(world).slug, corps="   ")
    assert response.status_code == 400
    assert "Écrivez votre commentaire avant de le publier." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_too_long_comment_gets_a_400_and_the_text_is_shown_back(client, world):
    snapshot = world.space.snapshots.get(year=2023)
    body = "Mon long avis. " + "x" * 5000
    response = post(logged_in(client, world.contributor), world, annee=snapshot.pk, corps=body)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Le commentaire dépasse 5\u202f000 caractères (5\u202f015 saisis)" in page
    assert f"{body}</textarea>" in page and f'name="annee" value="{snapshot.pk}"' in page
    assert not Comment.objects.exists()


def test_a_year_of_another_organisation_gets_a_404(client, world):
    theirs = make_organisation(user=world.outsider, years=[2024]).snapshots.get()
    assert post(logged_in(client, world.contributor), world, annee=theirs.pk, corps="Hop.").status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize("data", [{"etape": "inconnue"}, {"annee": "abc"}, {"annee": "999999"}])
def test_an_unknown_step_or_year_gets_a_404(client, world, data):
    assert post(logged_in(client, world.contributor), world, corps="Hop.", **data).status_code == 404


@pytest.mark.parametrize("data", [{}, {"etape": "x", "annee": "1"}])
def test_a_comment_on_neither_or_both_targets_gets_a_400(client, world, data):
    assert post(logged_in(client, world.contributor), world, corps="Hop.", **data).status_code == 400


def test_a_reader_cannot_comment(client, world):
    response = post(logged_in(client, world.reader), world, etape=step_of(world).slug, corps="Hop.")
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_an_outsider_cannot_comment(client, world):
    response = post(logged_in(client, world.outsider), world, etape=step_of(world).slug, corps="Hop.")
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_commenting_is_post_only(client, world):
    assert logged_in(client, world.contributor).get(f"/mon-modele/{world.space.pk}/commentaires/").status_code == 405


def test_a_reader_sees_the_comments_of_each_year_but_no_form(client, world):
    snapshot = world.space.snapshots.get(year=2023)
    comment_add(organisation=world.space, snapshot=snapshot, body="À revoir.", actor=world.contributor)
    page = logged_in(client, world.reader).get(f"/mon-modele/{world.space.pk}/").content.decode()
    assert "À revoir." in page and "Carol Petit" in page
    assert "/commentaires/" not in page


def test_a_contributor_gets_one_labelled_form_per_year(client, world):
    page = logged_in(client, world.contributor).get(f"/mon-modele/{world.space.pk}/").content.decode()
    assert "Votre commentaire sur les chiffres de 2023" in page and "Votre commentaire sur les chiffres de 2024" in page
    assert page.count('name="annee"') == 2


def test_a_personal_diagnostic_shows_no_comments(client, world):
    mine = make_organisation(user=world.outsider, years=[2024])
    page = logged_in(client, world.outsider).get(f"/mon-modele/{mine.pk}/").content.decode()
    assert "Commentaires sur les chiffres" not in page
    assert post(client, type("W", (), {"space": mine}), annee=mine.snapshots.get().pk, corps="Hop.").status_code == 404


def test_the_diagnostic_page_costs_the_same_queries_whatever_the_comments(client, world):
    url = f"/mon-modele/{world.space.pk}/"
    logged_in(client, world.contributor).get(url)  # the figures' fragments kept in the content cache
    _page, empty = queries_of(client, url)
    for snapshot in world.space.snapshots.all():
        for n in range(4):
            comment_add(organisation=world.space, snapshot=snapshot, body=f"Avis {n}", actor=world.responsable)
    page, busy = queries_of(client, url)
    assert "Avis 3" in page.content.decode()
    assert busy == empty


def test_a_snapshot_of_another_organisation_is_refused_by_the_service(world):
    other = make_space(responsable=world.outsider, years=[2024]).snapshots.get()
    with pytest.raises(ValueError):
        comment_add(organisation=world.space, snapshot=other, body="Hop.", actor=world.contributor)


def test_a_list_typed_right_under_a_line_is_a_list_and_single_line_breaks_are_kept(client, world):
    step = step_of(world)
    body = "Points à voir :\r\n- le budget\r\n- les **bénévoles**\r\nEt ensuite ?\r\nOn verra.<script>x</script>"
    post(logged_in(client, world.contributor), world, etape=step.slug, corps=body)
    html = Comment.objects.get().body_html
    assert html.startswith("<p>Points à voir :</p>\n<ul>\n<li>le budget</li>\n<li>les <strong>bénévoles</strong></li>")
    assert "<p>Et ensuite ?<br>\nOn verra." in html
    assert "<script" not in html


def test_code_typed_between_fences_keeps_its_dashes(world):
    comment = comment_add(organisation=world.space, step=step_of(world), actor=world.contributor,
                          body="Voici\u00a0:\n```\nligne\n- pas une liste\n```")
    assert "<pre><code>ligne\n- pas une liste\n</code></pre>" in comment.body_html
