"""The module de gouvernance with two browsers: Alice (1280 px) turns her diagnostic into a space and invites Bruno
as contributeur; Bruno (a 375 px phone) opens the e-mailed link, signs up through it, changes a figure and comments
on step 2; Alice sees both under Bruno's name, answers a board question, records a decision and prints the dossier.
axe-core audits every page on the way."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.models import Profile
from diagnostic.models import Answer, Comment, Decision, Membership, Snapshot
from tests.browser.a11y import axe_violations
from tests.browser.mailbox import activation_path, sent_message
from tests.factories import make_organisation

PHONE = {"width": 375, "height": 740}
DESK = {"width": 1280, "height": 900}
LINK = re.compile(r"https?://[^/\s]+(/invitation/[^/\s]+/)")
PASSWORD = "une-gouvernance-partagee-2026"
STEP_2 = "Faire l’état des lieux de son modèle socio-économique"


def _browser_page(browser, site, viewport):
    # axe-core is injected as an inline script: the CSP is bypassed for the audit only.
    context = browser.new_context(base_url=site.url, locale="fr-FR", viewport=viewport, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _audit(audited, name, page):
    audited[name] = axe_violations(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"], name


def test_two_people_work_on_a_space_and_bring_the_dossier_to_the_board(browser, shipped_site):
    alice = get_user_model().objects.create_user(username="alice", email="alice@example.org", password=PASSWORD)
    Profile.objects.create(user=alice, display_name="Alice Martin")
    organisation = make_organisation(user=alice, name="Les Jardins du Val", years=[
        (2024, {"subsidies_local": 80_000, "revenue_sales": 40_000, "gifts_individuals": 5_000}),
    ])
    audited = {}
    desk_context, desk = _browser_page(browser, shipped_site, DESK)
    desk.goto("/compte/connexion/")
    desk.fill("#id_username", "alice@example.org")
    desk.fill("#id_password", PASSWORD)
    desk.get_by_role("button", name="Se connecter").click()

    # Alice shares her diagnostic and invites Bruno as contributeur.
    desk.goto(f"/mon-modele/{organisation.pk}/")
    desk.get_by_role("link", name="Partager avec mon organisation").click()
    _audit(audited, "partager", desk)
    desk.get_by_role("button", name="Créer l’espace partagé").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Membres")
    desk.get_by_label("Adresse e-mail de la personne").fill("bruno@example.org")
    desk.get_by_label("Contributeur·rice").check()
    desk.get_by_role("button", name="Envoyer l’invitation").click()
    expect(desk.get_by_text("Invitation envoyée à bruno@example.org.")).to_be_visible()
    _audit(audited, "membres", desk)
    link = LINK.search(sent_message(1).body).group(1)

    # Bruno, on his phone, signs up through the link and joins.
    phone_context, phone = _browser_page(browser, shipped_site, PHONE)
    phone.goto(link)
    _audit(audited, "invitation", phone)
    phone.get_by_role("link", name="Créer un compte").click()
    phone.fill("#id_email", "bruno@example.org")
    phone.fill("#id_display_name", "Bruno Petit")
    phone.fill("#id_password1", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    phone.get_by_role("button", name="Créer mon compte").click()
    phone.goto(activation_path(2))
    phone.get_by_role("button", name="Activer mon compte").click()
    phone.wait_for_url(f"**{link}")
    phone.get_by_role("button", name="Rejoindre l’espace").click()
    phone.wait_for_url(f"**/mon-modele/{organisation.pk}/")
    assert Membership.objects.get(user__email="bruno@example.org").role == "contributeur"
    assert sent_message(3).to == ["alice@example.org"]  # Alice is told that Bruno joined
    _audit(audited, "diagnostic (contributeur)", phone)

    # He corrects the sales of 2024, then comments on step 2.
    phone.get_by_role("link", name="Modifier les chiffres 2024").click()
    phone.fill("#id_revenue_sales", "46 500")
    phone.get_by_role("button", name="Enregistrer et voir le résultat").click()
    phone.wait_for_url(f"**/mon-modele/{organisation.pk}/#resultats")
    assert Snapshot.objects.get(organisation=organisation).revenue_sales == 46_500
    phone.goto(f"/mon-modele/{organisation.pk}/demarche/")
    _audit(audited, "démarche", phone)
    phone.get_by_role("link", name=re.compile(f"Étape 2.*{STEP_2}")).click()
    phone.get_by_label("Votre commentaire").fill("Les ventes 2024 sont corrigées d’après le **grand livre**.")
    phone.get_by_role("button", name=re.compile("Publier le commentaire")).click()
    expect(phone.locator("#commentaires")).to_contain_text("Bruno Petit")
    _audit(audited, "étape 2 (contributeur)", phone)
    phone_context.close()

    # Alice sees both under Bruno's name.
    desk.goto(f"/mon-modele/{organisation.pk}/historique/")
    expect(desk.locator("main")).to_contain_text("Bruno Petit")
    expect(desk.locator("main")).to_contain_text("a modifié les chiffres de 2024")
    _audit(audited, "historique", desk)
    desk.goto(f"/mon-modele/{organisation.pk}/demarche/")
    desk.get_by_role("link", name=re.compile(f"Étape 2.*{STEP_2}")).click()
    expect(desk.locator("#commentaires")).to_contain_text("Bruno Petit")
    expect(desk.locator("#commentaires strong", has_text="grand livre")).to_be_visible()  # Markdown rendered

    # She answers the first question and records a decision.
    desk.get_by_label(re.compile("^Question 1")).fill("Un tiers au plus de nos ressources auprès d’un seul financeur.")
    desk.get_by_role("button", name="Enregistrer les réponses").click()
    expect(desk.get_by_text("Réponse mise à jour par Alice Martin")).to_be_visible()
    decision = desk.get_by_role("textbox", name="Décision (obligatoire)", exact=True)
    decision.fill("Valoriser le bénévolat dans l’annexe des comptes dès 2026.")
    desk.get_by_role("button", name="Noter la décision").click()
    expect(desk.locator("#decisions")).to_contain_text("Valoriser le bénévolat")
    _audit(audited, "étape 2 (responsable)", desk)
    assert Answer.objects.get().updated_by == alice
    assert Decision.objects.get().recorded_by == alice
    assert Comment.objects.get().author.email == "bruno@example.org"

    # The dossier, printed by the browser on A4.
    desk.goto(f"/mon-modele/{organisation.pk}/dossier/")
    _audit(audited, "dossier", desk)
    for text in ("Les Jardins du Val", "Un tiers au plus", "Valoriser le bénévolat", "Bruno Petit"):
        expect(desk.locator("main")).to_contain_text(text)
    desk.emulate_media(media="print")
    pages = _page_count(desk.pdf(format="A4"))
    assert 3 <= pages <= 20, pages
    desk_context.close()
    assert {name: found for name, found in audited.items() if found} == {}


def _page_count(pdf):
    """Chromium writes each page's dictionary in clear (« /Type /Page »); « /Pages » is their tree."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
