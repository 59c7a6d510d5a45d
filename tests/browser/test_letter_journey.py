"""« La lettre » in a browser: from the footer to the subscription form (an error first), the confirmation read from
the test mailbox, a letter sent by the job and read on the site, then unsubscribing from its link; axe-core on each
state, under the site's real Content-Security-Policy for the journey itself."""

import re
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from rendezvous.models import LetterSubscriber
from tests.browser.a11y import axe_violations
from tests.browser.mailbox import sent_message
from tests.factories import make_fiche
from tests.rendezvous.letter_helpers import make_letter

EMAIL = "camille@example.org"
CONFIRM = re.compile(r"https?://[^/\s]+(/lettre/confirmation/[^/\s]+/)")
UNSUBSCRIBE = re.compile(r"https?://[^/\s]+(/lettre/desabonnement/[^/\s]+/)")
WEB = re.compile(r"https?://[^/\s]+(/lettre/\d+/)")


def audited(audit_page, path):
    audit_page.goto(path)
    assert axe_violations(audit_page) == [], path


def test_a_visitor_subscribes_confirms_reads_a_letter_and_unsubscribes(page, audit_page):
    page.goto("/")
    with page.expect_navigation():
        page.locator("footer a", has_text="La lettre").click()
    expect(page.locator("h1")).to_have_text("La lettre du hub")

    page.fill("#id_email", EMAIL)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_consent_erreur")).to_contain_text("Cochez la case")
    expect(page.locator("#id_email")).to_have_value(EMAIL)  # nothing typed is lost
    assert axe_violations_of_state(audit_page) == []
    page.check("#id_consent")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Consultez votre messagerie")

    confirm = CONFIRM.search(sent_message(1).body).group(1)
    page.goto(confirm)
    expect(page.locator("main")).to_contain_text(EMAIL)
    audited(audit_page, confirm)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer mon abonnement").click()
    expect(page.locator("h1")).to_have_text("Abonnement confirmé")
    audited(audit_page, "/lettre/abonnement/confirme/")
    assert LetterSubscriber.objects.get().confirmed_at is not None

    # The editorial team publishes an issue; the job sends it.
    make_fiche(title="Fiche parue ce mois-ci", published_at=timezone.now())
    make_letter(title="La lettre de la démonstration", published_at=timezone.now())
    call_command("send_due", stdout=StringIO())
    letter = sent_message(2)
    assert letter.to == [EMAIL] and "Fiche parue ce mois-ci" in letter.body
    web = WEB.search(letter.body).group(1)
    page.goto(web)
    expect(page.locator("h1")).to_have_text("La lettre de la démonstration")
    expect(page.locator("main")).to_contain_text("Fiche parue ce mois-ci")
    audited(audit_page, web)
    audited(audit_page, "/lettre/")
    page.set_viewport_size({"width": 320, "height": 640})  # a small phone: the issue reflows, nothing scrolls sideways
    page.goto(web)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 720})

    unsubscribe = UNSUBSCRIBE.search(letter.body).group(1)
    page.goto(unsubscribe)
    audited(audit_page, unsubscribe)
    with page.expect_navigation():
        page.get_by_role("button", name="Me désabonner").click()
    expect(page.locator("main")).to_contain_text("Vous êtes désabonné·e")
    assert not LetterSubscriber.objects.exists()
    assert len(mail.outbox) == 2  # the confirmation link, then the letter
    # The form sent without consent was answered 400, which the browser reports; nothing else (no CSP refusal).
    assert [error for error in page.console_errors if "status of 400" not in error] == []


def axe_violations_of_state(audit_page):
    """The subscription form with an error, as the visitor just saw it."""
    audit_page.goto("/lettre/abonnement/")
    audit_page.fill("#id_email", "pas-une-adresse")
    audit_page.locator("main form button[type=submit]").click()
    expect(audit_page.locator(".hub-alert--error")).to_be_visible()
    return axe_violations(audit_page)
