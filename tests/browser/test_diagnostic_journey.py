"""A visitor measures their association's model over two years, then keeps it in an account."""

import json
import re

from playwright.sync_api import expect

from tests.browser.a11y import axe_violations

YEAR_2024 = {
    "#id_year": "2024", "#id_salaried_fte": "2,5", "#id_volunteers_count": "35", "#id_volunteer_hours": "3 200",
    "#id_subsidies_state": "40 000", "#id_subsidies_local": "35 000", "#id_gifts_individuals": "4 500",
    "#id_membership_fees": "2 100", "#id_revenue_sales": "12 500,50", "#id_partnerships_means": "2",
    "#id_in_kind_premises": "6000",
}
YEAR_2025 = {
    "#id_year": "2025", "#id_salaried_fte": "3", "#id_volunteers_count": "48", "#id_volunteer_hours": "4 100",
    "#id_subsidies_state": "38 000", "#id_subsidies_local": "30 000", "#id_gifts_companies": "15 000",
    "#id_gifts_individuals": "6 000", "#id_membership_fees": "2 300", "#id_revenue_sales": "21000.5",
    "#id_partnerships_means": "3", "#id_partnerships_positioning": "2", "#id_in_kind_premises": "6 000",
}


def _fill_year(page, figures):
    for selector, value in figures.items():
        page.fill(selector, value)
    page.get_by_role("button", name="Enregistrer et voir le résultat").click()


def test_visitor_fills_two_years_sees_the_trajectory_and_a_recommendation_then_keeps_it_in_an_account(page):
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mon modèle").click()
    expect(page.locator("h1")).to_have_text("Mon modèle socio-économique")
    page.fill("#id_name", "Les Jardins partagés du Val")
    page.select_option("#id_actor_profile", label="Associations")
    page.select_option("#id_region", label="Bretagne")
    page.get_by_role("button", name="Créer le diagnostic").click()
    expect(page).to_have_url(re.compile(r"/mon-modele/\d+/annees/ajouter/$"))

    _fill_year(page, YEAR_2024)
    expect(page.locator('[role="status"]')).to_contain_text("Chiffres 2024 enregistrés")
    page.get_by_role("link", name="Ajouter une année").click()
    _fill_year(page, YEAR_2025)

    chart = page.locator("svg.hub-ternary__svg")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("circle")).to_have_count(2)
    expect(chart.locator("line.hub-ternary__path")).to_have_count(1)
    expect(chart.locator("text.hub-ternary__label")).to_have_text(["2024", "2025"])
    expect(page.locator(".hub-changes")).to_contain_text("De 2024 à 2025")
    expect(page.locator("table.hub-table").first).to_contain_text("2025")
    expect(page.locator(".hub-indicators")).to_contain_text("Indice de concentration")
    recommendation = page.locator(".hub-recommendations h3").first
    expect(recommendation).to_contain_text("Votre levier le plus faible")
    expect(page.locator(".hub-recommendations .hub-card__title a").first).to_be_visible()
    detail_url = page.url.split("#")[0]

    page.locator('.hub-account a[href="/compte/inscription/"]').click()
    page.fill("#id_email", "jardins@example.org")
    page.fill("#id_password1", "des-legumes-et-des-liens-2026")
    page.fill("#id_password2", "des-legumes-et-des-liens-2026")
    page.locator(".hub-form-page button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    expect(page.locator('[role="status"]').filter(has_text="rattaché")).to_be_visible()
    link = page.locator(".hub-diagnostic-list a", has_text="Les Jardins partagés du Val")
    expect(link).to_be_visible()
    link.click()
    assert page.url == detail_url
    expect(page.locator("svg.hub-ternary__svg circle")).to_have_count(2)
    assert page.console_errors == []


def test_axe_finds_no_violation_on_the_diagnostic_form_with_errors_and_on_the_result_page(audit_page):
    page = audit_page
    audited = {}
    page.goto("/mon-modele/")
    page.get_by_role("button", name="Créer le diagnostic").click()
    expect(page.locator(".hub-field__errors")).to_be_visible()
    audited["création avec erreurs"] = axe_violations(page)
    page.fill("#id_name", "Compagnie du Vent")
    page.get_by_role("button", name="Créer le diagnostic").click()
    _fill_year(page, {"#id_year": "1850", "#id_salaried_fte": "-2", "#id_subsidies_state": "beaucoup"})
    expect(page.locator(".hub-field__errors")).to_have_count(3)
    audited["année avec erreurs"] = axe_violations(page)
    _fill_year(page, {**YEAR_2024, "#id_salaried_fte": "2,5", "#id_subsidies_state": "40 000"})
    page.get_by_role("link", name="Fixer une cible").click()
    _fill_year(page, {**YEAR_2025, "#id_year": "2028"})
    expect(page.locator("svg.hub-ternary__svg polygon.hub-ternary__target")).to_have_count(1)
    audited["résultat"] = axe_violations(page)
    page.get_by_role("link", name="Version imprimable").click()
    audited["rapport"] = axe_violations(page)
    failures = {name: found for name, found in audited.items() if found}
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)
