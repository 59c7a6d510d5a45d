"""The hub on a phone (375 px): the menu folds behind « Menu », the fiche list shows results first and its filters
behind « Filtrer », a note typed beside « Marquer comme terminée » is kept, a diagnostic year is deleted through
its confirmation page. axe-core audits each state, the menu and the filter panel open included. Then every main
page at 320, 375, 768 and 1280 px: no sideways scrolling, no text under 12 px, a header of at most 120 px on
phones and the full navigation from 768 px."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.a11y import axe_violations
from tests.factories import make_organisation

PHONE = {"width": 375, "height": 800}
EMAIL, PASSWORD = "phone@example.org", "un-telephone-en-poche-2026"
NOTE = "Nos bénévoles tiennent l’épicerie ; la mairie prête le local."
NNBSP = "\u202f"

# Every visible piece of text and the size it renders at, in CSS px (SVG text scaled by its viewBox).
_SMALLEST_TEXTS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element) continue;
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(element).visibility === "hidden") continue;
    if (element.closest(".hub-sr-only, .hub-skip")) continue;
    let size = parseFloat(getComputedStyle(element).fontSize);
    if (element instanceof SVGElement) {
      const matrix = element.getScreenCTM();
      size *= Math.hypot(matrix.a, matrix.b);
    }
    found.push({size: Math.round(size * 10) / 10, text: node.textContent.trim().slice(0, 40)});
  }
  return found.sort((a, b) => a.size - b.size).slice(0, 3);
}"""


def _phone(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=PHONE, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _header_height(page):
    return page.locator("header.hub-header").bounding_box()["height"]


def _log_in(page):
    page.goto("/compte/connexion/")
    page.fill("#id_username", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.locator(".hub-form-page button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))


def test_phone_journey_menu_filters_note_and_deleting_a_year(browser, shipped_site):
    user = get_user_model().objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)
    organisation = make_organisation(
        user=user, name="L’Épicerie du Lien",
        years=[(2023, {"subsidies_local": 40000, "revenue_sales": 20000}),
               (2024, {"subsidies_local": 35000, "revenue_sales": 30000})],
    )
    # axe-core is injected as a script: this context lets it in, the site's own scripts run as usual.
    context, page = _phone(browser, shipped_site, bypass_csp=True)
    audited = {}

    # The header: brand and « Menu » on one line; the menu opens over the page, Escape closes it.
    page.goto("/fiches/")
    assert _header_height(page) <= 120
    menu_button = page.locator("summary.hub-menu__button")
    expect(menu_button).to_have_text("Menu")
    main_nav = page.get_by_role("navigation", name="Navigation principale")
    expect(main_nav).to_be_hidden()
    menu_button.click()
    expect(main_nav).to_be_visible()
    expect(page.get_by_role("searchbox", name="Rechercher dans le hub")).to_be_visible()
    audited["menu ouvert"] = axe_violations(page)
    page.keyboard.press("Tab")  # into the menu: Escape then closes it and gives the focus back to « Menu »
    page.keyboard.press("Escape")
    expect(main_nav).to_be_hidden()
    expect(menu_button).to_be_focused()

    # Results first: the panel is folded, the first fiche is on the first screen.
    filters = page.locator("summary.hub-filters__button")
    expect(filters).to_have_text("Filtrer")
    expect(page.locator("#hub-facets")).to_be_hidden()
    first_card = page.locator(".hub-grid--results li").first
    assert first_card.bounding_box()["y"] < PHONE["height"]
    filters.click()
    expect(page.locator("#hub-facets")).to_be_visible()
    audited["filtres ouverts"] = axe_violations(page)
    page.locator("#facette-famille").get_by_label(re.compile(r"^Actions")).check()  # catalogue.js refreshes
    expect(page.locator("#nombre-resultats")).to_have_text(re.compile(r"^\d+ fiches?$"))
    expect(page).to_have_url(re.compile(r"famille=action"))
    expect(page.locator("summary.hub-filters__button")).to_have_text("Filtrer 1 filtre actif")
    expect(page.locator("#hub-facets")).to_be_visible()  # still open for the next choice
    for card in page.locator(".hub-grid--results .hub-kicker").all_inner_texts():
        assert card.strip().lower().startswith("action")

    # A step: the note typed beside « Marquer comme terminée » is there after reloading the step.
    _log_in(page)
    page.goto("/parcours/qualifier-son-modele/")
    page.locator('form[action$="/commencer/"] button').click()
    step_url = page.url
    page.fill("#id_note", NOTE)
    page.get_by_role("button", name="Marquer comme terminée").click()
    expect(page).not_to_have_url(step_url)
    page.goto(step_url)
    expect(page.locator("#id_note")).to_have_value(NOTE)
    expect(page.locator(".hub-step__status")).to_contain_text("Terminée")
    audited["étape"] = axe_violations(page)

    # A diagnostic year goes through the page that says what will disappear.
    page.goto(organisation.get_absolute_url())
    page.get_by_role("link", name="Supprimer les chiffres 2023").click()
    expect(page.locator("h1")).to_have_text(f"Supprimer les chiffres 2023{NNBSP}?")
    expect(page.locator("main")).to_contain_text("Ce qui disparaîtra définitivement")
    audited["confirmation"] = axe_violations(page)
    page.get_by_role("button", name="Supprimer les chiffres 2023").click()
    expect(page.locator('.hub-alert[role="status"]')).to_contain_text("Chiffres 2023 supprimés")
    expect(page.locator(".hub-snapshots__year")).to_have_text(["2024"])
    context.close()

    assert audited == {name: [] for name in audited}


def test_a_note_is_saved_as_it_is_typed(page):
    """With JavaScript the note is saved after a pause in typing, without any button; the page says so, and
    leaving then asks nothing. Leaving before the pause asks first (the warning is there to be missed)."""
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.type), dialog.dismiss()))
    page.set_viewport_size(PHONE)
    page.goto("/parcours/qualifier-son-modele/")
    page.locator('form[action$="/commencer/"] button').click()
    # Typing before the step page's deferred scripts run would go unnoticed by unsaved.js (seen on a loaded CI).
    page.wait_for_url("**/comprendre-le-modele-socio-economique/")
    page.wait_for_load_state("load")
    step_url = page.url
    page.locator("#id_note").press_sequentially("Pas encore")
    page.evaluate("location.reload()")  # before the pause: nothing saved yet
    for _ in range(50):
        if questions:
            break
        page.wait_for_timeout(100)
    assert questions == ["beforeunload"]  # dismissed: the person stays, the note is still typed
    expect(page.locator("#id_note")).to_have_value("Pas encore")
    page.fill("#id_note", NOTE)
    expect(page.locator(".hub-autosave")).to_have_text(re.compile(r"^Enregistré à \d{1,2}\u00a0h\u00a0\d\d\.$"))
    expect(page.locator("[data-hub-autosave-live]")).to_contain_text("Vos notes s’enregistrent automatiquement.")
    page.goto(step_url)
    assert questions == ["beforeunload"]  # no second question: the form was saved, it is clean
    expect(page.locator("#id_note")).to_have_value(NOTE)
    assert page.console_errors == []


def test_the_desktop_shows_the_whole_menu_and_the_filter_panel(page):
    """From 768 px nothing is folded: no « Menu » nor « Filtrer » button, and the links take the keyboard."""
    for width in (768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/fiches/")
        expect(page.locator("summary.hub-menu__button")).to_be_hidden()
        expect(page.locator("summary.hub-filters__button")).to_be_hidden()
        expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
        expect(page.locator("#hub-facets")).to_be_visible()
    page.keyboard.press("Tab")  # the skip link
    reached = []
    for _ in range(11):  # the brand, the two account links, the eight sections of the menu
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert "Référentiel" in reached and "Mon espace" in reached


PAGES = [
    "/",
    "/fiches/",
    "/fiches/developper-le-mecenat-de-competences/",
    "/referentiel/",
    "/parcours/qualifier-son-modele/",
    "/outils/",
    "/recherche/?q=b%C3%A9n%C3%A9voles",
    "/mon-espace/",
    "/compte/inscription/",
    "/compte/inscription/envoyee/",
]


WIDTHS = [320, 375, 768, 1280]


def test_no_sideways_scroll_and_no_text_under_12_px(browser, shipped_site):
    """Each page is loaded once (at the first width) and measured at every width by resizing the window, as
    turning a tablet or zooming resizes it: the CSS is the same as when the page is loaded at that width (menu.js
    opens nothing on a resize where ::details-content is known), at a quarter of the page loads."""
    user = get_user_model().objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)
    organisation = make_organisation(
        user=user, years=[(2023, {"subsidies_local": 40000, "gifts_foundations": 9000, "revenue_sales": 20000}),
                          (2024, {"subsidies_local": 30000, "gifts_foundations": 12000, "revenue_sales": 30000})],
    )
    context = browser.new_context(base_url=shipped_site.url, locale="fr-FR", viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    _log_in(page)
    problems = {}
    for path in [*PAGES, organisation.get_absolute_url()]:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            overflow = page.evaluate("document.documentElement.scrollWidth") - width
            smallest = page.evaluate(_SMALLEST_TEXTS)
            header = _header_height(page)
            if overflow > 0:
                problems[f"{path} à {width} px déborde de"] = overflow
            if smallest and smallest[0]["size"] < 12:
                problems[f"{path} à {width} px texte trop petit"] = smallest
            if width < 768 and header > 120:
                problems[f"{path} à {width} px en-tête"] = header
    context.close()
    assert problems == {}


def test_a_browser_without_details_content_gets_the_disclosures_opened_on_a_desk(browser, shipped_site):
    """Where ::details-content is unknown (Firefox before 143, Safari before 18.4), menu.js opens the menu and
    the filter panel from 768 px and hides their buttons; on a phone they stay folded."""
    context = browser.new_context(base_url=shipped_site.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.add_init_script("""{
      const supports = CSS.supports.bind(CSS);
      CSS.supports = (...args) => !String(args[0]).includes("details-content") && supports(...args);
    }""")
    page = context.new_page()
    page.goto("/fiches/")
    expect(page.locator("details#menu")).to_have_attribute("open", "")
    expect(page.locator("details#filtres")).to_have_attribute("open", "")
    expect(page.locator("html")).to_have_class(re.compile(r"\bhub-open-wide\b"))
    page.set_viewport_size(PHONE)
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bhub-open-wide\b"))
    page.goto("/fiches/")
    expect(page.locator("details#menu")).not_to_have_attribute("open", "")
    context.close()
