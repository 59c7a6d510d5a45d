"""« La lettre »: an issue is sent by the job once its date has come, once per subscriber confirmed by then, and
its web page says what its e-mail said, frozen; the archive, the admin's preview, bad addresses."""

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from rendezvous import letter as letter_module
from rendezvous.letter import letters_due
from rendezvous.models import Letter, LetterSubscriber, OutgoingMail
from resources.models import Fiche
from tests.factories import make_fiche
from tests.rendezvous.letter_helpers import (
    ONE_CLICK,
    UNSUBSCRIBE_LINK,
    html_of,
    letters_sent,
    make_letter,
    make_subscriber,
    send_due,
)

pytestmark = pytest.mark.django_db

PARIS = timezone.get_fixed_timezone(60)  # winter in Paris: UTC+1, for the period's edges below


# Sending --------------------------------------------------------------------------------------------------------------


def test_a_scheduled_letter_waits_for_its_date_then_goes_once_to_each_confirmed_subscriber():
    subscribers = [make_subscriber() for _ in range(3)]
    make_subscriber(confirmed=False)
    letter = make_letter(title="Les nouvelles de janvier", published_at=timezone.now() + timedelta(hours=2))
    assert "Préparés : 0 e-mail de la lettre, 0 alerte, 0 résumé « À relire »." in send_due()
    assert letters_sent(letter.number) == [] and Client().get("/lettre/1/").status_code == 404
    assert "Les nouvelles de janvier" not in Client().get("/lettre/").content.decode()

    Letter.objects.filter(pk=letter.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert "Préparés : 3 e-mails de la lettre, 0 alerte, 0 résumé « À relire ». Envoyés : 3, refusés : 0." in send_due()
    assert "Préparés : 0 e-mail de la lettre, 0 alerte, 0 résumé « À relire ». Envoyés : 0, refusés : 0." in send_due()
    sent = letters_sent(letter.number)
    assert sorted(message.to[0] for message in sent) == sorted(subscriber.email for subscriber in subscribers)
    assert sent[0].subject == "La lettre du hub n°\u00a01 — Les nouvelles de janvier"
    letter.refresh_from_db()
    assert letter.frozen_at is not None and letter.queued_at is not None
    assert set(OutgoingMail.objects.values_list("key", flat=True)) == {f"lettre:1:{s.pk}" for s in subscribers}
    assert Client().get("/lettre/1/").status_code == 200


def test_each_letter_carries_its_reader_own_unsubscribe_link_and_header():
    first, second = make_subscriber("ines@example.org"), make_subscriber("jules@example.org")
    make_letter()
    send_due()
    by_reader = {message.to[0]: message for message in letters_sent(1)}
    message = by_reader["ines@example.org"]
    link = UNSUBSCRIBE_LINK.search(message.body).group(1)
    assert f'href="http://testserver{link}"' in html_of(message)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert ONE_CLICK.match(message.extra_headers["List-Unsubscribe"]).group(1) == f"{link}un-clic/"
    assert link != UNSUBSCRIBE_LINK.search(by_reader["jules@example.org"].body).group(1)
    assert Client().post(link).status_code == 302
    assert list(LetterSubscriber.objects.values_list("pk", flat=True)) == [second.pk]
    assert first.pk != second.pk


def test_someone_who_confirmed_after_the_letter_date_gets_nothing_of_it_but_the_next_one():
    published = timezone.now() - timedelta(hours=1)
    early = make_subscriber(confirmed_at=published - timedelta(minutes=1))
    late = make_subscriber(confirmed_at=published + timedelta(minutes=1))
    make_letter(published_at=published)
    send_due()
    assert [message.to[0] for message in letters_sent(1)] == [early.email]
    make_letter(published_at=timezone.now() - timedelta(minutes=1))
    send_due()
    assert sorted(message.to[0] for message in letters_sent(2)) == sorted([early.email, late.email])


def test_a_crash_while_queuing_resumes_without_a_duplicate(monkeypatch):
    subscribers = [make_subscriber() for _ in range(5)]
    make_letter()
    monkeypatch.setattr(letter_module, "CHUNK", 2)
    calls = []

    def crash_on_second_chunk(rows):
        calls.append(rows)
        if len(calls) == 2:
            raise RuntimeError("panne")
        return real_queue(rows)

    real_queue = letter_module.mails_queue
    monkeypatch.setattr(letter_module, "mails_queue", crash_on_second_chunk)
    with pytest.raises(RuntimeError):
        letters_due(timezone.now())
    assert OutgoingMail.objects.count() == 2 and Letter.objects.get().queued_at is None
    monkeypatch.setattr(letter_module, "mails_queue", real_queue)
    assert letters_due(timezone.now()) == 3
    assert letters_due(timezone.now()) == 0
    send_due()
    assert sorted(message.to[0] for message in letters_sent(1)) == sorted(s.email for s in subscribers)


# What an issue holds -----------------------------------------------------------------------------------------------------


def _at(day, hour, minute=0):
    return datetime(2027, 1, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def january():
    """Fiches around a January 2027 issue (1st to 31st, Paris time), and the issue itself."""
    fiches = {
        "new": make_fiche(title="Accueillir des bénévoles & les garder", chapeau="Un chapeau « neuf ».",
                          published_at=_at(31, 23, 30)),
        "first_day": make_fiche(title="Le mécénat de compétences", published_at=_at(1, 0, 5)),
        "too_late": make_fiche(title="Une fiche de février", published_at=_at(31, 23, 30) + timedelta(hours=1)),
        "updated": make_fiche(title="La fiche relue", published_at=_at(1, 0) - timedelta(days=60)),
        "untouched": make_fiche(title="Une fiche ancienne", published_at=_at(1, 0) - timedelta(days=60)),
        "draft": make_fiche(title="Un brouillon", status=Fiche.Status.DRAFT, published_at=_at(10, 12)),
    }
    Fiche.objects.filter(pk=fiches["updated"].pk).update(updated_at=_at(15, 10))
    Fiche.objects.exclude(pk=fiches["updated"].pk).update(updated_at=_at(1, 0) - timedelta(days=60))
    letter = make_letter(title="Janvier au hub", intro="Bonne année **à toutes et à tous**.",
                         period_start=date(2027, 1, 1), period_end=date(2027, 1, 31))
    return fiches, letter


EVENTS = (
    [{"title": "Jeudi de l’ODD 17 : les alliances", "url": "/agenda/jeudi-alliances/",
      "starts_at": datetime(2027, 2, 4, 13, 0, tzinfo=UTC), "replay_url": ""}],
    [SimpleNamespace(title="Webinaire : diversifier ses ressources", get_absolute_url=lambda: "/agenda/webinaire/",
                     url=None, starts_at=_at(14, 14), replay_url="https://video.example.org/webinaire"),
     {"title": "Un lien douteux", "url": "javascript:alert(1)", "starts_at": None, "replay_url": "//evil.example"}],
)


def _titles_and_links(html):
    return re.findall(r'<h3>(?:<a href="([^"]+)">)?([^<]+)', html)


def test_the_web_page_and_the_emails_show_the_same_items_frozen_when_it_went_out(january, monkeypatch, settings):
    fiches, letter = january
    monkeypatch.setattr(letter_module, "_event_sections", lambda start, end: EVENTS)
    make_subscriber("ines@example.org")
    send_due()
    [message] = letters_sent(letter.number)
    page = Client().get(f"/lettre/{letter.number}/").content.decode()
    web = _titles_and_links(page.split("<main")[1])
    emailed = _titles_and_links(html_of(message))
    assert [title for _, title in web] == [
        "Accueillir des bénévoles &amp; les garder", "Le mécénat de compétences", "La fiche relue",
        "Jeudi de l’ODD 17 : les alliances", "Webinaire : diversifier ses ressources", "Un lien douteux",
    ]
    assert emailed == [(f"http://testserver{link}" if link else "", title) for link, title in web]
    assert web[1][0] == fiches["first_day"].get_absolute_url()
    for text in ("Nouvelles fiches", "Fiches mises à jour", "Rendez-vous à venir", "À revoir",
                 "jeudi 4 février 2027 à 14\u202fh\u202f00 (heure de Paris)", "jeudi 14 janvier 2027 à 14\u202fh\u202f00",
                 "publiée le 1er janvier 2027",
                 'href="https://video.example.org/webinaire"', "<strong>à toutes et à tous</strong>",
                 "Actions · publiée le 31 janvier 2027", "mise à jour le 15 janvier 2027"):
        assert text in page and text in html_of(message), text
    assert "javascript:" not in page and "evil.example" not in page
    body = message.body
    for text in ("Janvier au hub", "Bonne année à toutes et à tous.", "NOUVELLES FICHES",
                 "- Accueillir des bénévoles & les garder", "Un chapeau « neuf ».",
                 f"http://testserver{fiches['new'].get_absolute_url()}", "FICHES MISES À JOUR", "RENDEZ-VOUS À VENIR",
                 "À REVOIR", "Revoir l’enregistrement : https://video.example.org/webinaire",
                 f"Lire cette lettre sur le site : http://testserver/lettre/{letter.number}/"):
        assert text in body, text
    for absent in ("Une fiche de février", "Une fiche ancienne", "Un brouillon"):
        assert absent not in page and absent not in body, absent
    assert "&amp;" not in body and "**" not in body  # the introduction as read, not its Markdown

    # Later edits reach neither: the issue is frozen.
    Fiche.objects.filter(pk=fiches["new"].pk).update(title="Titre changé après l’envoi")
    make_fiche(title="Publiée après coup", published_at=_at(20, 12))
    later = Client().get(f"/lettre/{letter.number}/").content.decode()
    assert "Accueillir des bénévoles &amp; les garder" in later and "Publiée après coup" not in later
    assert "Titre changé" not in later


def test_a_section_keeps_twenty_items_and_says_how_many_more(monkeypatch):
    monkeypatch.setattr(letter_module, "SECTION_LIMIT", 2)
    for n in range(5):
        make_fiche(title=f"Nouvelle {n}", published_at=timezone.now() - timedelta(days=1, minutes=n))
    letter = make_letter()
    make_subscriber()
    send_due()
    page = Client().get(letter.get_absolute_url()).content.decode()
    assert page.count("publiée le") == 2
    assert 'Et 3 autres&nbsp;: <a href="/fiches/?tri=recent">toutes les fiches' in page
    assert "Et 3 autres : http://testserver/fiches/?tri=recent" in letters_sent(letter.number)[0].body


def test_an_issue_with_nothing_new_says_so():
    letter = make_letter(period_start=date(2020, 1, 1), period_end=date(2020, 1, 31))
    make_subscriber()
    send_due()
    assert "Pas de nouvelle fiche ni de rendez-vous pendant cette période." in letters_sent(letter.number)[0].body
    assert "Pas de nouvelle fiche" in Client().get(letter.get_absolute_url()).content.decode()


# Pages -----------------------------------------------------------------------------------------------------------------


def test_drafts_future_issues_and_bad_numbers_are_404():
    make_letter(number=1, status=Letter.Status.DRAFT, published_at=None)
    make_letter(number=2, published_at=timezone.now() + timedelta(days=1))
    make_letter(number=3)  # due, but the job has not frozen it yet
    send_due()
    make_letter(number=4)
    client = Client()
    assert client.get("/lettre/3/").status_code == 200
    for url in ("/lettre/1/", "/lettre/2/", "/lettre/4/", "/lettre/0/", "/lettre/999999999999999999999/",
                "/lettre/trois/", "/lettre/-3/"):
        response = client.get(url)
        assert response.status_code == 404, url
    assert client.post("/lettre/3/").status_code == 405


def test_the_archive_lists_issues_newest_first_with_the_form_in_a_fixed_number_of_queries(
        django_assert_max_num_queries):
    def archive(query=""):
        with django_assert_max_num_queries(2):  # the count for the pagination, the page of issues
            response = Client().get(f"/lettre/{query}")
        return response

    for number in range(1, 4):
        make_letter(number=number, title=f"Lettre {number}")
    send_due()
    page = archive().content.decode()
    assert page.index("Lettre 3") < page.index("Lettre 2") < page.index("Lettre 1")
    assert 'action="/lettre/abonnement/"' in page and 'name="consent"' in page
    for number in range(4, 31):
        make_letter(number=number, title=f"Lettre {number}")
    send_due()
    assert "Lettre 30" in archive().content.decode() and "Lettre 6" not in archive().content.decode()
    assert "Lettre 6" in archive("?page=2").content.decode()
    assert Client().get("/lettre/?page=3").status_code == 404
    assert Client().get("/lettre/?page=x").status_code == 400


def test_the_archive_without_any_issue_invites_to_subscribe():
    page = Client().get("/lettre/").content.decode()
    assert "Aucune lettre n’est encore parue" in page and "<h1>La lettre du hub</h1>" in page


def test_la_lettre_is_linked_from_the_footer_the_site_map_and_the_sitemap():
    make_letter(number=7)
    send_due()
    assert 'href="/lettre/">La lettre</a>' in Client().get("/").content.decode()
    assert 'href="/lettre/abonnement/"' in Client().get("/plan-du-site/").content.decode()
    sitemap = Client().get("/sitemap.xml").content.decode()
    for path in ("/lettre/", "/lettre/abonnement/", "/lettre/7/"):
        assert f"http://testserver{path}</loc>" in sitemap, path


# The admin -----------------------------------------------------------------------------------------------------------------


def test_staff_see_what_an_issue_will_hold_then_what_it_held_and_cannot_change_its_history(staff_client, january):
    fiches, letter = january
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.DRAFT)
    page = staff_client.get(f"/admin/rendezvous/letter/{letter.pk}/change/").content.decode()
    assert "ce que la lettre contiendrait si elle partait maintenant" in page
    assert "Accueillir des bénévoles &amp; les garder" in page and "Pas encore envoyée." in page
    assert 'name="period_start"' in page
    add = staff_client.get("/admin/rendezvous/letter/add/").content.decode()
    assert 'name="number" value="2"' in add
    refused = staff_client.post("/admin/rendezvous/letter/add/", {
        "number": "2", "title": "À l’envers", "period_start": "2027-02-28", "period_end": "2027-02-01",
        "status": "draft", "published_at_0": "", "published_at_1": ""})
    assert "La fin de la période ne peut précéder son début." in refused.content.decode()

    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.PUBLISHED)
    make_subscriber()
    send_due()
    page = staff_client.get(f"/admin/rendezvous/letter/{letter.pk}/change/").content.decode()
    assert "Contenu figé le" in page and "E-mails : 1 envoyé." in page
    assert 'name="period_start"' not in page and 'name="title"' in page
    listing = staff_client.get("/admin/rendezvous/letter/").content.decode()
    assert "Envoyée le" in listing
