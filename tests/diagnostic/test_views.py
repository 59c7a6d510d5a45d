import html
import re
from decimal import Decimal

import pytest

from diagnostic.models import Organisation, Snapshot
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

# Default rates: a full-time employee is worth 42 000 €, a partnership 2 000 € a year.
# 2022: RH 42 000, financement 42 000, alliances 16 000 -> 42 / 42 / 16 %.
YEAR_2022 = {"salaried_fte": "1", "subsidies_state": "42 000", "in_kind_premises": "16 000"}
# 2023: RH 42 000, financement 30 000 + 20 000, alliances 4 × 2 000 -> 42 / 50 / 8 %.
YEAR_2023 = {"salaried_fte": "1", "subsidies_state": "30 000", "revenue_sales": "20 000", "partnerships_means": "4"}
# Target 2026: RH 84 000, financement 84 000, alliances 32 000 -> 42 / 42 / 16 %.
TARGET_2026 = {"salaried_fte": "2", "subsidies_state": "84 000", "in_kind_premises": "32 000"}


def _text(response):
    """The page as a reader sees it: entities decoded, French thin and no-break spaces as plain spaces."""
    text = html.unescape(response.content.decode())
    return re.sub(r"[\u00a0\u202f]", " ", text)


def _add_year(client, organisation, year, figures, query=""):
    return client.post(f"/mon-modele/{organisation.pk}/annees/ajouter/{query}", {"year": year, **figures})


def _filled(client, organisation):
    for year, figures in [(2022, YEAR_2022), (2023, YEAR_2023)]:
        assert _add_year(client, organisation, year, figures).status_code == 302
    assert _add_year(client, organisation, 2026, TARGET_2026, "?cible=1").status_code == 302
    return organisation


@pytest.fixture
def alices(learner):
    return make_organisation(user=learner, name="La Ruche solidaire")


@pytest.fixture
def filled(learner_client, alices):
    return _filled(learner_client, alices)


# Creating an organisation


def test_an_account_creates_an_organisation_and_goes_on_to_its_first_year(learner_client, learner):
    response = learner_client.post("/mon-modele/", {"name": "  La   Ruche  "})
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/mon-modele/{organisation.pk}/annees/ajouter/"
    assert organisation.user == learner
    assert organisation.name == "La Ruche"


def test_a_visitor_creates_an_organisation_kept_for_their_browser(visitor):
    response = visitor.post("/mon-modele/", {"name": "Le Fournil"})
    organisation = Organisation.objects.get()
    assert response["Location"] == f"/mon-modele/{organisation.pk}/annees/ajouter/"
    assert organisation.user is None
    assert organisation.visitor is not None
    assert visitor.get(f"/mon-modele/{organisation.pk}/").status_code == 200


def test_a_visitor_creating_two_organisations_keeps_both(visitor):
    visitor.post("/mon-modele/", {"name": "Le Fournil"})
    visitor.post("/mon-modele/", {"name": "La Forge"})
    assert Organisation.objects.values("visitor").distinct().count() == 1
    text = _text(visitor.get("/mon-modele/"))
    assert "Le Fournil" in text and "La Forge" in text


def test_the_list_page_shows_the_form_and_my_organisations_with_their_number_of_years(learner_client, learner):
    make_organisation(user=learner, name="La Ruche", years=[2022, 2023])
    response = learner_client.get("/mon-modele/")
    assert response.status_code == 200
    text = _text(response)
    assert "La Ruche" in text
    assert "2 jeux de chiffres" in text
    assert 'name="name"' in text


def test_editing_the_organisation_renames_it(learner_client, alices):
    response = learner_client.post(f"/mon-modele/{alices.pk}/modifier/", {"name": "La Ruche renommée"})
    assert response.status_code == 302
    assert response["Location"] == f"/mon-modele/{alices.pk}/"
    alices.refresh_from_db()
    assert alices.name == "La Ruche renommée"


# Years of figures


def test_adding_several_years(learner_client, alices):
    for year in (2021, 2022, 2023):
        response = _add_year(learner_client, alices, year, {"subsidies_state": "1 000"})
        assert response.status_code == 302
        assert response["Location"] == f"/mon-modele/{alices.pk}/#resultats"
    snapshots = Snapshot.objects.filter(organisation=alices)
    assert [s.year for s in snapshots] == [2021, 2022, 2023]
    assert not any(s.is_target for s in snapshots)


def test_empty_boxes_count_as_zero(learner_client, alices):
    _add_year(learner_client, alices, 2024, {"subsidies_state": "500", "revenue_sales": ""})
    snapshot = Snapshot.objects.get(organisation=alices)
    assert snapshot.subsidies_state == Decimal("500")
    assert snapshot.revenue_sales == 0
    assert snapshot.volunteers_count == 0


def test_the_add_form_is_shown_in_french(learner_client, alices):
    response = learner_client.get(f"/mon-modele/{alices.pk}/annees/ajouter/")
    assert response.status_code == 200
    text = _text(response)
    assert "Saisir les chiffres d’une année" in text
    assert "Subventions de l’État" in text
    assert 'name="cible"' not in text


def test_adding_a_target_through_the_query_string(learner_client, alices):
    assert "Fixer une cible" in _text(learner_client.get(f"/mon-modele/{alices.pk}/annees/ajouter/?cible=1"))
    response = _add_year(learner_client, alices, 2027, TARGET_2026, "?cible=1")
    assert response.status_code == 302
    target = Snapshot.objects.get(organisation=alices)
    assert target.is_target and target.year == 2027


def test_adding_a_target_through_the_hidden_field(learner_client, alices):
    response = _add_year(learner_client, alices, 2027, {**TARGET_2026, "cible": "1"})
    assert response.status_code == 302
    assert Snapshot.objects.get(organisation=alices).is_target


def test_a_target_must_aim_after_the_latest_real_year(learner_client, alices):
    _add_year(learner_client, alices, 2024, YEAR_2022)
    response = _add_year(learner_client, alices, 2024, TARGET_2026, "?cible=1")
    assert response.status_code == 400
    assert "après votre dernière année réelle (2024)" in _text(response)
    assert _add_year(learner_client, alices, 2025, TARGET_2026, "?cible=1").status_code == 302


def test_a_real_year_cannot_be_moved_past_the_target(learner_client, alices):
    _add_year(learner_client, alices, 2024, YEAR_2022)
    _add_year(learner_client, alices, 2026, TARGET_2026, "?cible=1")
    response = _add_year(learner_client, alices, 2027, YEAR_2022)
    assert response.status_code == 400
    assert "Votre cible vise 2026" in _text(response)


def test_editing_a_year_shows_its_figures_the_french_way(learner_client, alices):
    _add_year(learner_client, alices, 2023, {"revenue_sales": "12500.5"})
    snapshot = Snapshot.objects.get()
    text = _text(learner_client.get(f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/"))
    assert "Modifier les chiffres 2023" in text
    assert 'value="12 500,5"' in text


def test_editing_a_year_changes_its_figures_and_its_year(learner_client, alices):
    _add_year(learner_client, alices, 2023, YEAR_2023)
    snapshot = Snapshot.objects.get()
    response = learner_client.post(
        f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/", {"year": 2020, **YEAR_2023, "revenue_sales": "25 000"}
    )
    assert response.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.year == 2020
    assert snapshot.revenue_sales == Decimal("25000")
    assert Snapshot.objects.count() == 1


def test_editing_a_year_into_a_year_that_already_exists_is_refused(learner_client, alices):
    _add_year(learner_client, alices, 2022, YEAR_2022)
    _add_year(learner_client, alices, 2023, YEAR_2023)
    snapshot = Snapshot.objects.get(year=2023)
    response = learner_client.post(f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/", {"year": 2022, **YEAR_2023})
    assert response.status_code == 400
    assert "Les chiffres de 2022 existent déjà : modifiez-les plutôt que d’en ajouter." in _text(response)
    assert response.context["form"].errors["year"]
    snapshot.refresh_from_db()
    assert snapshot.year == 2023


def test_saving_a_year_without_changing_its_year_is_not_a_duplicate(learner_client, alices):
    _add_year(learner_client, alices, 2023, YEAR_2023)
    snapshot = Snapshot.objects.get()
    response = learner_client.post(f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/", {"year": 2023, **YEAR_2023})
    assert response.status_code == 302


def test_editing_the_target_keeps_it_a_target(learner_client, filled):
    target = Snapshot.objects.get(is_target=True)
    response = learner_client.post(f"/mon-modele/{filled.pk}/annees/{target.pk}/", {"year": 2030, **TARGET_2026})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_target and target.year == 2030


def test_deleting_a_year_by_post(learner_client, filled):
    snapshot = Snapshot.objects.get(year=2022)
    response = learner_client.post(f"/mon-modele/{filled.pk}/annees/{snapshot.pk}/supprimer/")
    assert response.status_code == 302
    assert response["Location"] == f"/mon-modele/{filled.pk}/"
    assert not Snapshot.objects.filter(pk=snapshot.pk).exists()
    assert Snapshot.objects.filter(organisation=filled).count() == 2


def test_deleting_a_year_asks_first_and_says_what_will_disappear(learner_client, filled):
    snapshot = Snapshot.objects.get(year=2023)
    response = learner_client.get(f"/mon-modele/{filled.pk}/annees/{snapshot.pk}/supprimer/")
    assert response.status_code == 200
    text = _text(response)
    assert "<h1>Supprimer les chiffres 2023 ?</h1>" in text
    assert "4 chiffres saisis, dont un budget de 50 000 €" in text  # 1 FTE, 30 000 € and 20 000 €, 4 alliances
    assert "0 réponse sur 11 au questionnaire" in text
    assert "Les autres années de La Ruche solidaire restent intactes." in text
    assert f'action="/mon-modele/{filled.pk}/annees/{snapshot.pk}/supprimer/"' not in text  # posts to itself
    assert '<form method="post">' in text and "csrfmiddlewaretoken" in text
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()


def test_deleting_the_target_says_the_gap_will_no_longer_be_measured(learner_client, filled):
    target = Snapshot.objects.get(is_target=True)
    text = _text(learner_client.get(f"/mon-modele/{filled.pk}/annees/{target.pk}/supprimer/"))
    assert "<h1>Supprimer la cible 2026 ?</h1>" in text
    assert "l’écart avec votre dernière année ne sera plus mesuré" in text


def test_deleting_the_organisation_asks_first_and_lists_its_years(learner_client, filled):
    response = learner_client.get(f"/mon-modele/{filled.pk}/supprimer/")
    assert response.status_code == 200
    text = _text(response)
    assert "Supprimer le diagnostic de « La Ruche solidaire »" in text
    assert "3 jeux de chiffres : 2022, 2023, la cible 2026, avec leurs réponses au questionnaire" in text
    assert Organisation.objects.filter(pk=filled.pk).exists()


def test_deleting_the_organisation_deletes_every_year_and_the_target(learner_client, filled, other_learner):
    others = make_organisation(user=other_learner, years=[2023])
    response = learner_client.post(f"/mon-modele/{filled.pk}/supprimer/")
    assert response.status_code == 302
    assert response["Location"] == "/mon-modele/"
    assert not Organisation.objects.filter(pk=filled.pk).exists()
    assert not Snapshot.objects.filter(organisation_id=filled.pk).exists()
    assert list(Snapshot.objects.values_list("organisation", flat=True)) == [others.pk]


# French numbers


@pytest.mark.parametrize(
    "typed", ["12 500,50", "12500.5", "12\u00a0500,5", "12\u202f500,50", "12.500,50", "12 500,50 €"]
)
def test_french_and_programmer_numbers_are_stored_alike(learner_client, alices, typed):
    response = _add_year(learner_client, alices, 2024, {"revenue_sales": typed})
    assert response.status_code == 302
    assert Snapshot.objects.get().revenue_sales == Decimal("12500.50")


def test_counts_accept_a_thousands_separator(learner_client, alices):
    _add_year(learner_client, alices, 2024, {"volunteers_count": "1 200", "subsidies_state": "1"})
    assert Snapshot.objects.get().volunteers_count == 1200


def test_amounts_are_rounded_to_the_cent(learner_client, alices):
    _add_year(learner_client, alices, 2024, {"revenue_sales": "10,005"})
    assert Snapshot.objects.get().revenue_sales == Decimal("10.01")


def test_an_invalid_edit_keeps_the_saved_year_in_the_title(learner_client, alices):
    _add_year(learner_client, alices, 2023, YEAR_2023)
    snapshot = Snapshot.objects.get()
    response = learner_client.post(
        f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/", {"year": "2031", "salaried_fte": "-1"}
    )
    assert response.status_code == 400
    assert "<h1>Modifier les chiffres 2023</h1>" in response.content.decode()


def test_private_pages_are_never_stored_by_a_shared_cache(learner_client, alices):
    _add_year(learner_client, alices, 2023, YEAR_2023)
    for path in [f"/mon-modele/{alices.pk}/", f"/mon-modele/{alices.pk}/rapport/", "/mon-modele/", "/mon-espace/"]:
        assert "private" in learner_client.get(path)["Cache-Control"], path


def test_a_visitor_keeps_at_most_twenty_diagnostics_in_one_browser(visitor):
    for index in range(20):
        assert visitor.post("/mon-modele/", {"name": f"Association {index}"}).status_code == 302
    response = visitor.post("/mon-modele/", {"name": "Une de trop"})
    assert response.status_code == 400
    assert "au plus 20 diagnostics" in _text(response)
    assert Organisation.objects.count() == 20
