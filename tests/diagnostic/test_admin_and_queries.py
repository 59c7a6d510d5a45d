import html
import re
from decimal import Decimal
from itertools import count

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.content_cache import bump_content_version

from diagnostic.computation import ACTIVATION_FIELDS
from diagnostic.models import Snapshot, ValuationRates
from tests.factories import make_component, make_fiche, make_lever, make_organisation, make_parcours, make_rule

pytestmark = pytest.mark.django_db

RATES_URL = "/admin/diagnostic/valuationrates/"


def _text(response):
    return re.sub(r"[\u00a0\u202f]", " ", html.unescape(response.content.decode()))


def _rates_form(rates, **changes):
    data = {name: str(getattr(rates, name)) for name in ("volunteer_hour", "skills_day", "note")}
    data.update(changes)
    return {**data, "_save": "Enregistrer"}


# The valuation rates in the admin


@pytest.fixture
def editor(staff):
    """Staff in a browser of their own (staff_client and learner_client share one Client)."""
    client = Client()
    client.force_login(staff)
    return client


def test_staff_open_the_valuation_rates(staff_client):
    rates = ValuationRates.current()
    response = staff_client.get(RATES_URL)
    assert response.status_code == 200
    assert f"{RATES_URL}{rates.pk}/change/" in response.content.decode()
    change = staff_client.get(f"{RATES_URL}{rates.pk}/change/")
    assert change.status_code == 200
    assert "valeur d’une heure de bénévolat" in _text(change).lower()
    assert "équivalent temps plein" not in _text(change).lower()  # salaries are in the budget, never valued apart


def test_the_rates_exist_from_the_migration_and_staff_never_add_or_delete_them(staff_client):
    """The row is created by a data migration: no page writes it on a GET."""
    assert ValuationRates.objects.count() == 1
    rates = ValuationRates.current()
    assert staff_client.get(f"{RATES_URL}add/").status_code == 403
    assert staff_client.get(f"{RATES_URL}{rates.pk}/delete/").status_code == 403
    assert ValuationRates.objects.count() == 1


def test_a_changed_rate_changes_the_result_page(editor, learner_client, learner):
    organisation = make_organisation(user=learner, years=[(2024, {"volunteer_hours": 1000, "subsidies_state": 100000})])
    before = _text(learner_client.get(f"/mon-modele/{organisation.pk}/"))
    assert "heures de bénévolat × 12 €" in before
    assert "12 000 €" in before and "12 %" in before  # 1 000 h × 12 € beside a 100 000 € budget

    rates = ValuationRates.current()
    response = editor.post(f"{RATES_URL}{rates.pk}/change/", _rates_form(rates, volunteer_hour="15"))
    assert response.status_code == 302
    rates.refresh_from_db()
    assert rates.volunteer_hour == Decimal("15")

    after = _text(learner_client.get(f"/mon-modele/{organisation.pk}/"))
    assert "heures de bénévolat × 15 €" in after
    assert "15 000 €" in after and "12 000 €" not in after
    assert "15 %" in after
    assert "100 000 €" in after  # the budget itself never moves with a rate


def test_a_new_rate_also_changes_the_csv_export(editor, learner_client, learner):
    organisation = make_organisation(user=learner, years=[(2024, {"volunteer_hours": 100, "subsidies_state": 1})])
    rates = ValuationRates.current()
    editor.post(f"{RATES_URL}{rates.pk}/change/", _rates_form(rates, volunteer_hour="50"))
    body = learner_client.get(f"/mon-modele/{organisation.pk}/export.csv").content.decode()
    assert ";5000;" in body  # 100 h × 50 €


def test_a_negative_rate_is_refused(staff_client):
    rates = ValuationRates.current()
    response = staff_client.post(f"{RATES_URL}{rates.pk}/change/", _rates_form(rates, volunteer_hour="-5"))
    assert response.status_code == 200  # the admin shows its form again
    rates.refresh_from_db()
    assert rates.volunteer_hour == Decimal("12.00")


@pytest.mark.parametrize("url", ["/admin/diagnostic/organisation/", "/admin/diagnostic/snapshot/",
                                 "/admin/diagnostic/organisation/1/change/", "/admin/diagnostic/snapshot/1/change/"])
def test_organisations_and_figures_have_no_admin_page(staff_client, learner, url):
    make_organisation(id=1, user=learner, years=[2024])
    assert staff_client.get(url).status_code == 404


def test_the_admin_index_does_not_list_organisations_or_figures(staff_client):
    page = staff_client.get("/admin/").content.decode()
    assert "/admin/diagnostic/valuationrates/" in page
    assert "/admin/diagnostic/organisation/" not in page
    assert "/admin/diagnostic/snapshot/" not in page


@pytest.mark.parametrize("url", [RATES_URL, "/admin/diagnostic/valuationrates/1/change/"])
def test_a_non_staff_user_is_sent_to_the_admin_login(learner_client, url):
    ValuationRates.current()
    response = learner_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_a_non_staff_user_cannot_change_a_rate(learner_client):
    rates = ValuationRates.current()
    learner_client.post(f"{RATES_URL}{rates.pk}/change/", _rates_form(rates, volunteer_hour="1"))
    rates.refresh_from_db()
    assert rates.volunteer_hour == Decimal("12.00")


# Query counts

_n = count(1)
PAGES = {
    "result": "/mon-modele/{pk}/",
    "report": "/mon-modele/{pk}/rapport/",
    "export": "/mon-modele/{pk}/export.csv",
    "list": "/mon-modele/",
}
# Pinned maxima for an account (session, user, then the page's own queries): the result and the report when their
# figures' fragments are computed, and when they come from the content cache (session, user, organisation, years,
# rates).
MAX_QUERIES = {"result": 12, "report": 12, "export": 5, "list": 6}
MAX_CACHED_QUERIES = {"result": 4, "report": 4}
ANSWERS = {name: 1 for name in ACTIVATION_FIELDS} | {"level_alliances_means": 0}


class World:
    """Alice's diagnostic with years and a target, the référentiel with fiches, other people's diagnostics."""

    def __init__(self, user, other_user):
        self.user, self.other_user = user, other_user
        levers = {slug: make_lever(slug=slug, theme=theme) for slug, theme in [
            ("richesses-humaines", "rh"), ("financement", "fin"), ("alliances", "all")]}
        self.levers = levers
        self.components = [make_component(lever=levers["financement"], slug=slug) for slug in
                           ["subventionnement", "investissement-societal", "revenus-d-activite"]]
        # One source only, alliances de moyens absent: every shipped kind of rule below fires.
        self.organisation = make_organisation(user=user, name="La Ruche")
        make_organisation(user=user, name="La Forge", years=[2024])
        Snapshot.objects.create(organisation=self.organisation, year=2040, is_target=True, salaried_fte=3, **ANSWERS)
        self.parcours = make_parcours(steps=3)
        self.next_year = 2000
        self.add_years(2)
        self.add_fiches(3)
        self.add_rules(1)
        self.add_others(1)

    def add_years(self, n):
        for _ in range(n):
            self.next_year += 1
            Snapshot.objects.create(organisation=self.organisation, year=self.next_year, salaried_fte=1,
                                    subsidies_state=10000 + self.next_year, partnerships_means=1, **ANSWERS)

    def add_rules(self, n):
        """n of each: public share, concentration, alliances de moyens absent; each with fiches and a step."""
        for _ in range(n):
            steps = list(self.parcours.steps.all()[:2])
            make_rule(fiches=[make_fiche(levers=[self.levers["financement"]]) for _ in range(2)], steps=steps)
            make_rule(indicator="hhi", threshold=2500, fiches=[make_fiche()], steps=steps[:1])
            make_rule(indicator="component_level", comparison="lte", threshold=0, reason="{composante}",
                      component=self._means(), fiches=[make_fiche(levers=[self.levers["alliances"]])])

    def _means(self):
        from resources.models import Component

        return Component.objects.filter(slug="alliances-de-moyens").first() or make_component(
            lever=self.levers["alliances"], slug="alliances-de-moyens")

    def add_fiches(self, n):
        for _ in range(n):
            for lever in self.levers.values():
                make_fiche(levers=[lever])
            for component in self.components:
                make_fiche().components.add(component)

    def add_others(self, n):
        for _ in range(n):
            make_organisation(user=self.other_user, years=[2023, 2024])
            make_organisation(years=[2023, 2024])  # a visitor's

    def url(self, page):
        return PAGES[page].format(pk=self.organisation.pk)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _unmasked(response):
    """The page but for its CSRF tokens, masked afresh for each response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _built_and_cached(client, url):
    """(queries when the page computes everything, then when it is served again from the content cache)."""
    bump_content_version()
    return _queries(client, url), _queries(client, url)


@pytest.fixture
def world(learner, other_learner):
    world = World(learner, other_learner)
    ValuationRates.current()
    return world


GROWTHS = {"years": ("add_years", 10), "fiches": ("add_fiches", 8), "rules": ("add_rules", 5),
           "others": ("add_others", 10)}


@pytest.mark.parametrize("growth", GROWTHS)
@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow(learner_client, world, page, growth):
    url = world.url(page)
    few = _built_and_cached(learner_client, url)
    method, n = GROWTHS[growth]
    getattr(world, method)(n)
    assert _built_and_cached(learner_client, url) == few


def test_twelve_years_cost_no_more_queries_than_two(learner_client, world):
    assert world.organisation.snapshots.filter(is_target=False).count() == 2
    few = {page: _built_and_cached(learner_client, world.url(page)) for page in PAGES}
    world.add_years(10)
    assert world.organisation.snapshots.filter(is_target=False).count() == 12
    assert {page: _built_and_cached(learner_client, world.url(page)) for page in PAGES} == few


@pytest.mark.parametrize("page", PAGES)
def test_query_count_is_pinned(learner_client, world, page, django_assert_max_num_queries):
    world.add_years(10)
    world.add_fiches(5)
    world.add_rules(3)
    world.add_others(5)
    url = world.url(page)
    learner_client.get(url)
    bump_content_version()
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        response = learner_client.get(url)
    assert response.status_code == 200
    if page in MAX_CACHED_QUERIES:
        with django_assert_max_num_queries(MAX_CACHED_QUERIES[page]):
            again = learner_client.get(url)
        assert _unmasked(again) == _unmasked(response)
    if page == "result":
        page_html = response.content.decode()
        # Four times public share, concentration, absence; twelve years and the target in the activation table.
        assert page_html.count('<article class="hub-recommendation">') == 12
        assert len(re.findall(r"<tr(?: class=\"hub-table__target\")?><th scope=\"row\">", page_html.split(
            'id="activation-tableau"')[1].split("</table>")[0])) == 13


@pytest.mark.django_db
def test_the_rates_row_is_read_whatever_its_id():
    from diagnostic.models import ValuationRates

    ValuationRates.objects.all().delete()  # as if the migration's row had been removed outside the admin
    ValuationRates.objects.create(pk=7, volunteer_hour=Decimal("17.00"))
    assert ValuationRates.current().volunteer_hour == Decimal("17.00")
    assert ValuationRates.objects.count() == 1
