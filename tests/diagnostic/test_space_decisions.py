"""Decisions of a space: recorded from a step's page or from the decisions' page, listed newest first, deleted by
a responsable after a confirmation."""

import datetime

import pytest
from django.utils import timezone

from diagnostic.governance import decision_add
from diagnostic.models import Decision, SpaceEvent
from tests.diagnostic.method_world import logged_in, make_method, make_world, queries_of
from tests.factories import make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model):
    make_method()
    return make_world(django_user_model)


def steps_of(world):
    from diagnostic.method import method_parcours

    return list(method_parcours().steps.all())


def url(world):
    return f"/mon-modele/{world.space.pk}/decisions/"


def test_the_decisions_are_listed_newest_first_with_their_step_and_who_recorded_them(client, world):
    first, second = steps_of(world)[:2]
    decision_add(organisation=world.space, step=first, decided_on=datetime.date(2024, 3, 1), text="Ancienne.",
                 actor=world.responsable)
    decision_add(organisation=world.space, step=second, decided_on=datetime.date(2025, 6, 2), text="Récente.",
                 actor=world.contributor)
    decision_add(organisation=world.space, step=None, decided_on=datetime.date(2024, 12, 5), text="Générale.",
                 actor=world.contributor)
    page = logged_in(client, world.reader).get(url(world)).content.decode()
    assert page.index("Récente.") < page.index("Générale.") < page.index("Ancienne.")
    assert f"Étape 2&#8239;: {second.title}" in page and "sans étape particulière" in page
    assert "Notée par Alice Martin" in page and "Notée par Carol Petit" in page
    assert "2 juin 2025" in page
    assert "<textarea" not in page and "/supprimer/" not in page


def test_a_contributor_records_a_decision_on_a_step_from_the_decisions_page(client, world):
    step = steps_of(world)[2]
    response = logged_in(client, world.contributor).post(
        url(world), {"decided_on": "2025-01-15", "etape": step.slug, "text": "  Nous ouvrons un second lieu.  "}
    )
    assert response.status_code == 302 and response["Location"] == url(world)
    decision = Decision.objects.get()
    assert (decision.step, decision.decided_on, decision.text) == (step, datetime.date(2025, 1, 15),
                                                                   "Nous ouvrons un second lieu.")
    assert decision.recorded_by_name == "Carol Petit"
    assert SpaceEvent.objects.filter(actor_name="Carol Petit",
                                     summary="a noté une décision du 15 janvier 2025 (étape\u00a03)").exists()


def test_a_decision_may_be_written_with_a_french_date_and_no_step(client, world):
    response = logged_in(client, world.contributor).post(url(world), {"decided_on": "14/03/2025", "text": "Oui."})
    assert response.status_code == 302
    assert Decision.objects.get().step is None


def test_a_contributor_records_a_decision_from_a_step_page(client, world):
    step = steps_of(world)[0]
    step_url = f"/mon-modele/{world.space.pk}/demarche/{step.slug}/"
    response = logged_in(client, world.contributor).post(
        step_url, {"formulaire": "decision", "decided_on": "2025-02-03", "text": "On y va."}
    )
    assert response["Location"] == f"{step_url}#decisions"
    assert Decision.objects.get().step == step
    assert "On y va." in client.get(step_url).content.decode()


def test_the_date_defaults_to_today_in_paris(client, world, monkeypatch):
    # 23:30 in London on 31 December is already 1 January in Paris.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2024, 12, 31, 23, 30, tzinfo=datetime.UTC))
    page = logged_in(client, world.contributor).get(url(world)).content.decode()
    assert 'name="decided_on" value="2025-01-01"' in page


@pytest.mark.parametrize("data, message", [
    ({"decided_on": "", "text": "Oui."}, "Indiquez la date de la décision."),
    ({"decided_on": "31/02/2025", "text": "Oui."}, "Indiquez une date complète et valide"),
    ({"decided_on": "2999-01-01", "text": "Oui."}, "sa date ne peut pas être à venir"),
    ({"decided_on": "1800-01-01", "text": "Oui."}, "Cette date est trop ancienne"),
    ({"decided_on": "2025-01-01", "text": "  "}, "Écrivez la décision prise."),
    ({"decided_on": "2025-01-01", "text": "x" * 2001}, "Le texte dépasse 2\u202f000 caractères"),
    ({"decided_on": "2025-01-01", "text": "Oui.", "etape": "inconnue"}, "Cette étape n’est pas dans la liste"),
])
def test_bad_input_gets_a_400_with_a_clear_message_and_the_text_shown_back(client, world, data, message):
    response = logged_in(client, world.contributor).post(url(world), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if data["text"].strip():
        assert f"{data['text']}</textarea>" in page
    assert not Decision.objects.exists()


def test_a_reader_cannot_record_a_decision(client, world):
    response = logged_in(client, world.reader).post(url(world), {"decided_on": "2025-01-01", "text": "Oui."})
    assert response.status_code == 403
    step_url = f"/mon-modele/{world.space.pk}/demarche/{steps_of(world)[0].slug}/"
    assert client.post(step_url, {"formulaire": "decision", "decided_on": "2025-01-01", "text": "Oui."}).status_code == 403
    assert not Decision.objects.exists()


def test_an_outsider_gets_a_404_on_the_decisions(client, world):
    logged_in(client, world.outsider)
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world), {"decided_on": "2025-01-01", "text": "Oui."}).status_code == 404
    assert not Decision.objects.exists()


def test_the_decisions_page_costs_the_same_queries_whatever_their_number(client, world):
    _page, empty = queries_of(logged_in(client, world.contributor), url(world))
    for step in steps_of(world):
        for n in range(3):
            decision_add(organisation=world.space, step=step, decided_on=datetime.date(2025, 1, 1 + n),
                         text=f"Décision {n}", actor=world.contributor)
    page, busy = queries_of(client, url(world))
    assert "9 décisions notées" in page.content.decode()
    assert busy == empty


# Deletion --------------------------------------------------------------------------------------------------------

def a_decision(world):
    return decision_add(organisation=world.space, step=steps_of(world)[0], decided_on=datetime.date(2025, 5, 6),
                        text="Nous recrutons.", actor=world.contributor)


def test_a_responsable_is_told_what_disappears_then_deletes_a_decision(client, world):
    decision = a_decision(world)
    delete_url = f"/mon-modele/{world.space.pk}/decisions/{decision.pk}/supprimer/"
    logged_in(client, world.responsable)
    assert delete_url in client.get(url(world)).content.decode()
    page = client.get(delete_url).content.decode()
    assert "Supprimer la décision du 6 mai 2025" in page and "Nous recrutons." in page
    assert Decision.objects.exists()
    response = client.post(delete_url)
    assert response["Location"] == url(world)
    assert not Decision.objects.exists()
    assert SpaceEvent.objects.filter(actor_name="Alice Martin", summary="a supprimé la décision du 6 mai 2025").exists()


@pytest.mark.parametrize("who", ["contributor", "reader"])
def test_only_a_responsable_may_delete_a_decision(client, world, who):
    decision = a_decision(world)
    delete_url = f"/mon-modele/{world.space.pk}/decisions/{decision.pk}/supprimer/"
    logged_in(client, getattr(world, who))
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url).status_code == 403
    assert Decision.objects.exists()


def test_an_outsider_cannot_delete_a_decision(client, world):
    decision = a_decision(world)
    response = logged_in(client, world.outsider).post(f"/mon-modele/{world.space.pk}/decisions/{decision.pk}/supprimer/")
    assert response.status_code == 404
    assert Decision.objects.exists()


def test_a_decision_of_another_space_gets_a_404(client, world):
    theirs = make_space(responsable=world.outsider)
    decision = decision_add(organisation=theirs, step=None, decided_on=datetime.date(2025, 1, 1), text="À eux.",
                            actor=world.outsider)
    response = logged_in(client, world.responsable).post(f"/mon-modele/{world.space.pk}/decisions/{decision.pk}/supprimer/")
    assert response.status_code == 404
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_the_first_of_a_month_is_written_1er_in_the_list_its_hidden_labels_and_the_history(client, world):
    decision = decision_add(organisation=world.space, step=steps_of(world)[0], decided_on=datetime.date(2026, 12, 1),
                            text="Le premier.", actor=world.contributor)
    Decision.objects.filter(pk=decision.pk).update(
        created_at=datetime.datetime(2026, 12, 1, 8, 5, tzinfo=datetime.UTC))
    page = logged_in(client, world.responsable).get(url(world)).content.decode()
    assert '<time datetime="2026-12-01">1er décembre 2026</time>' in page
    assert "Supprimer<span class=\"hub-sr-only\"> la décision du 1er décembre 2026</span>" in page
    assert "le 1er décembre 2026 à 9\u202fh\u202f05" in page
    assert " 1 décembre" not in page
    history = client.get(f"/mon-modele/{world.space.pk}/historique/").content.decode()
    assert "a noté une décision du 1er décembre 2026 (étape\u00a01)" in history
    delete_page = client.get(f"/mon-modele/{world.space.pk}/decisions/{decision.pk}/supprimer/").content.decode()
    assert "Supprimer la décision du 1er décembre 2026" in delete_page


def test_the_date_hint_suits_a_date_picker(client, world):
    page = logged_in(client, world.contributor).get(url(world)).content.decode()
    assert 'type="date"' in page and "14/03/2025" not in page
    assert "Le jour où le groupe a pris la décision" in page
