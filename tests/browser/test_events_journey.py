"""A visitor registers for a webinar from the agenda, reads the confirmation in the test mailbox, opens its link and
cancels; axe-core audits every page on the way (the form with its errors too), each narrowed to 320 pixels."""

import re

from django.core import mail
from playwright.sync_api import expect

from rendezvous.models import Registration
from tests.browser.a11y import axe_violations
from tests.browser.mailbox import sent_message

EVENT = "/agenda/exemple-webinaire-hybrider-ses-ressources/"
LINK = re.compile(r"https?://[^/\s]+(/agenda/mon-inscription/[^/\s]+/)")


def test_a_visitor_registers_from_the_agenda_reads_the_confirmation_and_cancels_by_its_link(audit_page):
    page = audit_page
    audited, too_wide = {}, []

    def audit(name):
        audited[name] = axe_violations(page)
        page.set_viewport_size({"width": 320, "height": 640})
        width = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size({"width": 1280, "height": 720})
        if width > 320:
            too_wide.append((name, width))

    page.goto("/agenda/")
    expect(page.locator("h1")).to_have_text("Agenda")
    audit("agenda")
    page.goto("/agenda/?type=webinaire&levier=inconnu")
    audit("agenda, filtre inconnu")
    page.goto("/agenda/?type=webinaire")
    page.locator(f'main a[href="{EVENT}"]').click()
    expect(page.locator("h1")).to_have_text("Hybrider ses ressources\u00a0: par où commencer\u202f?")
    expect(page.locator(".hub-badge--example").first).to_have_text("Exemple")
    audit("rendez-vous")

    page.fill("#id_name", "Camille Dupont")
    page.fill("#id_email", "pas-une-adresse")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".hub-alert--error")).to_be_visible()
    expect(page.locator("#erreurs")).to_be_focused()  # the summary, not the fragment's heading, holds the focus
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") < 720  # and is in view
    expect(page.locator("#erreurs a", has_text="Accord")).to_have_attribute("href", "#id_consent")
    audit("inscription avec erreurs")
    page.fill("#id_email", "camille@example.org")
    page.check("#id_consent")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Vérifiez votre boîte aux lettres")
    audit("inscription envoyée")

    message = sent_message(1)
    assert message.to == ["camille@example.org"]
    assert message.subject == "Inscription confirmée\u00a0: [Exemple] Hybrider ses ressources\u00a0: par où commencer\u202f?"
    assert message.attachments[0][0] == "exemple-webinaire-hybrider-ses-ressources.ics"
    path = LINK.search(message.body).group(1)
    page.goto(path)
    expect(page.locator(".hub-alert")).to_contain_text("Votre place est confirmée.")
    expect(page.locator("main")).to_contain_text("https://visio.example.org/exemple-hybrider-ses-ressources")
    audit("mon inscription")

    page.get_by_role("link", name="Annuler mon inscription").click()
    expect(page.locator("h1")).to_have_text("Annuler votre inscription\u202f?")
    audit("annulation")
    page.get_by_role("button", name="Oui, annuler mon inscription").click()
    expect(page).to_have_url(re.compile(f"{EVENT}$"))
    expect(page.locator("[role=status]").first).to_contain_text("est annulée")
    audit("rendez-vous après l’annulation")
    page.goto(path)
    expect(page.locator("h1")).to_have_text("Ce lien n’est plus valable")
    audit("lien d’une inscription annulée")

    registration = Registration.objects.get()
    assert (registration.status, registration.email, registration.name) == ("annulee", "", "")
    assert len(mail.outbox) == 1  # the confirmation; cancelling sends nothing (the page says it)
    failures = {name: found for name, found in audited.items() if found}
    assert failures == {}, failures
    assert too_wide == [], too_wide
