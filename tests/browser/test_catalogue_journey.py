import re

import pytest
from playwright.sync_api import expect

from core.text import sort_key
from resources.content_files import iter_fiches
from tests.browser.a11y import axe_violations
from tests.browser.keyboard import tab_to


def test_keyboard_only_search_then_narrow_with_two_facets_remove_a_chip_and_open_a_fiche(page):
    page.goto("/")
    tab_to(page, "#header-q")
    page.keyboard.type("alliances")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/recherche/\?q=alliances$"))
    expect(page.locator("h1")).to_contain_text("alliances")

    tab_to(page, 'a.hub-button--secondary[href^="/fiches/?q="]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/fiches/\?q=alliances$"))
    total = int(page.locator("#nombre-resultats").inner_text().split()[0])

    tab_to(page, "#f-famille-action")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"famille=action"))
    expect(page.locator("#f-famille-action")).to_be_focused()
    expect(page.locator("#catalogue-annonce")).to_contain_text("fiche")
    expect(page).to_have_title(re.compile(r"«\u00a0alliances\u00a0» dans les fiches"))
    tab_to(page, "#f-levier-alliances")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"famille=action.*levier=alliances|levier=alliances.*famille=action"))
    narrowed = int(page.locator("#nombre-resultats").inner_text().split()[0])
    assert 0 < narrowed < total
    expect(page.locator(".hub-chip--removable")).to_have_count(3)

    family_chip = page.locator(".hub-chip--removable", has_text="Actions")
    href = family_chip.get_attribute("href")
    tab_to(page, f'a.hub-chip--removable[href="{href}"]')
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"famille="))
    expect(page).to_have_url(re.compile(r"levier=alliances"))
    expect(page.locator(".hub-chip--removable")).to_have_count(2)

    first_title = page.locator(".hub-card__title a").first.inner_text()
    tab_to(page, ".hub-card__title a")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/fiches/[a-z0-9-]+/$"))
    expect(page.locator("h1")).to_have_text(first_title)
    assert page.console_errors == []


def test_back_button_restores_the_previous_filters(page):
    page.goto("/fiches/")
    page.locator("#f-famille-methode").check()
    expect(page).to_have_url(re.compile(r"famille=methode"))
    expect(page.locator("#nombre-resultats")).to_have_text("8 fiches")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/fiches/$"))
    expect(page.locator("#nombre-resultats")).to_have_text(f"{len(iter_fiches())} fiches")  # every shipped fiche


def test_filters_work_without_javascript(browser, shipped_site):
    context = browser.new_context(base_url=shipped_site.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/fiches/")
    page.locator("#f-famille-methode").check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(r"famille=methode"))
    expect(page.locator("#nombre-resultats")).to_have_text("8 fiches")
    page.select_option("#catalogue-tri", "titre")
    page.get_by_role("button", name="Trier").click()
    expect(page).to_have_url(re.compile(r"tri=titre"))
    assert "famille=methode" in page.url and "q=" not in page.url
    titles = page.locator(".hub-card__title a").all_inner_texts()
    assert titles == sorted(titles, key=sort_key)
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/fiches/?famille=action&levier=alliances&q=alliances",
        "/recherche/?q=b%C3%A9n%C3%A9voles",
        "/recherche/?q=b%C3%A9n%C3%A9vloes",
        "/recherche/?q=xqzwv",
    ],
)
def test_axe_finds_no_violation_on_the_catalogue_and_search(audit_page, path):
    audit_page.goto(path)
    audit_page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    assert axe_violations(audit_page) == []
