"""The role × action table of a shared space, cell by cell, over HTTP: the table of diagnostic/access.py, the
README's copy of it, and what each kind of person actually gets from each action's page.

Seven kinds of people (three roles, an invited person who has not accepted yet, a member removed, an outsider with
an account, a visitor without one) × nine actions: 63 cells. An allowed action does what it says; a refused one
changes nothing, and answers 403 to a member (the page says which role would do) or 404 to anybody else.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from diagnostic.access import Action, can
from diagnostic.models import Comment, Decision, Invitation, Membership, Organisation, Snapshot
from tests.factories import make_member, make_parcours, make_space, make_step

pytestmark = pytest.mark.django_db

PEOPLE = ["responsable", "contributeur", "lecteur", "invite", "retire", "exterieur", "anonyme"]
MEMBER_ROLES = {"responsable", "contributeur", "lecteur"}
README_COLUMNS = [
    "Responsable", "Contributeur·rice", "Lecteur·rice", "Invité·e (pas encore accepté)", "Membre retiré·e",
    "Personne extérieure", "Visiteur sans compte",
]


def expected(person, action):
    if person not in MEMBER_ROLES:
        return "404"
    return "oui" if can(person, action) else "403"


@dataclass
class World:
    space: Organisation
    snapshot: Snapshot
    step: object
    clients: dict
    third: Membership  # the member whose role « manage » changes
    decision: Decision  # the decision « delete_decision » deletes


@pytest.fixture
def world(django_user_model):
    method = make_parcours(slug="trajectoire-socio-economique", title="Trajectoire")
    step = make_step(method, slug="faire-l-etat-des-lieux", order=2)
    owner = make_member(django_user_model, "rose")
    space = make_space(responsable=owner, years=[2023], name="Espace commun")
    users = {
        "responsable": owner,
        "contributeur": make_member(django_user_model, "camille", space=space, role="contributeur"),
        "lecteur": make_member(django_user_model, "louis", space=space, role="lecteur"),
        "invite": make_member(django_user_model, "ines"),
        "retire": make_member(django_user_model, "remi", space=space, role="contributeur"),
        "exterieur": make_member(django_user_model, "eve"),
    }
    Invitation.objects.create(
        organisation=space, email="ines@example.org", role="contributeur", invited_by=owner, nonce="n" * 32,
        expires_at=timezone.now() + timedelta(days=7),
    )
    Membership.objects.filter(organisation=space, user=users["retire"]).delete()
    third = Membership.objects.create(
        organisation=space, user=make_member(django_user_model, "tiers"), role="contributeur"
    )
    decision = Decision.objects.create(
        organisation=space, decided_on=timezone.localdate(), text="Décision à supprimer.", recorded_by=owner,
        recorded_by_name="rose@example.org",
    )
    clients = {"anonyme": Client()}
    for person, user in users.items():
        clients[person] = Client()
        clients[person].force_login(user)
    return World(space, space.snapshots.get(), step, clients, third, decision)


# Each action: the request that performs it, and what shows it was done.
def _read(w, client):
    return client.get(f"/mon-modele/{w.space.pk}/")


def _edit_figures(w, client):
    return client.post(f"/mon-modele/{w.space.pk}/annees/{w.snapshot.pk}/", {"year": "2023", "subsidies_state": "777"})


def _comment(w, client):
    return client.post(f"/mon-modele/{w.space.pk}/commentaires/", {"etape": w.step.slug, "corps": "Un avis."})


def _debate(w, client):
    return client.post(f"/mon-modele/{w.space.pk}/decisions/", {"decided_on": "2026-12-01", "text": "On décide."})


def _delete_decision(w, client):
    return client.post(f"/mon-modele/{w.space.pk}/decisions/{w.decision.pk}/supprimer/")


def _invite(w, client):
    return client.post(f"/mon-modele/{w.space.pk}/membres/", {"email": "nouveau@example.org", "role": "lecteur"})


def _manage(w, client):
    return client.post(f"/mon-modele/{w.space.pk}/membres/{w.third.pk}/role/", {"role": "lecteur"})


def _delete(w, client):
    return client.post(f"/mon-modele/{w.space.pk}/supprimer/")


def _print(w, client):
    return client.get(f"/mon-modele/{w.space.pk}/dossier/")


def _done(action, w):
    checks = {
        Action.READ: lambda: True,
        Action.EDIT_FIGURES: lambda: Snapshot.objects.get(pk=w.snapshot.pk).subsidies_state == 777,
        Action.COMMENT: lambda: Comment.objects.filter(organisation=w.space, body="Un avis.").exists(),
        Action.DEBATE: lambda: Decision.objects.filter(organisation=w.space, text="On décide.").exists(),
        Action.DELETE_DECISION: lambda: not Decision.objects.filter(pk=w.decision.pk).exists(),
        Action.INVITE: lambda: Invitation.objects.filter(organisation=w.space, email="nouveau@example.org").exists(),
        Action.MANAGE: lambda: Membership.objects.get(pk=w.third.pk).role == "lecteur",
        Action.DELETE: lambda: not Organisation.objects.filter(pk=w.space.pk).exists(),
        Action.PRINT: lambda: True,
    }
    return checks[action]()


REQUESTS = {
    Action.READ: _read, Action.EDIT_FIGURES: _edit_figures, Action.COMMENT: _comment, Action.DEBATE: _debate,
    Action.DELETE_DECISION: _delete_decision,
    Action.INVITE: _invite, Action.MANAGE: _manage, Action.DELETE: _delete, Action.PRINT: _print,
}


def test_the_table_names_every_action_and_every_kind_of_person():
    assert set(REQUESTS) == set(Action)
    assert len(PEOPLE) * len(Action) == 63


@pytest.mark.parametrize("action", list(Action), ids=[action.value for action in Action])
@pytest.mark.parametrize("person", PEOPLE)
def test_each_cell_of_the_role_table(world, person, action):
    response = REQUESTS[action](world, world.clients[person])
    cell = expected(person, action)
    if cell == "oui":
        assert response.status_code in (200, 302), response.content.decode()[:2000]
        assert _done(action, world)
    else:
        assert response.status_code == int(cell)
        assert not (action not in (Action.READ, Action.PRINT) and _done(action, world))
        assert world.space.name not in response.content.decode()
        if cell == "403":
            assert "ne permet pas cette action" in response.content.decode()


def test_the_readme_shows_the_same_table():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    table = re.search(r"<!-- role-table:start -->\n(.*?)<!-- role-table:end -->", readme, re.S).group(1)
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.strip().splitlines()]
    assert rows[0] == ["Action", *README_COLUMNS]
    body = {row[0]: row[1:] for row in rows[2:]}
    assert body == {action.label: [expected(person, action) for person in PEOPLE] for action in Action}
