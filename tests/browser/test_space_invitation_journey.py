"""A responsable invites a person by e-mail; the person, without an account, opens the link on a phone, signs up,
activates the account and lands back on the invitation, joins the space; the responsable is told. Every page of the
journey is audited by axe-core, and none scrolls sideways at 375 px."""

import re

from django.contrib.auth import get_user_model

from accounts.models import Profile
from diagnostic.models import Membership
from tests.browser.a11y import axe_violations
from tests.browser.mailbox import activation_path, sent_message
from tests.factories import make_space

PHONE = {"width": 375, "height": 740}
LINK = re.compile(r"https?://[^/\s]+(/invitation/[^/\s]+/)")
PASSWORD = "des-legumes-et-des-liens-2026"


def _fits_the_phone(page):
    return page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_person_invited_by_e_mail_signs_up_from_the_link_and_joins_the_space(browser, audit_page, shipped_site):
    alice = get_user_model().objects.create_user(username="alice", email="alice@example.org", password=PASSWORD)
    Profile.objects.create(user=alice, display_name="Alice Martin")
    space = make_space(responsable=alice, name="Les Jardins partagés")
    page, audited = audit_page, {}

    page.goto("/compte/connexion/")
    page.fill("#id_username", "alice@example.org")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"/mon-modele/{space.pk}/membres/")
    audited["membres"] = axe_violations(page)
    page.get_by_label("Adresse e-mail de la personne").fill("dana@example.org")
    page.get_by_label("Lecteur·rice").check()
    page.get_by_role("button", name="Envoyer l’invitation").click()
    assert page.get_by_text("Invitation envoyée à dana@example.org.").is_visible()
    audited["membres avec invitation"] = axe_violations(page)
    link = LINK.search(sent_message(1).body).group(1)

    context = browser.new_context(base_url=shipped_site.url, locale="fr-FR", viewport=PHONE, bypass_csp=True)
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    phone.goto(link)
    assert phone.get_by_role("heading", level=1).inner_text() == "Rejoindre l’espace «\u202fLes Jardins partagés\u202f»"
    assert _fits_the_phone(phone)
    audited["invitation"] = axe_violations(phone)
    phone.get_by_role("link", name="Créer un compte").click()
    phone.fill("#id_email", "dana@example.org")
    phone.fill("#id_display_name", "Dana Dupont")
    phone.fill("#id_password1", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    phone.get_by_role("button", name="Créer mon compte").click()
    phone.goto(activation_path(2))
    phone.get_by_role("button", name="Activer mon compte").click()
    phone.wait_for_url(f"**{link}")
    phone.get_by_role("button", name="Rejoindre l’espace").click()
    phone.wait_for_url(f"**/mon-modele/{space.pk}/")
    assert phone.get_by_text("Bienvenue dans l’espace").is_visible()
    assert _fits_the_phone(phone)
    context.close()

    assert Membership.objects.get(user__email="dana@example.org").role == "lecteur"
    assert sent_message(3).to == ["alice@example.org"]
    page.goto(f"/mon-modele/{space.pk}/membres/")
    assert page.get_by_text("Dana Dupont", exact=True).is_visible()
    assert {name: found for name, found in audited.items() if found} == {}
