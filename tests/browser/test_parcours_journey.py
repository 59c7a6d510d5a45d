"""A visitor follows the 7-step parcours, signs up without losing anything, and resumes later."""

import json
import re

import pytest
from playwright.sync_api import expect

from parcours.models import Status, Step
from parcours.services import progress_set_note, progress_set_status
from tests.browser.a11y import axe_violations
from tests.browser.keyboard import tab_to
from tests.browser.mailbox import activation_path

PARCOURS = "/parcours/qualifier-son-modele/"
EMAIL, PASSWORD = "camille@example.org", "un-parcours-bien-suivi-2026"
NOTE = "Nos bénévoles portent l’essentiel des actions ; à chiffrer en heures."


class Person:
    """Acts with the mouse, or with the keyboard only (Tab to reach, Enter to activate, typing to fill)."""

    def __init__(self, page, keyboard):
        self.page, self.keyboard = page, keyboard

    def activate(self, css):
        """Every activation in this journey loads a page: wait for it before the next key press."""
        if self.keyboard:
            tab_to(self.page, css)
            with self.page.expect_navigation():
                self.page.keyboard.press("Enter")
        else:
            self.page.locator(css).first.click()

    def fill(self, css, value):
        if self.keyboard:
            tab_to(self.page, css)
            self.page.keyboard.type(value)
        else:
            self.page.locator(css).fill(value)


def _step_url(slug_part):
    return re.compile(rf"{PARCOURS}[a-z-]*{slug_part}[a-z-]*/$")


@pytest.mark.parametrize("keyboard", [False, True], ids=["souris", "clavier"])
def test_visitor_follows_two_steps_signs_up_and_resumes_at_the_third(page, keyboard):
    person = Person(page, keyboard)
    page.goto(PARCOURS)
    person.activate('.hub-depths a[href="?niveau=decouverte"]')
    expect(page).to_have_url(re.compile(r"\?niveau=decouverte$"))
    expect(page.locator(".hub-progress__label").first).to_contain_text("0 sur 4 étapes")
    person.activate('form[action$="/commencer/"] button')
    expect(page).to_have_url(_step_url("comprendre"))
    expect(page.locator("h1")).to_have_text("Comprendre ce qu’est un modèle socio-économique")

    person.activate('button[name="statut"][value="terminee"]')
    expect(page).to_have_url(_step_url("leviers"))
    expect(page.locator('.hub-alert[role="status"]')).to_contain_text("terminée")
    person.fill("#id_note", NOTE)
    person.activate(".hub-notes button[type=submit]")
    expect(page.locator('.hub-alert[role="status"]')).to_contain_text("Vos notes sont enregistrées")
    expect(page.locator("#id_note")).to_have_value(NOTE)
    person.activate('button[name="statut"][value="terminee"]')
    expect(page).to_have_url(_step_url("diversite"))

    person.activate('.hub-account a[href^="/compte/inscription/"]')
    person.fill("#id_email", EMAIL)
    person.fill("#id_password1", PASSWORD)
    person.fill("#id_password2", PASSWORD)
    person.activate(".hub-form-page button[type=submit]")
    expect(page.locator("h1")).to_have_text("Consultez votre messagerie")
    page.goto(activation_path())  # the link of the e-mail, in the browser that signed up: no password asked
    expect(page.locator("h1")).to_have_text("Activer mon compte")
    person.activate(".hub-form-page button[type=submit]")
    expect(page).to_have_url(_step_url("diversite"))  # back where the person was
    expect(page.locator('.hub-alert[role="status"]').filter(has_text="ajoutée à votre compte")).to_be_visible()
    person.activate('.hub-nav a[href="/mon-espace/"]')
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    expect(page.locator(".hub-parcours-card .hub-progress__label")).to_contain_text("2 sur 4 étapes (50")
    expect(page.locator(".hub-note")).to_contain_text("à chiffrer en heures")

    person.activate(".hub-account button")
    expect(page.locator('.hub-alert[role="status"]')).to_contain_text("déconnecté")
    person.activate('.hub-nav a[href="/mon-espace/"]')
    person.activate('.hub-account a[href^="/compte/connexion/"]')
    person.fill("#id_username", EMAIL.upper())
    person.fill("#id_password", PASSWORD)
    person.activate(".hub-form-page button[type=submit]")
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))  # back where the person was
    person.activate(f'.hub-parcours-card a.hub-button[href^="{PARCOURS}"]')
    expect(page).to_have_url(_step_url("diversite"))
    expect(page.locator('.hub-stepper__step[aria-current="step"]')).to_contain_text("diversité")
    expect(page.locator(".hub-stepper__step--terminee")).to_have_count(2)
    assert page.console_errors == []


def _log_in(page, email, password):
    page.goto("/compte/connexion/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.locator(".hub-form-page button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))


def test_axe_finds_no_violation_on_the_parcours_pages_forms_with_errors_dashboard_and_attestation(
    audit_page, django_user_model
):
    page = audit_page
    audited = {}
    for path in ["/parcours/", PARCOURS, f"{PARCOURS}les-trois-leviers/", "/mon-espace/", "/compte/connexion/"]:
        page.goto(path)
        audited[path] = axe_violations(page)

    page.goto("/compte/inscription/")
    page.fill("#id_email", "pas-une-adresse")
    page.fill("#id_password1", "123")
    page.fill("#id_password2", "456")
    page.locator(".hub-form-page button[type=submit]").click()
    expect(page.locator(".hub-field__errors").first).to_be_visible()
    audited["inscription avec erreurs"] = axe_violations(page)

    user = django_user_model.objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)
    for step in Step.objects.filter(parcours__slug="qualifier-son-modele", depth="decouverte"):
        progress_set_status(user=user, step=step, status=Status.DONE)
        progress_set_note(user=user, step=step, note=NOTE)
    _log_in(page, EMAIL, PASSWORD)
    page.goto("/fiches/equilibrer-son-modele-socio-economique/")
    page.locator(".hub-save button").click()
    for path in ["/mon-espace/", f"{PARCOURS}attestation/decouverte/", "/compte/", f"{PARCOURS}?niveau=fondamentaux"]:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        audited[path] = axe_violations(page)
    expect(page.locator("h1")).to_have_text("Qualifier son modèle socio-économique")
    page.goto(f"{PARCOURS}les-trois-leviers/")
    page.evaluate("document.querySelector('#id_note').removeAttribute('maxlength')")  # as an old browser would
    page.fill("#id_note", "x" * 5001)
    page.locator(".hub-notes button[type=submit]").click()
    expect(page.locator(".hub-field__errors")).to_contain_text("5000")
    audited["note trop longue"] = axe_violations(page)
    failures = {path: found for path, found in audited.items() if found}
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)


def test_a_note_typed_then_marquer_comme_terminee_is_kept(page):
    """The note box and the status buttons are one form: no « Enregistrer mes notes » click is needed."""
    page.goto(PARCOURS)
    page.locator('form[action$="/commencer/"] button').click()
    expect(page).to_have_url(_step_url("comprendre"))
    step_url = page.url
    page.fill("#id_note", NOTE)
    page.locator('button[name="statut"][value="terminee"]').click()
    expect(page).to_have_url(_step_url("leviers"))
    expect(page.locator('.hub-alert[role="status"]').first).to_contain_text("Vos notes sont enregistrées")
    page.goto(step_url)
    expect(page.locator("#id_note")).to_have_value(NOTE)
    expect(page.locator(".hub-step__status")).to_contain_text("Terminée")
