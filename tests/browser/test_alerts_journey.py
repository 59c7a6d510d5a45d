"""Following a filtered search by e-mail: from the fiche list to the form, the confirmation e-mail, the « Confirmer »
button; a matching fiche published in the admin arrives in the next send; its management link stops the alert.
axe-core on each page of the alert (rendezvous.alerts)."""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from rendezvous.alerts import alerts_due
from rendezvous.models import SearchAlert
from rendezvous.outbox import outbox_send
from resources.models import Fiche
from tests.browser.a11y import axe_violations
from tests.browser.mailbox import sent_message
from tests.factories import make_fiche

EMAIL = "camille@example.org"
LINK = re.compile(r"https?://[^/\s]+(/alertes/(?:confirmer|gerer)/[^/\s]+/)")


def test_a_visitor_follows_a_filtered_search_confirms_and_receives_a_fiche_published_in_the_admin(
    audit_page, browser, shipped_site
):
    page = audit_page
    page.goto("/fiches/")
    page.locator("#f-famille-repere").check()  # the results refresh (catalogue.js), the head's feed link follows
    expect(page).to_have_url(re.compile(r"/fiches/\?famille=repere$"))
    expect(page.locator('link[rel="alternate"][type="application/atom+xml"]')).to_have_attribute(
        "href", "/fiches/flux.atom?famille=repere")
    with page.expect_navigation():
        page.get_by_role("link", name="Recevoir les nouveautés par e-mail").click()
    expect(page.locator("h1")).to_have_text("Recevoir les nouveautés par e-mail")
    expect(page.locator(".hub-suivi__summary")).to_contain_text("Fiches Repères")
    assert axe_violations(page) == []
    page.locator("main form button[type=submit]").click()  # nothing filled in: the errors, then the form again
    expect(page.locator(".hub-alert--error")).to_be_visible()
    assert axe_violations(page) == []

    page.fill("#id_email", EMAIL)
    page.get_by_label("Quotidienne").check()
    page.locator("#id_consent").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Confirmez votre alerte dans votre messagerie")
    assert axe_violations(page) == []

    page.goto(LINK.search(sent_message(1).body).group(1))
    expect(page.locator(".hub-suivi__facts")).to_contain_text(EMAIL)
    assert axe_violations(page) == []
    assert SearchAlert.objects.get().confirmed_at is None
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer").click()
    expect(page.locator('.hub-alert[role="status"]')).to_contain_text("Votre alerte est confirmée")
    expect(page.locator("h1")).to_have_text("Gérer votre alerte")
    assert axe_violations(page) == []

    # The editorial team publishes a Repère and an Action in the admin.
    get_user_model().objects.create_superuser("redaction", "redaction@example.org", "une-redaction-2026")
    drafts = [make_fiche(title=title, family=family, status=Fiche.Status.DRAFT, published_at=None)
              for title, family in [("Repère tout neuf", "repere"), ("Action toute neuve", "action")]]
    staff = browser.new_context(base_url=shipped_site.url, locale="fr-FR").new_page()
    staff.goto("/admin/login/")
    staff.fill("#id_username", "redaction")
    staff.fill("#id_password", "une-redaction-2026")
    with staff.expect_navigation():
        staff.locator("#login-form [type=submit]").click()
    staff.goto("/admin/resources/fiche/?status__exact=draft")
    for fiche in drafts:
        staff.locator(f'input[name="_selected_action"][value="{fiche.pk}"]').check()
    staff.select_option('select[name="action"]', "publish")
    with staff.expect_navigation():
        staff.locator('button[name="index"]').click()
    expect(staff.locator(".messagelist")).to_contain_text("2 fiche(s) publiée(s)")
    staff.context.close()

    # The next send: tomorrow morning's run of the job.
    assert alerts_due(timezone.now() + timedelta(days=1)) == 1
    assert outbox_send() == (1, 0)
    news = sent_message(2)
    assert news.to == [EMAIL] and "Repère tout neuf" in news.body and "Action toute neuve" not in news.body
    assert "Repère tout neuf" in news.alternatives[0][0]

    page.goto(LINK.search(news.body).group(1))
    with page.expect_navigation():
        page.get_by_role("button", name="Arrêter et effacer l’alerte").click()
    expect(page.locator('.hub-alert[role="status"]')).to_contain_text("Alerte arrêtée")
    assert page.url.endswith("/fiches/?famille=repere")
    assert not SearchAlert.objects.exists()
    assert len(mail.outbox) == 2  # the confirmation link, then the news: nothing else
