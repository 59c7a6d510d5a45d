"""Alerts on a search, the pages: ask for one, double opt-in, no enumeration, rate limit, manage and stop
(rendezvous.alerts, rendezvous.views.alerts). The job that sends the news: test_alerts_job.py."""

import re
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from rendezvous import alerts
from rendezvous.models import OutgoingMail, SearchAlert
from rendezvous.tokens import token_make
from resources.models import Fiche
from tests.factories import logged_client, make_alert, make_fiche, make_lever

pytestmark = pytest.mark.django_db

FOLLOWED = "/fiches/?levier=financement&q=b%C3%A9n%C3%A9voles&famille=action&tri=titre&page=2&utm_source=lettre"
NORMALISED = "/fiches/?q=b%C3%A9n%C3%A9voles&famille=action&levier=financement"
SUMMARY = "Fiches Actions, levier Financement, recherche «\u00a0bénévoles\u00a0»"
LINK = re.compile(r"http://testserver(/alertes/(?:confirmer|gerer)/[^/\s\"]+/)")


@pytest.fixture
def lever():
    return make_lever(slug="financement", label="Financement")


def new_alert_url(followed=FOLLOWED):
    return "/alertes/nouvelle/?suivre=" + quote(followed, safe="")


def ask(client, email="camille@example.org", followed=FOLLOWED, **fields):
    data = {"suivre": followed, "email": email, "frequency": "daily", "consent": "on", **fields}
    return client.post("/alertes/nouvelle/", data)


def link_in(message):
    """The path of the confirmation or management link of an e-mail, the same in its text and its HTML."""
    path = LINK.search(message.body).group(1)
    assert f"http://testserver{path}" in message.alternatives[0].content
    return path


def test_the_form_names_the_search_in_words_and_prefills_a_logged_in_persons_address(lever, visitor, learner_client):
    page = visitor.get(new_alert_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert SUMMARY in html and f'name="suivre" value="{NORMALISED.replace("&", "&amp;")}"' in html
    assert 'name="email"' in html and 'value="alice@example.org"' not in html
    assert 'value="alice@example.org"' in learner_client.get(new_alert_url()).content.decode()
    # Without a search: all the fiches (the page of the sitemap). A search of the site: its words.
    assert "Toutes les fiches" in visitor.get("/alertes/nouvelle/").content.decode()
    assert "http://testserver/alertes/nouvelle/</loc>" in visitor.get("/sitemap.xml").content.decode()
    found = visitor.get(new_alert_url("/recherche/?q=b%C3%A9n%C3%A9voles&x=1")).content.decode()
    assert "Recherche «\u00a0bénévoles\u00a0»" in found and 'value="/recherche/?q=b%C3%A9n%C3%A9voles"' in found


@pytest.mark.parametrize("followed", [
    "https://evil.example/fiches/", "//evil.example/fiches/", "javascript:alert(1)", "/parcours/", "/fiches/fiche-1/",
    "/fiches/?famille=inconnue", "/fiches/?levier=n-existe-pas", "/fiches/?q=-seulement", "/recherche/",
    "/recherche/?q=", "/recherche/?q=a&q=b", "/fiches/?q=" + "a" * 2000, "/fiches/?" + "&".join(["x=1"] * 1001), "",
])
def test_an_address_that_cannot_be_followed_gives_a_400_with_a_french_message(lever, visitor, followed):
    for response in (visitor.get(new_alert_url(followed)), ask(visitor, followed=followed)):
        assert response.status_code == 400
        assert "Recherche impossible à suivre" in response.content.decode()
    assert not SearchAlert.objects.exists() and not mail.outbox


def test_a_search_with_too_many_filters_to_keep_gives_a_400(visitor):
    for n in range(30):
        make_lever(slug=f"levier-au-nom-assez-long-{n}")
    followed = "/fiches/?" + "&".join(f"levier=levier-au-nom-assez-long-{n}" for n in range(30))
    response = visitor.get(new_alert_url(followed))
    assert response.status_code == 400 and "trop de filtres" in response.content.decode()


def test_asking_sends_one_confirmation_in_text_and_html_and_nothing_else_before_it_is_confirmed(lever, visitor):
    response = ask(visitor, email="Camille@Example.org")
    assert response.status_code == 302 and response["Location"] == "/alertes/nouvelle/envoyee/"
    assert "Confirmez votre alerte dans votre messagerie" in visitor.get(response["Location"]).content.decode()
    alert = SearchAlert.objects.get()
    assert (alert.email, alert.query, alert.frequency, alert.confirmed_at) == (
        "camille@example.org", NORMALISED, "daily", None)
    [message] = mail.outbox
    assert message.to == ["camille@example.org"]
    assert message.subject == f"Confirmez votre alerte\u00a0: {SUMMARY}"
    assert SUMMARY in message.body and "quotidienne" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<h1" in html and SUMMARY in html and "<" not in message.body
    assert link_in(message).startswith("/alertes/confirmer/")
    # A matching fiche published, the job run days later: nothing, the address was never confirmed.
    make_fiche(title="Accueillir des bénévoles", levers=[lever])
    assert alerts.alerts_due(timezone.now() + timedelta(days=3)) == 0
    assert len(mail.outbox) == 1


def test_the_confirmation_link_shows_a_button_and_only_the_button_confirms(lever, visitor):
    ask(visitor)
    path = link_in(mail.outbox[0])
    page = visitor.get(path)
    assert page.status_code == 200 and "<button" in page.content.decode() and SUMMARY in page.content.decode()
    assert visitor.head(path).status_code == 200
    assert SearchAlert.objects.get().confirmed_at is None  # mail scanners open links
    before = timezone.now()
    confirmed = visitor.post(path, follow=True)
    alert = SearchAlert.objects.get()
    assert alert.confirmed_at >= before and alert.checked_until == alert.confirmed_at
    assert confirmed.redirect_chain[0][0].startswith("/alertes/gerer/")
    assert "Votre alerte est confirmée" in confirmed.content.decode()
    # The link again: nothing changes, the page says so and leads to the management page.
    again = visitor.get(path).content.decode()
    assert "déjà confirmée" in again and "/alertes/gerer/" in again
    assert visitor.post(path).status_code == 302
    assert SearchAlert.objects.get().confirmed_at == alert.confirmed_at


def test_a_forged_or_dead_link_gives_a_404_and_a_genuine_old_one_a_410(lever, visitor, monkeypatch):
    ask(visitor)
    path = link_in(mail.outbox[0])
    alert = SearchAlert.objects.get()
    forged = [
        "/alertes/confirmer/pas-un-jeton/",
        path[:-3] + "xx/",
        f"/alertes/confirmer/{token_make(alerts.CONFIRM, alert.pk, '0' * 32)}/",  # another nonce
        f"/alertes/confirmer/{token_make(alerts.MANAGE, alert.pk, alert.nonce)}/",  # another purpose
        f"/alertes/confirmer/{token_make(alerts.CONFIRM, 'x', alert.nonce)}/",
        f"/alertes/gerer/{path.split('/')[3]}/",  # the confirmation link as a management link
    ]
    for url in forged:
        assert visitor.get(url).status_code == 404, url
        assert visitor.post(url).status_code == 404, url
    later = time.time() + 8 * 24 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    expired = visitor.get(path)
    assert expired.status_code == 410 and "a expiré" in expired.content.decode()
    assert visitor.post(path).status_code == 410
    assert SearchAlert.objects.get().confirmed_at is None
    monkeypatch.undo()
    alerts.alert_stop(alert=alert)
    assert visitor.get(path).status_code == 404


def test_the_same_page_for_a_new_address_and_for_one_already_following_the_search(lever, visitor):
    make_alert(email="deja@example.org", query=NORMALISED)
    new, known = ask(visitor, email="nouvelle@example.org"), ask(visitor, email="deja@example.org")
    assert (new.status_code, new["Location"]) == (known.status_code, known["Location"])
    assert visitor.get(new["Location"]).content == visitor.get(known["Location"]).content
    # The e-mails differ: a confirmation for the new one, the management link for the other.
    confirmation, reminder = mail.outbox
    assert link_in(confirmation).startswith("/alertes/confirmer/")
    assert reminder.subject.startswith("Votre alerte est déjà active") and link_in(reminder).startswith("/alertes/gerer/")
    assert SearchAlert.objects.get(email="deja@example.org").frequency == "weekly"  # unchanged by a stranger


def test_asking_again_before_confirming_sends_a_new_link_and_restarts_the_week(lever, visitor):
    ask(visitor)
    alert = SearchAlert.objects.get()
    SearchAlert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timedelta(days=6))
    ask(visitor, frequency="weekly")
    again = SearchAlert.objects.get()
    assert (again.pk, again.frequency, again.confirmed_at) == (alert.pk, "weekly", None)
    assert timezone.now() - again.created_at < timedelta(minutes=1)
    assert len(mail.outbox) == 2 and OutgoingMail.objects.count() == 2


def test_a_seventh_request_within_the_hour_gets_a_429_with_the_form_kept(lever, visitor):
    for n in range(6):
        assert ask(visitor, email="camille@example.org", frequency="weekly").status_code == 302, n
    refused = ask(visitor, email="camille@example.org", frequency="weekly")
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "Trop de demandes d’e-mail" in html
    assert 'value="camille@example.org"' in html
    assert re.search(r'value="weekly"[^>]*checked', html) and re.search(r'name="consent"[^>]*checked', html)
    assert len(mail.outbox) == 6


def test_an_incomplete_form_keeps_what_was_typed_and_refuses_header_injection(lever, visitor):
    refused = ask(visitor, consent="")
    assert refused.status_code == 400 and 'value="camille@example.org"' in refused.content.decode()
    assert "Cochez cette case" in refused.content.decode()
    for email in ["camille@example.org\r\nBcc: autre@example.org", "camille@example.org\nx", "pas-une-adresse"]:
        assert ask(visitor, email=email).status_code == 400
    assert ask(visitor, frequency="toutes-les-heures").status_code == 400
    assert not SearchAlert.objects.exists() and not mail.outbox


def _manage_path(visitor):
    ask(visitor)
    visitor.post(link_in(mail.outbox[0]))
    return visitor.post(link_in(mail.outbox[0]))["Location"]


def test_the_management_page_changes_the_frequency_and_stopping_deletes_the_row(lever, visitor):
    path = _manage_path(visitor)
    page = visitor.get(path).content.decode()
    assert SUMMARY in page and "camille@example.org" in page and "Quotidienne" in page
    assert visitor.post(path, {"frequency": "weekly", "action": "frequence"}).status_code == 302
    assert SearchAlert.objects.get().frequency == "weekly"
    bad = visitor.post(path, {"frequency": "chaque-minute", "action": "frequence"})
    assert bad.status_code == 400 and SearchAlert.objects.get().frequency == "weekly"
    stopped = visitor.post(path, {"action": "arreter"}, follow=True)
    assert stopped.redirect_chain == [(NORMALISED, 302)]
    assert "Alerte arrêtée" in stopped.content.decode()
    assert not SearchAlert.objects.exists()
    assert not SearchAlert.objects.filter(email="camille@example.org").exists()
    assert visitor.get(path).status_code == 404


def test_a_management_page_without_the_right_token_is_a_404_and_changes_nothing(lever, visitor, other_learner):
    path = _manage_path(visitor)
    alert = SearchAlert.objects.get()
    other = make_alert(email="bob@example.org", query="/fiches/")
    theirs = f"/alertes/gerer/{alerts.alert_token(alerts.MANAGE, other)}/"
    assert visitor.get(theirs).status_code == 200  # the other alert's own link works for it
    outsider_paths = [
        f"/alertes/gerer/{token_make(alerts.MANAGE, alert.pk, other.nonce)}/",  # their nonce with this id
        f"/alertes/gerer/{alerts.alert_token(alerts.CONFIRM, alert)}/",  # another purpose
        path[:-4] + "abc/",
        "/alertes/gerer/abc/",
    ]
    for client in (visitor, logged_client(other_learner)):
        for url in outsider_paths:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"action": "arreter"}).status_code == 404, url
            assert client.post(url, {"frequency": "weekly", "action": "frequence"}).status_code == 404, url
    assert SearchAlert.objects.get(pk=alert.pk).frequency == "daily"


def test_a_search_whose_filter_no_longer_exists_still_shows_its_management_page(lever, visitor):
    path = _manage_path(visitor)
    Fiche.objects.all().delete()
    lever.delete()
    page = visitor.get(path)
    assert page.status_code == 200 and "La recherche «\u00a0/fiches/?q=" in page.content.decode()


def test_alert_emails_carry_a_one_click_stop_that_mail_programs_post(lever, visitor):
    path = _manage_path(visitor)
    make_alert(email="camille@example.org", query="/fiches/")  # asked again: the « already active » e-mail
    ask(visitor, followed="/fiches/")
    reminder = mail.outbox[-1]
    assert reminder.subject.startswith("Votre alerte est déjà active")
    stop = re.match(r"<http://testserver(/alertes/gerer/[^/]+/un-clic/)>$", reminder.extra_headers["List-Unsubscribe"])
    assert reminder.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers  # the confirmation: nothing to stop yet
    one_click = f"{path}un-clic/"
    assert visitor.get(one_click)["Location"] == path  # opened in a browser: the page with the buttons
    program = Client(enforce_csrf_checks=True)
    assert program.post(one_click, {"List-Unsubscribe": "Oui"}).status_code == 400
    assert program.post("/alertes/gerer/pas-un-jeton/un-clic/", {"List-Unsubscribe": "One-Click"}).status_code == 404
    assert SearchAlert.objects.count() == 2
    response = program.post(one_click, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "Alerte arrêtée" in response.content.decode()
    assert list(SearchAlert.objects.values_list("query", flat=True)) == ["/fiches/"]
    assert program.post(stop.group(1), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not SearchAlert.objects.exists()
