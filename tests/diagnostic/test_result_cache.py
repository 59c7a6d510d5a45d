"""The result page's figures are computed once and kept (diagnostic.report.report_fragments): every change of what
they show reaches the next request, and nobody ever gets the fragments of another organisation or another role."""

import html
import re
from decimal import Decimal

import pytest
from django.test import Client

from diagnostic.models import ActivationDescriptor, Organisation, RecommendationRule, Snapshot, ValuationRates
from tests.factories import make_component, make_fiche, make_lever, make_member, make_organisation, make_rule, make_space

pytestmark = pytest.mark.django_db

PUBLIC = {"subsidies_state": 60000, "revenue_sales": 40000, "volunteer_hours": 100}


def _page(client, organisation):
    response = client.get(f"/mon-modele/{organisation.pk}/")
    assert response.status_code == 200
    return re.sub(r"[\u00a0\u202f]", " ", html.unescape(response.content.decode()))


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alices(learner):
    return make_organisation(user=learner, name="Les Jardins", years=[(2024, PUBLIC)])


def test_figures_changed_even_without_a_save_show_at_the_next_request(learner_client, alices):
    assert "ressources publiques 60 %, revenus d’activité 40 %" in _page(learner_client, alices)
    Snapshot.objects.filter(organisation=alices).update(subsidies_state=20000)  # no save(), no updated_at
    assert "ressources publiques 33,3 %, revenus d’activité 66,7 %" in _page(learner_client, alices)


def test_a_new_valuation_rate_shows_at_the_next_request(learner_client, alices):
    assert "heures × 12 €" in _page(learner_client, alices)
    rates = ValuationRates.current()
    rates.volunteer_hour = Decimal("15.00")
    rates.save()  # what the admin does
    page = _page(learner_client, alices)
    assert "heures × 15 €" in page and "<td class=\"hub-num\">1 500 €</td>" in page


def test_a_rule_edited_given_a_fiche_or_switched_off_shows_at_the_next_request(learner_client, alices):
    rule = make_rule(title="Public majoritaire", fiches=[make_fiche(title="Diversifier")])
    assert "<h3>Public majoritaire</h3>" in _page(learner_client, alices)
    rule.title = "Trop de public"
    rule.save()
    assert "<h3>Trop de public</h3>" in _page(learner_client, alices)
    rule.fiches.add(make_fiche(title="Vendre ses services"))
    assert "Vendre ses services" in _page(learner_client, alices)
    RecommendationRule.objects.filter(pk=rule.pk).update(is_active=False)  # a bulk action of the admin
    assert "Trop de public" not in _page(learner_client, alices)


def test_a_level_description_edited_shows_at_the_next_request(learner_client, learner):
    component = make_component(lever=make_lever(slug="richesses-humaines", theme="rh"), slug="salaries")
    descriptor = ActivationDescriptor.objects.create(component=component, level=2, text="Une équipe stable.")
    organisation = make_organisation(user=learner, years=[(2024, {**PUBLIC, "level_salaried": 2})])
    assert "Une équipe stable." in _page(learner_client, organisation)
    descriptor.text = "Une équipe qui dure."
    descriptor.save()
    assert "Une équipe qui dure." in _page(learner_client, organisation)


def test_a_renamed_organisation_gets_its_new_name_in_the_chart_titles(learner_client, alices):
    assert "Hybridation des ressources de Les Jardins" in _page(learner_client, alices)
    Organisation.objects.filter(pk=alices.pk).update(name="Le Verger")
    page = _page(learner_client, alices)
    assert "Hybridation des ressources de Le Verger" in page and "Les Jardins" not in page


def test_two_people_with_the_same_figures_each_get_their_own_diagnostic(learner_client, other_learner, alices):
    other = make_organisation(user=other_learner, name="Les Jardins", years=[(2024, PUBLIC)])
    mine = _page(learner_client, alices)
    theirs = _page(_logged_in(other_learner), other)
    assert f"/mon-modele/{alices.pk}/annees/" in mine and f"/mon-modele/{alices.pk}/annees/" not in theirs
    assert f"/mon-modele/{other.pk}/annees/" in theirs
    assert _logged_in(other_learner).get(f"/mon-modele/{alices.pk}/").status_code == 404


def test_a_reader_never_gets_the_edit_links_a_contributor_was_shown(django_user_model):
    contributor, reader = (make_member(django_user_model, name) for name in ("carol", "dan"))
    space = make_space(responsable=make_member(django_user_model, "bea"), years=[(2024, PUBLIC)],
                       members=[(contributor, "contributeur"), (reader, "lecteur")])
    edit_link = f"/mon-modele/{space.pk}/annees/{space.snapshots.get().pk}/#questionnaire"
    assert edit_link in _page(_logged_in(contributor), space)
    assert edit_link not in _page(_logged_in(reader), space)
