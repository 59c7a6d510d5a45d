"""A visitor measures their association's model over three years, deletes one, then keeps it in an account.

Every page of the journey is audited by axe-core; the result page is then read again on a 375 px phone, under
the site's real Content-Security-Policy, to check that no text of the ternary plots renders under 12 px.
"""

import json
import re

from playwright.sync_api import expect

from tests.browser.a11y import axe_violations
from tests.browser.mailbox import activation_path

NAME = "Les Jardins partagés du Val"
EMAIL, PASSWORD = "jardins@example.org", "des-legumes-et-des-liens-2026"
NNBSP, NBSP = "\u202f", "\u00a0"
LEVEL_FIELDS = [
    "level_salaried", "level_volunteers", "level_service_civique", "level_interns", "level_skills_sponsorship",
    "level_subsidies", "level_societal_investment", "level_activity_revenue",
    "level_alliances_positioning", "level_alliances_production", "level_alliances_means",
]
# Public share 55 % → 45 % → 35 % of a 100 000 € budget each year, typed the French way.
FIGURES = {
    2023: {"#id_subsidies_local": "55 000", "#id_gifts_foundations": "15 000", "#id_revenue_sales": "30 000",
           "#id_volunteer_hours": "1 200", "#id_skills_days": "2", "#id_in_kind_premises": "6 000"},
    2024: {"#id_subsidies_local": "45 000", "#id_gifts_foundations": "17 000", "#id_revenue_sales": "38 000",
           "#id_volunteer_hours": "1 500", "#id_skills_days": "3", "#id_in_kind_premises": "6 000"},
    2025: {"#id_subsidies_local": "35 000", "#id_gifts_foundations": "22 000", "#id_revenue_sales": "43 000,00",
           "#id_volunteer_hours": "1 800", "#id_skills_days": "4,5", "#id_in_kind_premises": "6 500"},
}
# 2023: every component answered, « Alliances de moyens » Absent. Later years change a couple of answers.
ANSWERS_2023 = {
    "level_salaried": "2", "level_volunteers": "3", "level_service_civique": "1", "level_interns": "0",
    "level_skills_sponsorship": "1", "level_subsidies": "3", "level_societal_investment": "1",
    "level_activity_revenue": "2", "level_alliances_positioning": "2", "level_alliances_production": "1",
    "level_alliances_means": "0",
}
CHANGES_2024 = {"level_activity_revenue": "3", "level_alliances_positioning": "3"}
CHANGES_2025 = {"level_alliances_means": "1", "level_societal_investment": "2"}
PUBLIC_RULE = "Financement public majoritaire"  # fixtures/diagnostic.toml: public_share gt 50
MEANS_RULE = "Pas d’alliance de moyens"  # component_level alliances-de-moyens lte 0

_CHECKED = """(names) => Object.fromEntries(names.map(name => {
  const checked = document.querySelector(`input[type=radio][name="${name}"]:checked`);
  return [name, checked ? checked.value : null];
}))"""

_TEXT_BOXES = """(svg) => [...svg.querySelectorAll("text")].map(node => {
  const box = node.getBoundingClientRect();
  return {text: node.textContent, year: node.hasAttribute("data-year-label"),
          left: box.left, top: box.top, right: box.right, bottom: box.bottom};
})"""

# The size a text of an inline SVG renders at: its font size in user units times the viewBox's scale
# (preserveAspectRatio « meet »: the smaller of the two ratios), and the height of its box, both in CSS px.
_RENDERED_SIZES = """() => [...document.querySelectorAll("svg.hub-ternary__svg")].flatMap((svg, index) => {
  const frame = svg.getBoundingClientRect(), view = svg.viewBox.baseVal;
  const scale = Math.min(frame.width / view.width, frame.height / view.height);
  return [...svg.querySelectorAll("text")].map(node => ({
    chart: index, text: node.textContent, cls: node.getAttribute("class"),
    px: parseFloat(getComputedStyle(node).fontSize) * scale, height: node.getBoundingClientRect().height,
  }));
})"""


def _audit(page, audited, name):
    audited[name] = axe_violations(page)


def _fill_figures(page, year, figures):
    page.fill("#id_year", str(year))
    for selector, value in figures.items():
        page.fill(selector, value)


def _answer(page, answers):
    for name, value in answers.items():
        page.locator(f'input[type=radio][name="{name}"][value="{value}"]').check()


def _checked(page):
    page.wait_for_load_state("domcontentloaded")  # the whole form is parsed, not only its first lines
    return page.evaluate(_CHECKED, LEVEL_FIELDS)


def _save(page):
    page.get_by_role("button", name="Enregistrer et voir le résultat").click()
    expect(page).to_have_url(re.compile(r"/mon-modele/\d+/#resultats$"))


def _overlap(a, b):
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _check_year_labels(page, years):
    """In every ternary plot (full and zoomed): one label per year, distinct, none overlapping another label,
    a tick or a corner name. Returns how many plots were checked."""
    charts = page.locator("svg.hub-ternary__svg")
    count = charts.count()
    for index in range(count):
        chart = charts.nth(index)
        expect(chart).to_have_attribute("role", "img")
        expect(chart.locator("title")).to_have_count(1)
        expect(chart.locator("desc")).to_have_count(1)
        expect(chart.locator("text[data-year-label]")).to_have_text(years)
        boxes = chart.evaluate(_TEXT_BOXES)
        labels = [box for box in boxes if box["year"]]
        assert len({box["text"] for box in labels}) == len(years)
        clashes = [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1:] if _overlap(a, b)]
        assert clashes == [], f"graphique {index}: étiquettes superposées {clashes}"
        crowded = [(a["text"], b["text"]) for a in labels for b in boxes if not b["year"] and _overlap(a, b)]
        assert crowded == [], f"graphique {index}: étiquette sur une graduation ou un sommet {crowded}"
    return count


def _recommendation(page, title):
    return page.locator(".hub-recommendation").filter(has=page.get_by_role("heading", name=title, exact=True))


def _hybridation_table(page):
    return page.locator("table").filter(
        has=page.locator("caption", has_text="Hybridation des ressources, par année")
    )


def _public_share(table, year):
    """The text of the « Ressources publiques » cell of ``year``'s row, as written (no-break spaces kept)."""
    row = table.locator("tbody tr").filter(has=table.page.locator(f'th[scope=row]:text-is("{year}")'))
    return row.locator("td").first.text_content()


def test_visitor_enters_three_years_follows_the_public_share_deletes_a_year_then_keeps_it_in_an_account(
    audit_page, browser, shipped_site
):
    page, audited = audit_page, {}
    page.goto("/")
    _audit(page, audited, "accueil")
    page.get_by_role("link", name="Faire mon diagnostic").click()
    expect(page).to_have_url(re.compile(r"/mon-modele/$"))
    expect(page.locator("h1")).to_have_text(f"Diagnostic «{NNBSP}Mon modèle socio-économique{NNBSP}»")
    expect(
        page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mon diagnostic")
    ).to_have_attribute("aria-current", "page")
    _audit(page, audited, "index")
    page.fill("#id_name", NAME)
    page.select_option("#id_actor_profile", label="Associations")
    page.select_option("#id_region", label="Bretagne")
    page.get_by_role("button", name="Créer le diagnostic").click()
    expect(page).to_have_url(re.compile(r"/mon-modele/\d+/annees/ajouter/$"))

    # 2023: a first year, nothing to pre-fill, so every group starts on « Pas encore répondu ».
    assert _checked(page) == {name: "" for name in LEVEL_FIELDS}
    _audit(page, audited, "saisie 2023")
    _fill_figures(page, 2023, FIGURES[2023])
    _answer(page, ANSWERS_2023)
    _save(page)
    expect(page.locator('[role="status"]')).to_contain_text("Chiffres 2023 enregistrés")
    detail_url = page.url.split("#")[0]

    # With 2023 as the latest year (55 % public), the public-funding rule fires, and says why.
    public = _recommendation(page, PUBLIC_RULE)
    expect(public).to_have_count(1)
    expect(public.locator(".hub-recommendation__rule")).to_have_text(
        f"Règle «{NNBSP}{PUBLIC_RULE}{NNBSP}»{NNBSP}: elle se déclenche quand la part des ressources publiques "
        f"dépasse 50{NBSP}%."
    )
    why = public.locator("p").filter(has_text="Pourquoi ces lectures")
    expect(why).to_contain_text("financements publics")
    assert f"représentent 55{NBSP}% de vos ressources en 2023" in why.text_content()
    expect(public.locator(".hub-card__title a").first).to_be_visible()
    means = _recommendation(page, MEANS_RULE)
    expect(means.locator(".hub-recommendation__rule")).to_contain_text("« Alliances de moyens » est déclarée absente")
    assert _check_year_labels(page, ["2023"]) >= 2
    _audit(page, audited, "résultat 2023")

    # 2024: the questionnaire starts from 2023's answers; two of them change.
    page.get_by_role("link", name="Ajouter une année").click()
    expect(page.locator("main")).to_contain_text(f"Réponses reprises de 2023{NNBSP}: vérifiez-les.")
    assert _checked(page) == ANSWERS_2023
    _audit(page, audited, "saisie 2024 préremplie")
    _fill_figures(page, 2024, FIGURES[2024])
    _answer(page, CHANGES_2024)
    _save(page)

    # 2025: pre-filled from the latest year (2024, changes included), not from the first.
    page.get_by_role("link", name="Ajouter une année").click()
    expect(page.locator("main")).to_contain_text("Réponses reprises de 2024")
    assert _checked(page) == {**ANSWERS_2023, **CHANGES_2024}
    _fill_figures(page, 2025, FIGURES[2025])
    _answer(page, CHANGES_2025)
    _save(page)
    expect(page.locator('[role="status"]')).to_contain_text("Chiffres 2025 enregistrés")

    expect(page.locator("svg.hub-ternary__svg:not(.hub-ternary__svg--zoom)")).to_have_count(2)
    expect(page.locator("svg.hub-ternary__svg title").first).to_contain_text("Trépied")
    expect(page.locator("svg.hub-ternary__svg:not(.hub-ternary__svg--zoom) title").last).to_contain_text("Hybridation")
    assert _check_year_labels(page, ["2023", "2024", "2025"]) >= 2
    table = _hybridation_table(page)
    expect(table).to_have_count(1)
    assert _public_share(table, "2023").startswith(f"55{NBSP}%")
    assert _public_share(table, "2024").startswith(f"45{NBSP}%")
    assert _public_share(table, "2025").startswith(f"35{NBSP}%")
    cells = table.inner_text()  # cells apart, no-break spaces kept
    assert re.search(rf"(?<![\d,])55{NBSP}%", cells) and re.search(rf"(?<![\d,])35{NBSP}%", cells)
    expect(page.locator("#hybridation ~ .hub-lead")).to_contain_text("de 55 % à 35 %")
    # Recommendations read the latest year: at 35 % public the public-funding rule is silent, and so is the
    # « Alliances de moyens » one, answered « Ponctuel » in 2025.
    expect(page.locator(".hub-recommendation").first).to_be_visible()
    expect(_recommendation(page, PUBLIC_RULE)).to_have_count(0)
    expect(_recommendation(page, MEANS_RULE)).to_have_count(0)
    _audit(page, audited, "résultat 2023-2025")

    # Deleting 2024 goes through a page that says what will disappear.
    years = page.locator("section", has=page.locator("h2#annees"))
    years.get_by_role("link", name="Supprimer les chiffres 2024").click()
    expect(page).to_have_url(re.compile(r"/mon-modele/\d+/annees/\d+/supprimer/$"))
    expect(page.locator("h1")).to_have_text(f"Supprimer les chiffres 2024{NNBSP}?")
    gone = page.locator("main ul").filter(has_text="questionnaire")
    expect(gone).to_contain_text("6 chiffres saisis, dont un budget de 100 000 €")
    expect(gone).to_contain_text("11 réponses sur 11 au questionnaire des trois leviers")
    expect(gone).to_contain_text("cette année dans vos graphiques, votre trajectoire et vos recommandations")
    expect(page.locator("main")).to_contain_text(f"Les autres années de {NAME} restent intactes")
    _audit(page, audited, "confirmation de suppression")
    page.get_by_role("button", name="Supprimer les chiffres 2024").click()
    assert page.url == detail_url
    expect(page.locator('[role="status"]')).to_contain_text("Chiffres 2024 supprimés")
    expect(page.locator(".hub-snapshots__year")).to_have_text(["2023", "2025"])
    expect(_hybridation_table(page).locator("tbody th[scope=row]")).to_have_text(["2023", "2025"])
    assert _check_year_labels(page, ["2023", "2025"]) >= 2
    expect(page.locator(".hub-changes")).to_contain_text("De 2023 à 2025")
    _audit(page, audited, "résultat après suppression")

    _check_the_result_on_a_phone(browser, page, detail_url)

    # Signing up keeps the visitor's diagnostic.
    page.locator('.hub-account a[href^="/compte/inscription/"]').click()
    _audit(page, audited, "inscription")
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator(".hub-form-page button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Consultez votre messagerie")
    _audit(page, audited, "inscription envoyée")
    page.goto(activation_path())
    _audit(page, audited, "activation du compte")
    page.locator(".hub-form-page button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/mon-modele/\d+/$"))  # back to the diagnostic the visitor was on
    expect(page.locator('[role="status"]').filter(has_text="rattaché")).to_be_visible()
    page.locator('.hub-nav a[href="/mon-espace/"]').click()
    _audit(page, audited, "mon espace")
    page.locator(".hub-diagnostic-list a", has_text=NAME).click()
    assert page.url == detail_url
    expect(page.locator(".hub-snapshots__year")).to_have_text(["2023", "2025"])
    expect(page.locator("svg.hub-ternary__svg").first.locator("text[data-year-label]")).to_have_text(["2023", "2025"])

    failures = {name: found for name, found in audited.items() if found}
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)
    assert page.console_errors == []


def _check_the_result_on_a_phone(browser, page, detail_url):
    """The same visitor (same cookies) on a 375 px phone, under the real CSP: no ternary text under 12 px."""
    context = browser.new_context(base_url=page.url.split("/mon-modele/")[0], locale="fr-FR",
                                  viewport={"width": 375, "height": 812})
    try:
        context.add_cookies(page.context.cookies())
        phone = context.new_page()
        phone.set_default_timeout(10_000)
        errors = []
        phone.on("console", lambda message: message.type == "error" and errors.append(message.text))
        phone.goto(detail_url)
        expect(phone.locator("h1")).to_have_text(NAME)
        sizes = phone.evaluate(_RENDERED_SIZES)
        assert len({size["chart"] for size in sizes}) >= 2
        assert any(size["cls"] and "hub-ternary__label" in size["cls"] for size in sizes)
        small = [size for size in sizes if size["px"] < 12 or size["height"] < 12]
        assert small == [], small
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        assert errors == []
    finally:
        context.close()


YEAR_WITH_ERRORS = {"#id_year": "1850", "#id_salaried_fte": "-2", "#id_subsidies_state": "beaucoup"}


def test_axe_finds_no_violation_on_the_diagnostic_form_with_errors_the_target_and_the_printable_report(
    audit_page, shipped_site
):
    page, audited = audit_page, {}
    page.goto("/mon-modele/")
    page.get_by_role("button", name="Créer le diagnostic").click()
    expect(page.locator(".hub-field__errors")).to_be_visible()
    audited["création avec erreurs"] = axe_violations(page)
    page.fill("#id_name", "Compagnie du Vent")
    page.get_by_role("button", name="Créer le diagnostic").click()
    for selector, value in YEAR_WITH_ERRORS.items():
        page.fill(selector, value)
    _answer(page, {"level_salaried": "2"})
    page.get_by_role("button", name="Enregistrer et voir le résultat").click()
    expect(page.locator(".hub-field__errors")).to_have_count(3)
    expect(page.locator('input[name="level_salaried"][value="2"]')).to_be_checked()  # nothing typed is lost
    audited["année avec erreurs"] = axe_violations(page)
    _fill_figures(page, 2024, {**FIGURES[2023], "#id_salaried_fte": "2,5", "#id_subsidies_state": "40 000"})
    _answer(page, ANSWERS_2023)
    _save(page)
    page.get_by_role("link", name="Fixer une cible").click()
    expect(page.locator("h1")).to_have_text("Fixer une cible")
    assert _checked(page) == ANSWERS_2023  # the target starts from the latest year's answers too
    _fill_figures(page, 2028, FIGURES[2025])
    _answer(page, {"level_alliances_means": "3", "level_alliances_production": "3"})
    _save(page)
    for chart in ("Trépied", "Hybridation"):
        full = page.locator("svg.hub-ternary__svg:not(.hub-ternary__svg--zoom)").filter(
            has=page.locator("title", has_text=chart)
        )
        expect(full.locator("polygon.hub-ternary__target")).to_have_count(1)
        expect(full.locator("text[data-year-label]")).to_have_text(["2024", "Cible 2028"])
    audited["résultat avec cible"] = axe_violations(page)
    page.get_by_role("link", name="Version imprimable").click()
    audited["rapport"] = axe_violations(page)
    failures = {name: found for name, found in audited.items() if found}
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)


LEAVING = """() => {
    const event = new Event("beforeunload", {cancelable: true});
    window.dispatchEvent(event);
    return event.defaultPrevented;
}"""


def test_leaving_the_year_form_with_typed_figures_asks_first(page):
    """Nothing typed is lost by a stray click: once a figure is typed, leaving the page asks first (the
    browser's own « leave this page? »); saving does not ask."""
    page.goto("/mon-modele/")
    page.fill("#id_name", "La Fabrique des possibles")
    page.get_by_role("button", name="Créer le diagnostic").click()
    expect(page).to_have_url(re.compile(r"/annees/ajouter/$"))
    page.wait_for_load_state("load")  # the deferred script has run and listens
    assert page.evaluate(LEAVING) is False  # nothing typed yet: leave freely
    page.fill("#id_subsidies_local", "12 000")
    assert page.evaluate(LEAVING) is True
    page.locator("#id_level_volunteers_3").check()
    page.fill("#id_year", "2025")
    page.get_by_role("button", name="Enregistrer et voir le résultat").click()
    expect(page.locator('[role="status"]')).to_contain_text("Chiffres 2025 enregistrés")
    assert page.evaluate(LEAVING) is False  # the result page has nothing unsaved
    assert page.console_errors == []
