import re

from django.db import connection
from playwright.sync_api import expect

from tests.browser.a11y import SWEPT_PAGES, axe_violations


def test_visitor_goes_from_home_to_a_filtered_list_through_a_lever_a_fiche_and_a_chip(page):
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("modèle socio-économique")

    page.get_by_role("link", name="Richesses humaines", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/leviers/richesses-humaines/$"))
    expect(page.locator("h1")).to_have_text("Richesses humaines")

    page.locator(".hub-card__title a").first.click()
    expect(page).to_have_url(re.compile(r"/fiches/[a-z0-9-]+/$"))
    fiche_title = page.locator("h1").inner_text()

    chip = page.locator(".hub-fiche__aside a.hub-chip", has_text="Richesses humaines").first
    chip.click()
    expect(page).to_have_url(re.compile(r"/fiches/\?levier=richesses-humaines$"))
    expect(page.locator(".hub-chip--removable")).to_contain_text("Richesses humaines")
    expect(page.locator(".hub-card__title a", has_text=fiche_title)).to_have_count(1)
    assert page.console_errors == []


def test_keyboard_user_skips_to_content(page):
    page.goto("/fiches/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Aller au contenu")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#contenu$"))
    assert page.console_errors == []


def test_axe_finds_no_wcag_violation(audit_page):
    """One test for all the pages: each page costs a navigation and an audit, while a test of its own would also
    load the shipped content into the live server again. On PostgreSQL the sweep audits the pages of the sitemap
    (test_accessibility_sweep.py)."""
    paths = [] if connection.vendor == "postgresql" else list(SWEPT_PAGES)
    paths += ["/fiches/?famille=acteur&region=occitanie", "/page-inconnue/"]
    found = {}
    for path in paths:
        audit_page.goto(path)
        found[path] = axe_violations(audit_page)
    assert found == {path: [] for path in paths}
