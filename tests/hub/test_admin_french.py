"""The admin speaks French that agrees: titles, buttons, actions, permissions and labels (hub/admin_french.py)."""

import html
import re
from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diagnostic.models import ActivationDescriptor, ValuationRates
from rendezvous.models import Letter, LetterSubscriber, OutgoingMail
from hub.admin_french import GENDERS, FrenchNoun, french_noun, name_permissions_in_french
from parcours.models import Parcours, Step
from resources import models as m
from resources.vocabularies import VOCABULARIES
from tests.factories import (
    make_alert, make_component, make_fiche, make_lever, make_parcours, make_rule, make_step, make_usage_rule,
    make_vocabulary, make_worksheet,
)
from tests.factories import make_event, make_registration

pytestmark = pytest.mark.django_db

# English an editor should never meet in the admin (Django and taggit leave these behind).
ENGLISH = [
    "Can add", "Can change", "Can delete", "Can view", "Taggit", ">Tags<", "Tags:", "Merge selected", "tagged item",
    " object (", "relationship", "Updated at", "Created at", "Saved at", ">Slug<", "Slug :", "log entry",
]
# A title that pastes a noun after « de », « le » or « la » without elision, or « Ajout de » without article.
UNELIDED = re.compile(r"\b(de|le|la) [aeiouyàâéèêëîïôöùûü]|Ajout de |Sélectionnez l’objet", re.I)


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


def _h1(page):
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()


def _title(page):
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


# Articles and agreement


def test_every_model_has_a_grammatical_gender():
    missing = [model._meta.label_lower for model in apps.get_models() if model._meta.label_lower not in GENDERS]
    assert missing == []


@pytest.mark.parametrize(
    "model, a, the, of_the, of_a",
    [
        (m.Fiche, "une fiche", "la fiche", "de la fiche", "d’une fiche"),
        (Step, "une étape", "l’étape", "de l’étape", "d’une étape"),
        (Parcours, "un parcours", "le parcours", "du parcours", "d’un parcours"),
        (m.Tool, "un outil ou ressource", "l’outil ou ressource", "de l’outil ou ressource", "d’un outil ou ressource"),
        (m.Economy, "une économie (vision systémique)", "l’économie (vision systémique)",
         "de l’économie (vision systémique)", "d’une économie (vision systémique)"),
    ],
)
def test_a_model_name_takes_its_articles_with_elision(model, a, the, of_the, of_a):
    noun = french_noun(model._meta)
    assert (noun.a, noun.the, noun.of_the, noun.of_a) == (a, the, of_the, of_a)


def test_counts_agree_in_gender_and_number():
    fiche, step = FrenchNoun("fiche", "fiches", True), FrenchNoun("levier", "leviers", False)
    assert fiche.count(1, "sélectionné") == "1 fiche sélectionnée"
    assert fiche.count(17, "sélectionné") == "17 fiches sélectionnées"
    assert step.count(0, "sélectionné") == "0 levier sélectionné"
    assert step.count(3, "sélectionné") == "3 leviers sélectionnés"


# Page titles and buttons


def test_fiche_pages_say_la_fiche_une_fiche_and_sélectionnées(staff_client):
    fiche = make_fiche(title="Mutualiser des locaux")
    changelist = _page(staff_client, "/admin/resources/fiche/")
    assert _h1(changelist) == "Sélectionnez une fiche à modifier"
    assert "Ajouter une fiche" in changelist
    assert ">Supprimer les fiches sélectionnées<" in changelist
    add = _page(staff_client, "/admin/resources/fiche/add/")
    assert _h1(add) == "Ajout d’une fiche"
    assert "&rsaquo; Ajouter une fiche" in staff_client.get("/admin/resources/fiche/add/").content.decode()
    assert _h1(_page(staff_client, f"/admin/resources/fiche/{fiche.pk}/change/")) == "Modification de la fiche"
    history = _page(staff_client, f"/admin/resources/fiche/{fiche.pk}/history/")
    assert _h1(history) == "Historique de la fiche «\u00a0Mutualiser des locaux\u00a0»"
    assert _h1(_page(staff_client, f"/admin/resources/fiche/{fiche.pk}/delete/")) == "Suppression de la fiche"


def test_a_noun_starting_with_a_vowel_is_elided(staff_client):
    step = make_step(make_parcours())
    assert _h1(_page(staff_client, f"/admin/parcours/step/{step.pk}/change/")) == "Modification de l’étape"
    assert _h1(_page(staff_client, "/admin/parcours/step/add/")) == "Ajout d’une étape"
    assert ">Supprimer les étapes sélectionnées<" in _page(staff_client, "/admin/parcours/step/")


def test_a_masculine_noun_takes_du_un_and_sélectionnés(staff_client):
    parcours = make_parcours()
    changelist = _page(staff_client, "/admin/parcours/parcours/")
    assert "Ajouter un parcours" in changelist
    assert ">Supprimer les parcours sélectionnés<" in changelist
    assert _h1(_page(staff_client, f"/admin/parcours/parcours/{parcours.pk}/change/")) == "Modification du parcours"


def test_a_lever_that_cannot_be_deleted_says_so_with_its_article(staff_client):
    lever = make_lever()
    make_component(lever)  # protected
    assert _h1(_page(staff_client, f"/admin/resources/lever/{lever.pk}/delete/")) == "Impossible de supprimer le levier"


def test_deleting_selected_fiches_asks_with_the_right_agreement(staff_client):
    fiche = make_fiche()
    response = staff_client.post(
        "/admin/resources/fiche/", {"action": "delete_selected", "_selected_action": [fiche.pk]}
    )
    assert _h1(html.unescape(response.content.decode())) == "Suppression des fiches sélectionnées"
    assert m.Fiche.objects.filter(pk=fiche.pk).exists()


def test_select_all_link_and_note_agree_with_the_noun(staff_client, monkeypatch):
    for _ in range(3):
        make_fiche()
    monkeypatch.setattr(admin.site.get_model_admin(m.Fiche), "list_per_page", 2)  # the link needs two pages
    page = _page(staff_client, "/admin/resources/fiche/")
    assert "Sélectionner les 3 fiches" in page
    assert "3 fiches sélectionnées" in page
    assert "Sélectionner tous les 3" not in page


def test_an_application_page_is_titled_with_its_name(staff_client):
    page = _page(staff_client, "/admin/resources/")
    assert _h1(page) == "Référentiel et fiches"
    assert "Administration de" not in _title(page)


def test_auth_and_taggit_pages_agree_too(staff_client):
    assert _h1(_page(staff_client, "/admin/auth/user/add/")) == "Ajout d’un utilisateur"
    make_fiche().tags.add("engagement")
    tags = _page(staff_client, "/admin/taggit/tag/")
    assert _h1(tags) == "Sélectionnez un mot-clé à modifier"
    assert "Mots-clés" in tags and "Fusionner les mots-clés sélectionnés" in tags


def test_deleting_a_fiche_lists_its_links_in_french(staff_client):
    fiche = make_fiche(levers=[make_lever()])
    page = _page(staff_client, f"/admin/resources/fiche/{fiche.pk}/delete/")
    assert "Liens fiche – leviers: 1" in page
    assert "Fiche_levers" not in page and "Relation fiche-lever" not in page


def _admin_urls(client):
    """Every page of every model the index lists: list, add, change, history, delete (an object of each exists)."""
    urls = ["/admin/"]
    for app in client.get("/admin/").context["app_list"]:
        urls.append(app["app_url"])
        for entry in app["models"]:
            model, base = entry["model"], entry["admin_url"]
            urls += [base, base + "add/"]
            obj = model._default_manager.order_by("pk").first()
            urls += [f"{base}{obj.pk}/change/", f"{base}{obj.pk}/history/", f"{base}{obj.pk}/delete/"]
    return urls


def test_no_english_and_no_missing_elision_on_any_admin_page(staff_client):
    fiche = make_fiche(title="Accueillir des bénévoles", levers=[make_lever()], sources=["Référentiel"])
    fiche.tags.add("engagement")
    for kind in VOCABULARIES:
        if kind.model is m.Component:
            make_component()
        elif not kind.model.objects.exists():
            make_vocabulary(kind.model)
    step = make_step(make_parcours())
    make_rule(fiches=[fiche], steps=[step])
    make_worksheet(fiches=[fiche], steps=[step])  # its form lists the steps that use it
    make_usage_rule(profiles=["association"], items=[{"fiche": fiche}, {"kind": "diagnostic", "minutes": 20}])
    ActivationDescriptor.objects.create(component=make_component(), level=1, text="Un premier pas.")
    m.Synonym.objects.create(terms="MSE, modèle socio-économique")
    m.GlossaryTerm.objects.create(slug="mecenat", term="mécénat", definition="Une définition.", provenance="confirmed")
    Group.objects.create(name="Rédaction")
    ValuationRates.current()
    OutgoingMail.objects.create(key="essai", to="personne@example.org", subject="Objet", text="Texte")
    make_registration(make_event(levers=[fiche.levers.first()], fiches=[fiche]))  # the event's page lists it
    Letter.objects.create(number=1, title="Janvier", period_start=date(2027, 1, 1), period_end=date(2027, 1, 31))
    LetterSubscriber.objects.create(email="abonne@example.org")
    make_alert(query="/fiches/?famille=action")
    check = m.LinkCheck.objects.create(url="https://example.org/", status="broken", code=404, checked_at=timezone.now())
    m.Correction.objects.create(fiche=fiche, message="Une erreur.")
    m.ReviewNote.objects.create(fiche=fiche, text="À relire.")
    urls = _admin_urls(staff_client)
    refused = {"/admin/diagnostic/valuationrates/add/", "/admin/resources/correction/add/", "/admin/rendezvous/outgoingmail/add/",
               "/admin/rendezvous/lettersubscriber/add/", "/admin/rendezvous/searchalert/add/",
               f"/admin/diagnostic/valuationrates/{ValuationRates.current().pk}/delete/",
               "/admin/resources/linkcheck/add/", f"/admin/resources/linkcheck/{check.pk}/delete/"}
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code == (403 if url in refused else 200), url
        if url in refused:
            continue
        page = html.unescape(response.content.decode())
        assert [word for word in ENGLISH if word in page] == [], url
        assert not UNELIDED.search(_title(page).split(" | ")[-2]), (url, _title(page))
    assert len(urls) > 100


# Permissions


@pytest.mark.parametrize(
    "codename, name",
    [
        ("add_fiche", "Peut ajouter une fiche"),
        ("change_step", "Peut modifier une étape"),
        ("view_parcours", "Peut consulter un parcours"),
        ("delete_synonym", "Peut supprimer un synonyme de recherche"),
        ("add_user", "Peut ajouter un utilisateur"),
        ("view_logentry", "Peut consulter une entrée d’historique"),
        ("change_tag", "Peut modifier un mot-clé"),
    ],
)
def test_permissions_are_named_in_french(codename, name):
    assert Permission.objects.get(codename=codename).name == name


def test_no_permission_is_left_in_english():
    assert list(Permission.objects.filter(name__startswith="Can ").values_list("name", flat=True)) == []


def test_naming_permissions_again_repairs_and_then_writes_nothing():
    Permission.objects.filter(codename="add_fiche").update(name="Can add fiche")
    resources = apps.get_app_config("resources")
    name_permissions_in_french(resources)
    assert Permission.objects.get(codename="add_fiche").name == "Peut ajouter une fiche"
    with CaptureQueriesContext(connection) as queries:
        name_permissions_in_french(resources)
    assert not [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]


def test_permission_list_of_a_group_is_in_french(staff_client):
    page = _page(staff_client, "/admin/auth/group/add/")
    assert "Référentiel et fiches | fiche | Peut ajouter une fiche" in page
    assert "Mots-clés | mot-clé | Peut supprimer un mot-clé" in page


# Field labels


# Kept without a label: a GeneratedField's AlterField rebuilds the whole fiche table on SQLite, for a column no
# page shows.
UNLABELLED = {"resources.fiche.search_vector"}


@pytest.mark.parametrize("app_label", ["resources", "parcours", "diagnostic", "rendezvous"])
def test_every_field_of_the_hubs_models_has_a_french_label(app_label):
    missing = []
    for model in apps.get_app_config(app_label).get_models():
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label_lower}.{field.name}"
            if not field.primary_key and "verbose_name" not in field.deconstruct()[3] and label not in UNLABELLED:
                missing.append(label)
    assert missing == []


def test_the_rates_list_says_mis_a_jour_le(staff_client):
    ValuationRates.current()
    assert "Mis à jour le" in _page(staff_client, "/admin/diagnostic/valuationrates/")


def test_the_admin_translation_catalogue_is_kept_by_browsers(staff_client):
    response = staff_client.get("/admin/jsi18n/")
    assert response.status_code == 200
    assert "max-age=86400" in response.headers["Cache-Control"]


def test_merging_keywords_speaks_french(staff_client):
    fiche = make_fiche()
    fiche.tags.add("bénévolat", "benevolat")
    ids = [str(pk) for pk in fiche.tags.values_list("pk", flat=True)]
    response = staff_client.post("/admin/taggit/tag/", {"action": "render_tag_form", "_selected_action": ids})
    assert response.status_code == 302
    page = _page(staff_client, response["Location"])
    assert _h1(page) == "Fusionner des mots-clés"
    assert "New Tag Name" not in page and "Enter new" not in page
    response = staff_client.post(response["Location"], {"new_tag_name": "bénévolat"}, follow=True)
    assert "Les mots-clés ont été fusionnés." in response.content.decode()
    assert list(fiche.tags.names()) == ["bénévolat"]
