"""« Par où commencer ? » with the keyboard only: from the home page to a path within two hours, its first item, then
a sign-up that keeps the path in « Mon espace »; axe-core on the questionnaire with an error and on the path."""

import re

from playwright.sync_api import expect

from parcours.models import KeptUsagePath, UsageFirstOpenCount, UsagePathCount
from tests.browser.a11y import axe_violations
from tests.browser.keyboard import tab_to
from tests.browser.mailbox import activation_path

EMAIL, PASSWORD = "sacha@example.org", "un-parcours-d-usage-2026"
PATH = "/par-ou-commencer/?profil=association&objectif=diversifier&maturite=j-ai-commence&temps=2-h"


def press_enter_and_wait(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")


def activate(page, css):
    tab_to(page, css)
    press_enter_and_wait(page)


def choose(page, name, value):
    """A radio group is one Tab stop; none is checked yet, so Tab lands on its first option: Space checks it, each
    ArrowDown moves to the next and checks it."""
    options = page.locator(f'input[name="{name}"]')
    position = [options.nth(i).get_attribute("value") for i in range(options.count())].index(value)
    tab_to(page, f'input[name="{name}"]')
    if position == 0:
        page.keyboard.press("Space")
    for _ in range(position):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f'input[name="{name}"][value="{value}"]')).to_be_checked()


def test_keyboard_only_from_the_home_page_to_a_kept_path_in_mon_espace(page):
    page.goto("/")
    activate(page, 'main a[href="/par-ou-commencer/"]')
    expect(page.locator("h1")).to_have_text("Par où commencer\u202f?")

    choose(page, "profil", "association")
    choose(page, "objectif", "diversifier")
    choose(page, "maturite", "j-ai-commence")
    choose(page, "temps", "2-h")
    activate(page, "main form button[type=submit]")

    expect(page.locator("h1")).to_have_text("Votre parcours d’usage")
    assert page.url.endswith(PATH)
    total = page.locator(".hub-usage-total")
    assert int(total.get_attribute("data-minutes")) <= 120 == int(total.get_attribute("data-budget"))
    count = page.locator(".hub-usage-item").count()
    assert 5 <= count <= 12
    expect(page.locator(".hub-usage-item__why").first).not_to_be_empty()
    assert page.locator(".hub-usage-item__title a").first.get_attribute("href").startswith("/par-ou-commencer/ouvrir/")

    activate(page, ".hub-usage-item__title a")  # the first item: the first link of the list
    assert "/par-ou-commencer/" not in page.url
    expect(page.locator("h1")).to_be_visible()
    assert UsageFirstOpenCount.objects.get().count == 1
    page.go_back()  # the browser's own Back: headless Chromium has no Alt+← shortcut to press
    assert page.url.endswith(PATH)

    activate(page, 'form[action="/par-ou-commencer/garder/"] button[type=submit]')
    expect(page.locator('.hub-alert[role="status"]')).to_contain_text("Parcours gardé dans Mon espace")
    expect(page.locator("h1")).to_have_text("Association · diversifier mes ressources")
    kept_url = page.url

    activate(page, '.hub-account a[href^="/compte/inscription/"]')
    for css, value in (("#id_email", EMAIL), ("#id_password1", PASSWORD), ("#id_password2", PASSWORD)):
        tab_to(page, css)
        page.keyboard.type(value)
    activate(page, ".hub-form-page button[type=submit]")
    expect(page.locator("h1")).to_have_text("Consultez votre messagerie")
    page.goto(activation_path())  # the link of the e-mail, in the browser that signed up
    activate(page, ".hub-form-page button[type=submit]")
    assert page.url == kept_url  # back on the kept path, now the account's
    expect(page.locator('.hub-alert[role="status"]').filter(has_text="ajouté à votre compte")).to_be_visible()

    activate(page, '.hub-nav a[href="/mon-espace/"]')
    kept = page.locator(".hub-kept-list li")
    expect(kept).to_have_count(1)
    expect(kept).to_contain_text("Association · diversifier mes ressources")
    expect(kept).to_contain_text(f"0 ressource faite sur {count}")
    assert KeptUsagePath.objects.get(user__email=EMAIL).query in PATH
    assert UsagePathCount.objects.get().count >= 1
    assert page.console_errors == []


def test_axe_finds_no_violation_on_the_questionnaire_with_an_error_on_the_path_and_on_the_kept_path(audit_page):
    page = audit_page
    page.goto("/par-ou-commencer/")
    assert axe_violations(page) == []
    page.locator('input[name="profil"][value="fondation"]').check()
    page.locator("main form button[type=submit]").click()  # three questions left unanswered
    expect(page.locator('.hub-alert[role="alert"]')).to_contain_text("3 erreurs")
    expect(page.locator(".hub-field__errors")).to_have_count(3)
    expect(page.locator("#erreurs")).to_be_focused()  # static/js/errors.js: the list of what to correct comes first
    assert axe_violations(page) == []

    page.goto(PATH + "&region=occitanie&domaine=emploi-et-insertion")
    expect(page.locator(".hub-usage-item").first).to_be_visible()
    assert axe_violations(page) == []
    page.locator('form[action="/par-ou-commencer/garder/"] button[type=submit]').click()
    expect(page).to_have_url(re.compile(r"/mon-espace/parcours-d-usage/[0-9a-f]{12}/$"))
    page.locator(".hub-usage-item__tick button").first.click()
    expect(page.locator("#progression label")).to_contain_text("1 ressource faite sur")
    assert axe_violations(page) == []
