"""Every page of sitemap.xml and every state a sitemap cannot reach, audited by axe-core (WCAG 2.1 A, AA).

The sweep takes about three minutes on CI's two cores: it runs on PostgreSQL (the production database, as in CI); the
journeys of the other browser files run on both databases.
"""

import json
import re
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlparse, urlsplit
from urllib.request import urlopen

import pytest
from django.db import connection  # noqa: F401 (read by the skipif condition)
from playwright.sync_api import expect

from diagnostic.models import Organisation, Snapshot
from accounts.models import Profile
from accounts.services import confirmation_link
from parcours.models import Status, Step
from parcours.services import fiche_set_saved, progress_set_note, progress_set_status
from resources.models import Fiche
from resources.vocabularies import VOCABULARIES
from tests.browser.a11y import SWEPT_PAGES, axe_violations
from tests.browser.keyboard import tab_to


EMAIL, PASSWORD = "sweep@example.org", "un-balayage-complet-2026"
DESKTOP = {"width": 1280, "height": 720}  # Playwright's default viewport, where the audits run
FORM_ERRORS = {
    "/compte/inscription/": {"#id_email": "pas-une-adresse", "#id_password1": "123", "#id_password2": "456"},
    "/compte/connexion/": {"#id_username": "personne@example.org", "#id_password": "faux"},
    "/compte/mot-de-passe-oublie/": {"#id_email": "pas-une-adresse"},
    "/mon-modele/": {"#id_name": " "},
    "/lettre/abonnement/": {"#id_email": "pas-une-adresse"},
}


def _sitemap_paths(base_url):
    with urlopen(f"{base_url}/sitemap.xml") as response:  # noqa: S310 (the live test server, plain http)
        tree = ElementTree.fromstring(response.read())
    locations = [node.text for node in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    paths = [urlparse(location).path for location in locations]
    # The glossary's term pages share one template whose only variable part is a short definition, rendered by the
    # same sanitised Markdown as the fiches: one term in six is audited. The pages of a vocabulary value (a
    # region, a domain, a tool…) share one template too, whose variable parts are a sanitised description and the
    # fiche cards every list uses: one in four of each vocabulary (its index, the fiches and every other page, all).
    # The fiche pages share one template too, their bodies the same sanitised Markdown: one in three (the sitemap
    # lists them by address, families mixed: 16 of the 47 shipped, each family among them). The shares are set by
    # CI's fifteen minutes on two cores.
    sampled = {}
    for prefix, every in [("glossaire", 6), ("fiches", 3), *((kind.prefix, 4) for kind in VOCABULARIES if kind.prefix)]:
        values = [path for path in paths if path.startswith(f"/{prefix}/") and path != f"/{prefix}/"]
        sampled.update({path: values.index(path) % every == 0 for path in values})
    return [path for path in paths if sampled.get(path, True)]


def _submit_with_errors(page, path, fields, submit="main form button[type=submit]"):
    page.goto(path)
    for selector, value in fields.items():
        page.fill(selector, value)
    page.locator(submit).last.click()
    expect(page.locator(".hub-field__errors, .hub-alert--error, .errornote").first).to_be_visible()


def _log_in(page):
    page.goto("/compte/connexion/")
    page.fill("#id_username", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))


def _levels(salaried, volunteers, service_civique, interns, skills, subsidies, societal, activity, positioning,
            production, means):
    """The questionnaire's 11 answers (0 Absent to 3 Stratégique, None unanswered), in the référentiel's order."""
    return dict(zip(
        ["level_salaried", "level_volunteers", "level_service_civique", "level_interns", "level_skills_sponsorship",
         "level_subsidies", "level_societal_investment", "level_activity_revenue", "level_alliances_positioning",
         "level_alliances_production", "level_alliances_means"],
        [salaried, volunteers, service_civique, interns, skills, subsidies, societal, activity, positioning,
         production, means],
        strict=True,
    ))


def _person_with_everything(django_user_model):
    """Returns the organisation with two real years and a target, every questionnaire answered so both ternary
    plots, their zoomed views and the recommendations render; and one with a half-answered questionnaire."""
    user = django_user_model.objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)
    Profile.objects.create(user=user, display_name="Camille Martin")
    for step in Step.objects.filter(parcours__slug="qualifier-son-modele", depth="decouverte"):
        progress_set_status(user=user, step=step, status=Status.DONE)
        progress_set_note(user=user, step=step, note="Nos bénévoles portent l’essentiel des actions.")
    fiche_set_saved(user=user, fiche=Fiche.objects.published().first(), saved=True)
    organisation = Organisation.objects.create(user=user, name="Les Jardins partagés")
    Snapshot.objects.create(
        organisation=organisation,
        year=2024,
        salaried_fte=2,
        volunteer_hours=3000,
        subsidies_state=60000,
        revenue_sales=15000,
        partnerships_means=2,
        in_kind_premises=6000,
        **_levels(2, 3, 1, 0, 1, 3, 1, 2, 2, 1, 0),
    )
    Snapshot.objects.create(
        organisation=organisation,
        year=2025,
        salaried_fte=3,
        volunteer_hours=4000,
        subsidies_state=50000,
        gifts_companies=20000,
        revenue_sales=25000,
        partnerships_means=4,
        **_levels(2, 3, 1, 1, 1, 3, 2, 2, 3, 1, 0),
    )
    Snapshot.objects.create(
        organisation=organisation,
        year=2028,
        is_target=True,
        salaried_fte=3,
        volunteer_hours=5000,
        subsidies_state=40000,
        revenue_sales=40000,
        partnerships_means=6,
        **_levels(3, 3, 2, 1, 2, 3, 2, 3, 3, 2, 2),
    )
    unfinished = Organisation.objects.create(user=user, name="Atelier vélo solidaire")
    Snapshot.objects.create(organisation=unfinished, year=2025, subsidies_local=12000, revenue_sales=8500,
                            **_levels(2, 3, None, None, None, 1, 0, 2, None, None, None))
    return organisation, unfinished


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_every_page_and_state_has_no_wcag_violation_and_reflows_at_320_pixels(
    audit_page, shipped_site, django_user_model
):
    page = audit_page
    paths = _sitemap_paths(shipped_site.url)
    assert len(paths) > 100  # 108 with the shares above and the shipped content: the sitemap did not shrink
    # The pages test_journey.py leaves to the sweep on PostgreSQL, audited here whether the sitemap lists them or
    # not (a vocabulary's index page, such as /portes-d-entree/, is not in it).
    paths += [path for path in SWEPT_PAGES if path not in paths]
    states = [
        "/fiches/?famille=action&levier=financement&region=bretagne",
        "/fiches/?q=b%C3%A9n%C3%A9voles&tri=pertinence",
        "/recherche/?q=alliances",
        "/recherche/?q=benevolat",
        "/recherche/?q=zzzzqqq",
        "/recherche/?q=partenarait",
        "/fiches/?page=99",
        "/mon-espace/",
        "/par-ou-commencer/?profil=association&objectif=diversifier&maturite=j-ai-commence&temps=2-h",
        "/par-ou-commencer/?profil=financeur&objectif=gouvernance&maturite=je-pilote&temps=30-min",
        "/compte/inscription/envoyee/",
        "/compte/inscription/confirmation/MQ/lien-perime/",
        "/admin/login/",
        "/une-page-qui-n-existe-pas/",
    ]
    audited, too_wide, reflowed = {}, [], []

    def audit(name):
        audited[name] = axe_violations(page)

    def check_reflow(path):
        """The page already shown, narrowed to 320 px as a zoom of 400 % narrows it (WCAG 1.4.10), then widened
        back for the next audit: a resize costs half a navigation, and gives the widths loading at 320 px gives."""
        page.set_viewport_size({"width": 320, "height": 640})
        width = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size(DESKTOP)
        reflowed.append(path)
        if width > 320:
            too_wide.append((path, width))

    reflowing = set(paths + states[:7])
    for path in paths + states:
        page.goto(path)
        audit(path)
        if path in reflowing:
            check_reflow(path)
    for path, fields in FORM_ERRORS.items():
        _submit_with_errors(page, path, fields)
        audit(f"{path} (erreurs)")

    organisation, unfinished = _person_with_everything(django_user_model)
    year = organisation.snapshots.filter(is_target=False).first()
    target = organisation.snapshots.get(is_target=True)
    _log_in(page)
    member_pages = [
        "/mon-espace/",
        "/compte/",
        "/compte/suppression/",
        "/compte/mot-de-passe/",
        "/parcours/qualifier-son-modele/",
        "/parcours/qualifier-son-modele/les-trois-leviers/",
        "/parcours/qualifier-son-modele/attestation/decouverte/",
        f"/mon-modele/{organisation.pk}/",
        f"/mon-modele/{organisation.pk}/rapport/",
        f"/mon-modele/{organisation.pk}/modifier/",
        f"/mon-modele/{organisation.pk}/annees/ajouter/",
        f"/mon-modele/{organisation.pk}/annees/{target.pk}/",
        f"/mon-modele/{organisation.pk}/annees/{year.pk}/supprimer/",
        f"/mon-modele/{organisation.pk}/annees/{target.pk}/supprimer/",
        f"/mon-modele/{organisation.pk}/supprimer/",
        f"/mon-modele/{unfinished.pk}/",
    ]
    for path in member_pages:
        page.goto(path)
        audit(f"{path} (connecté)")
        check_reflow(f"{path} (connecté)")
    # What the diagnostic pages above showed: both plots (the sweep audits them only if they render), the
    # recommendations, and the invitation to finish a half-answered questionnaire.
    page.goto(f"/mon-modele/{organisation.pk}/")
    expect(page.locator("svg.hub-ternary__svg:not(.hub-ternary__svg--zoom)")).to_have_count(2)
    expect(page.locator("svg.hub-ternary__svg polygon.hub-ternary__target")).not_to_have_count(0)
    expect(page.locator(".hub-recommendation").first).to_be_visible()
    page.goto(f"/mon-modele/{unfinished.pk}/")
    expect(page.locator(".hub-invite")).to_contain_text("Questionnaire 2025 incomplet")
    _submit_with_errors(
        page,
        f"/mon-modele/{organisation.pk}/annees/ajouter/",
        {"#id_year": "1850", "#id_salaried_fte": "-2", "#id_subsidies_state": "beaucoup"},
    )
    audit("année avec erreurs")
    _submit_with_errors(
        page, "/compte/mot-de-passe/", {"#id_old_password": "faux", "#id_new_password1": "1", "#id_new_password2": "2"}
    )
    audit("mot de passe avec erreurs")
    _submit_with_errors(page, f"/mon-modele/{organisation.pk}/modifier/", {"#id_name": " "})
    audit("organisation avec erreur")
    page.goto(f"/mon-modele/{organisation.pk}/annees/{year.pk}/")
    audit("modification d’une année")
    _submit_with_errors(page, f"/mon-modele/{organisation.pk}/annees/{year.pk}/", {"#id_subsidies_state": "12.500"})
    audit("modification d’une année avec erreur")
    _submit_with_errors(page, "/compte/suppression/", {"#id_password": "pas-le-bon"})
    audit("suppression du compte avec erreur")
    page.goto("/compte/reinitialisation/MQ/lien-perime/")
    audit("lien de réinitialisation périmé")
    page.context.clear_cookies()  # a visitor again
    # A sign-up's link opened in another browser than the one that signed up: the password is asked.
    pending = django_user_model.objects.create_user(username="attente@example.org", email="attente@example.org",
                                                    password=PASSWORD, is_active=False)
    activation = urlsplit(confirmation_link(pending, "/mon-espace/", "un-autre-navigateur"))
    page.goto(f"{activation.path}?{activation.query}")
    audit("activation du compte dans un autre navigateur")
    _submit_with_errors(page, f"{activation.path}?{activation.query}", {"#id_password": "faux"})
    audit("activation du compte avec erreur")
    _submit_with_errors(
        page, "/admin/login/", {"#id_username": "personne", "#id_password": "faux"}, submit="#login-form [type=submit]"
    )
    audit("connexion à l’administration avec erreur")
    for _ in range(6):  # the sixth attempt meets the lock
        _submit_with_errors(page, "/compte/connexion/", {"#id_username": "bloque@example.org", "#id_password": "faux"})
    audit("connexion bloquée (trop de tentatives)")

    failures = {name: found for name, found in audited.items() if found}
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)
    assert too_wide == [], too_wide
    print(
        f"\naxe-core: {len(audited)} pages et états audités, 0 violation ; "
        f"reflow 320 px : {len(reflowed)} pages"
    )


FOCUS_PAGES = [
    "/",
    "/fiches/",
    "/fiches/equilibrer-son-modele-socio-economique/",
    "/parcours/qualifier-son-modele/",
    "/parcours/qualifier-son-modele/les-trois-leviers/",
    "/mon-modele/",
    "/compte/inscription/",
    "/recherche/?q=alliances",
]

_FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const visible = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none";
  const text = el.innerText || el.value || el.getAttribute("aria-label") || el.id || "";
  return {visible, tag: el.tagName, text: text.slice(0, 40)};
}"""


def test_focus_is_visible_on_every_interactive_element(page):
    hidden = []
    for path in FOCUS_PAGES:
        page.goto(path)
        seen = 0
        for _ in range(400):
            page.keyboard.press("Tab")
            state = page.evaluate(_FOCUS_STATE)
            if state is None:
                break
            seen += 1
            if not state["visible"]:
                hidden.append((path, state))
        assert seen > 3, path
    assert hidden == []


def test_skip_link_moves_focus_to_the_main_content(page):
    page.goto("/parcours/qualifier-son-modele/les-trois-leviers/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Aller au contenu")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_keyboard_only_diagnostic_from_the_menu_to_the_result(page):
    page.goto("/")
    expect(tab_to(page, '.hub-nav a[href="/mon-modele/"]')).to_have_text("Mon diagnostic")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#id_name")
    page.keyboard.type("Atelier vélo solidaire")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for selector, value in {
        "#id_year": "2025",
        "#id_volunteer_hours": "1 500",
        "#id_subsidies_local": "12 000",
        "#id_revenue_sales": "8 500,50",
        "#id_partnerships_means": "2",
    }.items():
        tab_to(page, selector)
        page.keyboard.type(value)
    # Each radio group is one Tab stop, on its checked option (« Pas encore répondu » for a first year); the
    # arrow keys walk the options in order: « Absent » is one press away, « Stratégique » four.
    answers = {"level_salaried": 1, "level_volunteers": 3, "level_service_civique": 0, "level_interns": 0,
               "level_skills_sponsorship": 0, "level_subsidies": 2, "level_societal_investment": 0,
               "level_activity_revenue": 2, "level_alliances_positioning": 1, "level_alliances_production": 0,
               "level_alliances_means": 0}
    for name, level in answers.items():
        tab_to(page, f'input[name="{name}"]:checked')
        for _ in range(level + 1):
            page.keyboard.press("ArrowDown")
        expect(page.locator(f'input[name="{name}"][value="{level}"]')).to_be_checked()
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("svg.hub-ternary__svg:not(.hub-ternary__svg--zoom)")).to_have_count(2)
    expect(page.locator("svg.hub-ternary__svg circle").first).to_be_visible()
    expect(page.locator(".hub-recommendations h3").first).to_be_visible()
    # 12 000 € of 20 500,50 € are public: 58,5 %, so the public-funding rule fires.
    expect(page.locator(".hub-recommendations h3", has_text="Financement public majoritaire")).to_have_count(1)
    assert page.console_errors == []
