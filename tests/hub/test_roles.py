"""The « Éditeur » and « Relecteur » groups (hub.roles): present after migrate, kept in sync, and what each may do
in the admin."""

import pytest
import reversion
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from diagnostic.models import ValuationRates
from hub.roles import EDITOR, REVIEWER, role_actions, roles_sync
from rendezvous.models import Letter, LetterSubscriber, OutgoingMail, Registration, SearchAlert
from resources import models as m
from tests.factories import make_event, make_fiche, make_worksheet
from tests.html_forms import forms_in

pytestmark = pytest.mark.django_db


def _codenames(group):
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def _staff_in(django_user_model, client, name, role):
    user = django_user_model.objects.create_user(username=name, email=f"{name}@example.org", password="x",
                                                 is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


@pytest.fixture
def editor_client(django_user_model, client):
    _staff_in(django_user_model, client, "edith", EDITOR)
    return client


@pytest.fixture
def reviewer(django_user_model, client):
    return _staff_in(django_user_model, client, "remi", REVIEWER)


def _change_form(client, url):
    """The fields the browser would send from the admin's change form (the one posting to the page itself)."""
    response = client.get(url)
    assert response.status_code == 200
    form = next(form for form in forms_in(response.content.decode()) if form["attrs"].get("id", "").endswith("_form"))
    return form["fields"]


def test_both_roles_exist_after_migrate_and_a_second_sync_restores_them_and_changes_nothing_else():
    editor, reviewer = Group.objects.get(name=EDITOR), Group.objects.get(name=REVIEWER)
    before = {EDITOR: _codenames(editor), REVIEWER: _codenames(reviewer)}
    assert {("resources", "change_fiche"), ("taggit", "add_tag"), ("parcours", "delete_step"),
            ("rendezvous", "change_event"), ("rendezvous", "change_letter"), ("resources", "change_correction"),
            ("resources", "add_reviewnote"), ("resources", "view_linkcheck")} <= before[EDITOR]
    assert ("resources", "change_linkcheck") not in before[EDITOR]
    assert before[REVIEWER] == {("resources", "change_correction"), ("resources", "add_reviewnote")} | {
        (app, codename) for app, codename in before[EDITOR] if codename.startswith("view_")
    }
    # A permission given by hand, one taken away: the next migrate puts the role back as the code says.
    editor.permissions.add(Permission.objects.get(codename="change_user"))
    editor.permissions.remove(Permission.objects.get(codename="change_fiche"))
    for config in apps.get_app_configs():  # as migrate sends it: only the last app's signal syncs
        if config.models_module is not None:
            roles_sync(config)
    assert Group.objects.filter(name__in=[EDITOR, REVIEWER]).count() == 2
    assert {EDITOR: _codenames(editor), REVIEWER: _codenames(reviewer)} == before


def test_neither_role_reaches_people_their_rights_rates_mails_or_subscribers_data():
    from django.contrib.auth import get_user_model
    from accounts.models import Session

    from accounts.models import AttemptCount, Profile

    for model in (get_user_model(), Group, Permission, ContentType, Session, Profile, AttemptCount, ValuationRates,
                  OutgoingMail, Registration, LetterSubscriber, SearchAlert):
        assert role_actions(EDITOR, model) == role_actions(REVIEWER, model) == (), model
    assert role_actions(EDITOR, Letter) == ("add", "change", "delete", "view")
    assert role_actions(REVIEWER, m.Correction) == ("change", "view")
    assert role_actions(EDITOR, m.LinkCheck) == role_actions(REVIEWER, m.LinkCheck) == ("view",)


def test_an_editor_saves_a_fiche_and_publishes_it_but_gets_403_on_users_and_rates(editor_client):
    fiche = make_fiche(status=m.Fiche.Status.DRAFT, published_at=None, title="Avant")
    fields = [(name, "Après" if name == "title" else value)
              for name, value in _change_form(editor_client, f"/admin/resources/fiche/{fiche.pk}/change/")]
    response = editor_client.post(f"/admin/resources/fiche/{fiche.pk}/change/", fields_dict(fields))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    editor_client.post("/admin/resources/fiche/", {"action": "publish", "_selected_action": [fiche.pk]})
    fiche.refresh_from_db()
    assert fiche.title == "Après" and fiche.status == m.Fiche.Status.PUBLISHED
    for url in ("/admin/auth/user/", "/admin/auth/group/", "/admin/diagnostic/valuationrates/",
                f"/admin/diagnostic/valuationrates/{ValuationRates.current().pk}/change/",
                "/admin/rendezvous/outgoingmail/"):
        assert editor_client.get(url).status_code == 403, url
    # The editorial tools of the admin: history, import, « À relire », « Liens cassés », corrections.
    for url in (f"/admin/resources/fiche/{fiche.pk}/history/", "/admin/resources/fiche/import/",
                "/admin/a-relire/", "/admin/resources/linkcheck/", "/admin/resources/correction/"):
        assert editor_client.get(url).status_code == 200, url


def test_a_reviewer_reads_fiches_but_gets_403_when_saving_one_and_cannot_publish(reviewer, client):
    fiche = make_fiche(status=m.Fiche.Status.DRAFT, published_at=None, title="Avant")
    fields = _change_form(client, f"/admin/resources/fiche/{fiche.pk}/change/")
    assert "title" not in dict(fields)  # a read-only page
    sheet, event = make_worksheet(title="Feuille lue"), make_event(title="Rendez-vous lu")
    for url in (f"/admin/resources/worksheet/{sheet.pk}/change/", f"/admin/rendezvous/event/{event.pk}/change/"):
        response = client.get(url)  # read-only pages, every field as text: no 500
        assert response.status_code == 200 and "Fermer" in response.content.decode(), url
    for _ in range(2):
        with reversion.create_revision():
            fiche.save()
    history = client.get(f"/admin/resources/fiche/{fiche.pk}/history/").content.decode()
    assert "Comparer avec la précédente" in history and "Revenir à cette version" not in history  # it would be 403
    data = {"family": "action", "title": "Après", "slug": fiche.slug, "chapeau": "x", "status": "draft",
            "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0"}
    assert client.post(f"/admin/resources/fiche/{fiche.pk}/change/", data).status_code == 403
    client.post("/admin/resources/fiche/", {"action": "publish", "_selected_action": [fiche.pk]})
    fiche.refresh_from_db()
    assert fiche.title == "Avant" and fiche.status == m.Fiche.Status.DRAFT
    for url in (f"/admin/resources/fiche/{fiche.pk}/history/", "/admin/resources/linkcheck/", "/admin/a-relire/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/resources/fiche/import/").status_code == 403


def test_a_reviewer_marks_a_correction_handled_and_adds_a_review_note(reviewer, client):
    fiche = make_fiche()
    correction = m.Correction.objects.create(fiche=fiche, message="Le chiffre a changé.")
    url = f"/admin/resources/correction/{correction.pk}/change/"
    fields = fields_dict(_change_form(client, url))
    response = client.post(url, {**fields, "staff_note": "Vérifié, fiche corrigée.", "_marquer_traitee": "1"})
    assert response.status_code == 302
    correction.refresh_from_db()
    assert (correction.status, correction.handled_by, correction.staff_note) == (
        m.Correction.Status.HANDLED, reviewer, "Vérifié, fiche corrigée.")
    assert correction.handled_at is not None

    add = f"/admin/resources/reviewnote/add/?fiche={fiche.pk}&correction={correction.pk}"
    assert f'href="{add.replace("&", "&amp;")}"' in client.get(url).content.decode()  # the correction's link
    response = client.post(add, {"fiche": fiche.pk, "text": "Source de 2019 à revoir.", "_save": "1"})
    assert response.status_code == 302 and response["Location"] == url  # back to the correction
    note = m.ReviewNote.objects.get()
    assert (note.fiche, note.author, note.text) == (fiche, reviewer, "Source de 2019 à revoir.")
    page = client.get(url).content.decode()
    assert "Source de 2019 à revoir." in page  # shown on the correction's page
    assert "remi" in page and "/admin/auth/user/" not in page  # who handled it, not a link to a 403
    assert "/admin/auth/user/" not in client.get(f"/admin/resources/reviewnote/{note.pk}/change/").content.decode()
    assert client.post(f"/admin/resources/reviewnote/{note.pk}/change/", {"fiche": fiche.pk, "text": "Autre"}
                       ).status_code == 403


def fields_dict(fields):
    """[(name, value)] → a dict for the test client, with repeated names (multiple selects) as lists."""
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}
