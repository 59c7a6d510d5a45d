"""The history of a space: each change of the shared work leaves one line with its author's name, shown newest
first, in Paris time, limited to the last HISTORY_LENGTH."""

import datetime

import pytest

from diagnostic.models import SpaceEvent
from diagnostic.spaces import space_event_record
from tests.diagnostic.method_world import logged_in, make_method, make_world, queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model):
    make_method()
    return make_world(django_user_model, years=[2024])


def url(world):
    return f"/mon-modele/{world.space.pk}/historique/"


def test_each_change_leaves_one_line_with_the_name_of_who_made_it(client, world):
    from diagnostic.method import method_parcours

    step = method_parcours().steps.first()
    step_url = f"/mon-modele/{world.space.pk}/demarche/{step.slug}/"
    question = step.board_questions.first()
    logged_in(client, world.contributor)
    client.post(step_url, {"formulaire": "reponses", "statut": "en_cours", f"reponse_{question.pk}": "Oui"})
    client.post(step_url, {"formulaire": "decision", "decided_on": "2025-04-01", "text": "Oui."})
    client.post(f"/mon-modele/{world.space.pk}/commentaires/",
                {"annee": world.space.snapshots.get().pk, "corps": "Bien."})
    logged_in(client, world.responsable)
    client.post(f"/mon-modele/{world.space.pk}/commentaires/", {"etape": step.slug, "corps": "D’accord."})
    lines = list(SpaceEvent.objects.filter(organisation=world.space).order_by("pk").values_list("actor_name", "summary"))
    assert lines == [
        ("Carol Petit", "a passé l’étape\u00a01 à «\u00a0En cours\u00a0»"),
        ("Carol Petit", "a mis à jour les réponses de l’étape\u00a01"),
        ("Carol Petit", "a noté une décision du 1er avril 2025 (étape\u00a01)"),
        ("Carol Petit", "a commenté les chiffres de 2024"),
        ("Alice Martin", "a commenté l’étape\u00a01"),
    ]
    page = client.get(url(world)).content.decode()
    assert page.index("a commenté l’étape") < page.index("a passé l’étape")
    assert "<strong>Alice Martin</strong> a commenté l’étape" in page


def test_the_history_shows_paris_time(client, world):
    event = space_event_record(organisation=world.space, actor=world.contributor, summary="a fait quelque chose")
    SpaceEvent.objects.filter(pk=event.pk).update(created_at=datetime.datetime(2025, 7, 14, 21, 5, tzinfo=datetime.UTC))
    page = logged_in(client, world.reader).get(url(world)).content.decode()
    assert "14 juillet 2025 à 23\u202fh\u202f05" in page


def test_the_history_is_limited_to_the_last_lines(client, world, monkeypatch):
    monkeypatch.setattr("diagnostic.views.governance.HISTORY_LENGTH", 3)
    for n in range(5):
        space_event_record(organisation=world.space, actor=world.contributor, summary=f"a fait la chose {n}")
    page = logged_in(client, world.reader).get(url(world)).content.decode()
    assert "la chose 4" in page and "la chose 2" in page and "la chose 1" not in page


def test_a_reader_may_read_the_history_and_an_outsider_gets_a_404(client, world):
    assert logged_in(client, world.reader).get(url(world)).status_code == 200
    assert logged_in(client, world.outsider).get(url(world)).status_code == 404


def test_an_anonymous_visitor_gets_a_404_on_the_history(client, world):
    assert client.get(url(world)).status_code == 404


def test_the_history_page_costs_the_same_queries_whatever_its_length(client, world):
    _page, empty = queries_of(logged_in(client, world.reader), url(world))
    for n in range(30):
        space_event_record(organisation=world.space, actor=world.contributor, summary=f"a fait la chose {n}")
    page, busy = queries_of(client, url(world))
    assert "la chose 29" in page.content.decode()
    assert busy == empty
