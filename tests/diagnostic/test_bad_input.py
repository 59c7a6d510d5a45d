import html
import re

import pytest
from django.test import Client

from diagnostic import forms as diagnostic_forms
from diagnostic import services as diagnostic_services
from diagnostic.models import Organisation, Snapshot
from tests.factories import give_to_browser, make_organisation

pytestmark = pytest.mark.django_db

GOOD = {"year": "2024", "subsidies_state": "10 000"}


def _text(response):
    return re.sub(r"[\u00a0\u202f]", " ", html.unescape(response.content.decode()))


def _field_errors(response, name):
    """The errors printed next to the field ``name`` (in the list tied to it by aria-describedby)."""
    page = _text(response)
    found = re.search(rf'<ul class="hub-field__errors" id="id_{name}_erreur">(.*?)</ul>', page, re.S)
    assert found, f"no error next to {name}"
    assert re.search(rf'<(input|select)[^>]*aria-describedby="[^"]*id_{name}_erreur[^"]*"[^>]*aria-invalid="true"', page) or \
        re.search(rf'<(input|select)[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*id_{name}_erreur', page), \
        f"{name} is not tied to its error"
    return re.sub(r"<[^>]+>|⚠ ", "", found.group(1)).strip()


def _top_errors(response):
    found = re.search(r'<div class="hub-alert hub-alert--error" role="alert"[^>]*>(.*?)</div>', _text(response), re.S)
    assert found, "no error summary at the top of the form"
    return re.sub(r"<[^>]+>", "", found.group(1))


@pytest.fixture
def alices(learner):
    return make_organisation(user=learner, name="La Ruche", years=[2023])


@pytest.fixture
def add(learner_client, alices):
    """POST to the add form; asserts nothing was saved."""

    def post(data, query=""):
        before = Snapshot.objects.count()
        response = learner_client.post(f"/mon-modele/{alices.pk}/annees/ajouter/{query}", data)
        assert Snapshot.objects.count() == before
        return response

    return post


# Figures


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("subsidies_state", "-5", "Saisissez un nombre positif ou zéro."),
        ("subsidies_state", "−5", "Saisissez un nombre positif ou zéro."),
        ("revenue_sales", "beaucoup", "Saisissez un nombre, par exemple 12 500,50."),
        ("volunteers_count", "une dizaine", "Saisissez un nombre, par exemple 1 200."),
        ("volunteers_count", "2,5", "Saisissez un nombre entier, sans décimales."),
        ("revenue_sales", "1e6", "Saisissez un nombre, par exemple 12 500,50."),
        ("revenue_sales", "NaN", "Saisissez un nombre, par exemple 12 500,50."),
        ("revenue_sales", "1,000.50", "Saisissez un nombre, par exemple 12 500,50."),
        ("revenue_sales", "1 000 000 000 000,01", "Saisissez au plus 1 000 000 000 000."),
        ("revenue_sales", "9" * 13, "Saisissez au plus 1 000 000 000 000."),
        ("salaried_fte", "10 000 001", "Saisissez au plus 10 000 000."),
        ("volunteers_count", "1 000 000 001", "Saisissez au plus 1 000 000 000."),
        ("revenue_sales", "12\x0034", "Saisissez un nombre, par exemple 12 500,50."),
        ("revenue_sales", "1" * 10_000, "Ce nombre est beaucoup trop long."),
    ],
    ids=["negative", "unicode-minus", "text", "text-count", "decimal-count", "exponent", "nan", "english-thousands",
         "over-10-12", "13-nines", "fte-over-limit", "count-over-limit", "nul-byte", "10000-characters"],
)
def test_a_bad_figure_is_a_400_with_a_french_error_next_to_it(add, field, typed, message):
    response = add({**GOOD, field: typed})
    assert response.status_code == 400
    assert _field_errors(response, field) == message
    assert "Le formulaire contient 1 erreur" in _top_errors(response)


def test_exactly_10_12_is_accepted(learner_client, alices):
    response = learner_client.post(f"/mon-modele/{alices.pk}/annees/ajouter/",
                                   {"year": "2024", "revenue_sales": "1 000 000 000 000"})
    assert response.status_code == 302


def test_every_bad_figure_is_reported_at_once(add):
    response = add({**GOOD, "subsidies_state": "-1", "revenue_sales": "abc", "partnerships_means": "1,5"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"subsidies_state", "revenue_sales", "partnerships_means"}
    assert "Le formulaire contient 3 erreurs" in _top_errors(response)


def test_a_bad_figure_keeps_what_was_typed(add):
    response = add({**GOOD, "revenue_sales": "beaucoup"})
    assert 'value="beaucoup"' in response.content.decode()


@pytest.mark.parametrize("values", [["12", "abc"], ["12", "-3"]], ids=["then-text", "then-negative"])
def test_a_repeated_key_is_judged_on_its_last_value(add, values):
    response = add({**GOOD, "revenue_sales": values})
    assert response.status_code == 400
    assert "revenue_sales" in response.context["form"].errors


def test_a_repeated_year_is_judged_on_its_last_value(add):
    response = add({**GOOD, "year": ["2024", "deux mille"]})
    assert response.status_code == 400
    assert _field_errors(response, "year") == "Saisissez une année en chiffres, par exemple 2025."


# Years


@pytest.mark.parametrize(
    "year, message",
    [
        ("1899", "L’année doit être comprise entre 1900 et 2100."),
        ("2101", "L’année doit être comprise entre 1900 et 2100."),
        ("-2024", "L’année doit être comprise entre 1900 et 2100."),
        ("deux mille", "Saisissez une année en chiffres, par exemple 2025."),
        ("2024\x00", "Saisissez une année en chiffres, par exemple 2025."),
        ("2" * 10_000, "Saisissez une année en chiffres, par exemple 2025."),
        ("", "Indiquez l’année."),
        ("   ", "Saisissez une année en chiffres, par exemple 2025."),
    ],
    ids=["1899", "2101", "negative", "words", "nul-byte", "10000-characters", "empty", "spaces"],
)
def test_a_bad_year_is_a_400_with_a_french_error_next_to_it(add, year, message):
    response = add({**GOOD, "year": year})
    assert response.status_code == 400
    assert _field_errors(response, "year") == message


def test_a_missing_year_is_a_400(add):
    response = add({"subsidies_state": "10 000"})
    assert response.status_code == 400
    assert _field_errors(response, "year") == "Indiquez l’année."


def test_the_bounds_1900_and_2100_are_accepted(learner_client, alices):
    for year in ("1900", "2100"):
        response = learner_client.post(f"/mon-modele/{alices.pk}/annees/ajouter/", {**GOOD, "year": year})
        assert response.status_code == 302


def test_a_duplicate_year_is_a_400(add):
    response = add({**GOOD, "year": "2023"})
    assert response.status_code == 400
    assert _field_errors(response, "year") == "Les chiffres de 2023 existent déjà : modifiez-les plutôt que d’en ajouter."


def test_a_duplicate_year_that_slips_past_the_form_is_caught_when_saved(add, monkeypatch):
    """Two submissions at once both pass the form's check: the save checks again under the organisation's lock."""
    monkeypatch.setattr(diagnostic_forms.SnapshotForm, "clean_year", lambda form: form.cleaned_data["year"])
    response = add({**GOOD, "year": "2023"})
    assert response.status_code == 400
    assert _field_errors(response, "year") == "Les chiffres de 2023 existent déjà : modifiez-les plutôt que d’en ajouter."
    assert Snapshot.objects.filter(year=2023).count() == 1


def test_a_duplicate_year_that_slips_past_every_check_is_caught_by_the_database(add, monkeypatch):
    """The unique constraints are the last guard: they answer with a French error too."""
    monkeypatch.setattr(diagnostic_forms, "snapshot_year_problem", lambda **kwargs: "")
    monkeypatch.setattr(diagnostic_services, "snapshot_year_problem", lambda **kwargs: "")
    response = add({**GOOD, "year": "2023"})
    assert response.status_code == 400
    assert "Ces chiffres existent déjà (envoi en double ?)" in _top_errors(response)


def test_a_year_with_only_zeros_is_a_400_with_the_error_at_the_top(add):
    response = add({"year": "2024", "subsidies_state": "0", "revenue_sales": "0,00", "volunteers_count": ""})
    assert response.status_code == 400
    top = _top_errors(response)
    assert "Cette année est vide : saisissez au moins un montant ou un chiffre, ou répondez au questionnaire" in top
    assert "hub-field__errors" not in response.content.decode()


def test_a_year_with_only_answers_to_the_questionnaire_is_kept_without_a_budget(learner_client, alices):
    """The questionnaire alone says something true (the trépied); the page then says there is no budget to split."""
    response = learner_client.post(f"/mon-modele/{alices.pk}/annees/ajouter/",
                                   {"year": "2024", "level_volunteers": "3", "level_subsidies": "1"})
    assert response.status_code == 302
    snapshot = Snapshot.objects.get(year=2024)
    assert (snapshot.level_volunteers, snapshot.level_subsidies, snapshot.level_salaried) == (3, 1, None)
    text = _text(learner_client.get(f"/mon-modele/{alices.pk}/"))
    assert "Questionnaire 2024 incomplet : 2 réponses sur 11." in text


@pytest.mark.parametrize("forged", ["7", "-1", "absent", "1.5", "3 ", "١"])
def test_a_forged_level_is_a_400_on_its_own_question(add, forged):
    response = add({**GOOD, "level_alliances_means": forged, "level_volunteers": "2"})
    assert response.status_code == 400
    page = _text(response)
    found = re.search(r'<fieldset class="hub-level hub-field--error" aria-describedby="id_level_alliances_means_erreur">'
                      r'\s*<legend>Alliances de moyens</legend>\s*<ul class="hub-field__errors" '
                      r'id="id_level_alliances_means_erreur">(.*?)</ul>', page, re.S)
    assert found, "the error is not inside its question's fieldset, tied to it"
    assert re.sub(r"<[^>]+>|⚠ ", "", found.group(1)).strip() == "Choisissez l’un des niveaux proposés."
    assert 'value="2" checked' in response.content.decode()  # the other answers are kept on the page


def test_a_half_filled_questionnaire_is_saved_and_shown_incomplete_not_zero(learner_client, alices):
    answers = {"level_salaried": "0", "level_volunteers": "3", "level_service_civique": "0", "level_interns": "0",
               "level_skills_sponsorship": "0", "level_subsidies": "2"}
    response = learner_client.post(f"/mon-modele/{alices.pk}/annees/ajouter/",
                                   {"year": "2024", "subsidies_state": "1 000", **answers})
    assert response.status_code == 302
    text = _text(learner_client.get(f"/mon-modele/{alices.pk}/"))
    assert "Questionnaire 2024 incomplet : 6 réponses sur 11." in text
    row = re.search(r'<th scope="row">2024</th>(.*?)</tr>', text, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", " ", cell).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[0][:2] == ["20", "%"]  # richesses humaines complete: 3 / 15
    assert cells[1] == ["incomplet"] and cells[2] == ["incomplet"]  # never 0 %
    assert cells[4] == ["6", "/", "11"]


def test_a_form_sent_with_every_box_blank_is_a_400(add):
    blank = {name: "" for name in Snapshot.figure_fields()}
    response = add({"csrfmiddlewaretoken": "jeton", "year": "", **blank})
    assert response.status_code == 400
    assert _field_errors(response, "year") == "Indiquez l’année."


def test_editing_a_year_with_bad_input_changes_nothing(learner_client, alices):
    snapshot = alices.snapshots.get()
    response = learner_client.post(f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/",
                                   {"year": "2023", "subsidies_state": "-1"})
    assert response.status_code == 400
    assert _field_errors(response, "subsidies_state") == "Saisissez un nombre positif ou zéro."
    snapshot.refresh_from_db()
    assert snapshot.subsidies_state == 10000


def test_editing_a_year_down_to_zeros_is_refused(learner_client, alices):
    snapshot = alices.snapshots.get()
    response = learner_client.post(f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/", {"year": "2023"})
    assert response.status_code == 400
    assert "Cette année est vide" in _top_errors(response)
    snapshot.refresh_from_db()
    assert snapshot.subsidies_state == 10000


# Target


def test_a_second_target_is_not_saved_and_the_person_is_told_to_edit_the_first(learner_client, alices):
    make_target = {"year": "2030", "subsidies_state": "1"}
    learner_client.post(f"/mon-modele/{alices.pk}/annees/ajouter/?cible=1", make_target)
    before = Snapshot.objects.count()
    response = learner_client.post(f"/mon-modele/{alices.pk}/annees/ajouter/?cible=1", {**make_target, "year": "2031"},
                                   follow=True)
    assert Snapshot.objects.count() == before
    assert Snapshot.objects.filter(organisation=alices, is_target=True).get().year == 2030
    assert response.redirect_chain == [(f"/mon-modele/{alices.pk}/", 302)]
    assert "Votre cible existe déjà : modifiez-la." in _text(response)


def test_asking_for_a_second_target_form_sends_back_to_the_result(learner_client, alices):
    Snapshot.objects.create(organisation=alices, year=2030, is_target=True, subsidies_state=1)
    response = learner_client.get(f"/mon-modele/{alices.pk}/annees/ajouter/?cible=1")
    assert response.status_code == 302
    assert response["Location"] == f"/mon-modele/{alices.pk}/"


# Unknown ids


@pytest.mark.parametrize("method, url", [
    ("get", "/mon-modele/{org}/"), ("get", "/mon-modele/{org}/rapport/"), ("get", "/mon-modele/{org}/modifier/"),
    ("post", "/mon-modele/{org}/modifier/"), ("get", "/mon-modele/{org}/supprimer/"),
    ("post", "/mon-modele/{org}/supprimer/"), ("get", "/mon-modele/{org}/export.csv"),
    ("get", "/mon-modele/{org}/annees/ajouter/"), ("post", "/mon-modele/{org}/annees/ajouter/"),
])
def test_an_unknown_organisation_is_a_404(learner_client, alices, method, url):
    response = getattr(learner_client, method)(url.format(org=alices.pk + 1000), GOOD if method == "post" else None)
    assert response.status_code == 404
    assert Snapshot.objects.count() == 1


@pytest.mark.parametrize("method, url", [
    ("get", "/mon-modele/{org}/annees/{snap}/"), ("post", "/mon-modele/{org}/annees/{snap}/"),
    ("post", "/mon-modele/{org}/annees/{snap}/supprimer/"),
])
def test_an_unknown_snapshot_is_a_404(learner_client, alices, method, url):
    snapshot = alices.snapshots.get()
    response = getattr(learner_client, method)(url.format(org=alices.pk, snap=snapshot.pk + 1000), GOOD)
    assert response.status_code == 404


@pytest.mark.parametrize("method, url", [
    ("get", "/mon-modele/{org}/annees/{snap}/"), ("post", "/mon-modele/{org}/annees/{snap}/"),
    ("post", "/mon-modele/{org}/annees/{snap}/supprimer/"),
])
def test_a_snapshot_of_another_organisation_is_a_404_even_for_the_same_owner(learner_client, learner, alices, method, url):
    other = make_organisation(user=learner, years=[(2022, {"subsidies_state": 5})])
    snapshot = other.snapshots.get()
    response = getattr(learner_client, method)(url.format(org=alices.pk, snap=snapshot.pk),
                                               {"year": "2021", "subsidies_state": "99"})
    assert response.status_code == 404
    snapshot.refresh_from_db()
    assert (snapshot.organisation_id, snapshot.year, snapshot.subsidies_state) == (other.pk, 2022, 5)


# CSRF


def _post_urls(organisation):
    snapshot = organisation.snapshots.get()
    base = f"/mon-modele/{organisation.pk}"
    return ["/mon-modele/", f"{base}/modifier/", f"{base}/supprimer/", f"{base}/annees/ajouter/",
            f"{base}/annees/ajouter/?cible=1", f"{base}/annees/{snapshot.pk}/", f"{base}/annees/{snapshot.pk}/supprimer/"]


def test_every_post_needs_the_csrf_token_for_an_account(learner, alices):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    for url in _post_urls(alices):
        assert client.post(url, {"name": "Piratée", **GOOD, "year": "2020"}).status_code == 403, url
    assert Organisation.objects.get().name == "La Ruche"
    assert Snapshot.objects.count() == 1


def test_every_post_needs_the_csrf_token_for_a_visitor():
    client = Client(enforce_csrf_checks=True)
    organisation = make_organisation(years=[2023])
    give_to_browser(client, organisation)
    assert client.get(f"/mon-modele/{organisation.pk}/").status_code == 200
    for url in _post_urls(organisation):
        assert client.post(url, {"name": "Piratée", **GOOD, "year": "2020"}).status_code == 403, url
    assert Organisation.objects.count() == 1
    assert Snapshot.objects.count() == 1


def test_a_post_with_the_csrf_token_goes_through(learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    client.get("/mon-modele/")
    response = client.post("/mon-modele/", {"name": "La Ruche", "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302


# Organisation name


@pytest.mark.parametrize("name", ["", "   ", "\u00a0\t\n"], ids=["empty", "spaces", "other-blanks"])
def test_creating_an_organisation_without_a_name_is_a_400(learner_client, name):
    response = learner_client.post("/mon-modele/", {"name": name})
    assert response.status_code == 400
    assert _field_errors(response, "name") == "Indiquez le nom de l’organisation."
    assert not Organisation.objects.exists()


def test_creating_an_organisation_with_a_too_long_name_is_a_400(learner_client):
    response = learner_client.post("/mon-modele/", {"name": "x" * 201})
    assert response.status_code == 400
    assert _field_errors(response, "name") == "200 caractères au plus."
    assert not Organisation.objects.exists()


def test_creating_an_organisation_with_a_nul_byte_is_a_400(learner_client):
    response = learner_client.post("/mon-modele/", {"name": "La\x00Ruche"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not Organisation.objects.exists()


def test_a_visitor_without_a_name_gets_the_error_and_no_session_entry(visitor):
    response = visitor.post("/mon-modele/", {"name": "  "})
    assert response.status_code == 400
    assert "hub_diagnostics" not in visitor.session
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("name", ["", "   "], ids=["empty", "spaces"])
def test_renaming_an_organisation_to_nothing_is_a_400(learner_client, alices, name):
    response = learner_client.post(f"/mon-modele/{alices.pk}/modifier/", {"name": name})
    assert response.status_code == 400
    assert _field_errors(response, "name") == "Indiquez le nom de l’organisation."
    alices.refresh_from_db()
    assert alices.name == "La Ruche"


def test_an_unknown_actor_profile_is_a_400(learner_client):
    response = learner_client.post("/mon-modele/", {"name": "La Ruche", "actor_profile": "999999"})
    assert response.status_code == 400
    assert "actor_profile" in response.context["form"].errors
    assert not Organisation.objects.exists()
