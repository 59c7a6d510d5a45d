"""Atom feeds of the fiches (resources.feeds): parsed back with xml.etree, as a feed reader reads them."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.content_cache import reset_process_caches
from resources.models import Fiche
from tests.factories import make_fiche, make_lever

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = settings.HUB_SITE_URL


def parsed(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def entries(feed):
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "published": datetime.fromisoformat(entry.findtext(f"{ATOM}published")),
            "updated": datetime.fromisoformat(entry.findtext(f"{ATOM}updated")),
            "summary": entry.findtext(f"{ATOM}summary"),
            "category": entry.find(f"{ATOM}category").get("term"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def titles(response):
    return [entry["title"] for entry in entries(parsed(response))]


def test_the_feed_lists_published_fiches_newest_update_first_with_dates_links_and_stable_ids(visitor):
    now = timezone.now()
    old = make_fiche(title="Ancienne, corrigée hier", slug="ancienne", chapeau="Un chapeau <b>brut</b> & simple.",
                     published_at=now - timedelta(days=30))
    recent = make_fiche(title="Récente", slug="recente", family=Fiche.Family.REPERE, published_at=now - timedelta(days=3))
    make_fiche(title="Brouillon", status=Fiche.Status.DRAFT, published_at=None)
    Fiche.objects.filter(pk=recent.pk).update(updated_at=now - timedelta(days=3))
    Fiche.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=1))

    feed = parsed(visitor.get("/fiches/flux.atom"))
    assert feed.findtext(f"{ATOM}title") == f"Toutes les fiches · {settings.SITE_NAME}"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == f"{SITE}/fiches/"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE}/fiches/flux.atom"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == settings.SITE_NAME
    first, second = entries(feed)
    assert [first["title"], second["title"]] == ["Ancienne, corrigée hier", "Récente"]
    # Published a month ago, updated yesterday: an updated entry; the other one was never changed.
    assert first["updated"] - first["published"] > timedelta(days=28)
    assert second["updated"] == second["published"]
    assert first["link"] == f"{SITE}/fiches/ancienne/"
    assert first["summary"] == "Un chapeau &lt;b&gt;brut&lt;/b&gt; &amp; simple."  # HTML summary of a plain text
    assert (first["category"], second["category"]) == ("Actions", "Repères")
    assert first["id"].startswith("tag:") and first["id"].endswith(f":fiche:{old.pk}")

    old.title, old.slug = "Ancienne, renommée", "ancienne-renommee"
    old.save()
    assert entries(parsed(visitor.get("/fiches/flux.atom")))[0]["id"] == first["id"]


def test_a_family_or_any_filter_of_the_list_gives_the_feed_of_that_list(visitor):
    lever = make_lever(slug="financement", label="Financement")
    make_fiche(title="Action financée", levers=[lever])
    make_fiche(title="Action seule")
    make_fiche(title="Repère financé", family=Fiche.Family.REPERE, levers=[lever])
    assert sorted(titles(visitor.get("/fiches/flux.atom?famille=action"))) == ["Action financée", "Action seule"]
    feed = parsed(visitor.get("/fiches/flux.atom?levier=financement&famille=action&tri=titre&page=2&utm_source=x"))
    assert [entry["title"] for entry in entries(feed)] == ["Action financée"]
    assert feed.findtext(f"{ATOM}title").startswith("Fiches Actions, levier Financement · ")
    # Sort, page and foreign parameters are no part of the feed: its page is the list's, filters in a fixed order.
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == f"{SITE}/fiches/?famille=action&levier=financement"


@pytest.mark.parametrize("query, named", [
    ("famille=inconnue", "famille"),
    ("levier=n-existe-pas", "levier"),
    ("q=un&q=deux", "q"),
    ("q=-seulement", "q"),
    ("famille=%00action", "NUL"),
    ("levier=" + "&levier=".join(["x"] * 31), "levier"),
])
def test_a_filter_the_list_would_ignore_gives_a_400_with_a_short_french_text(visitor, query, named):
    make_lever(slug="financement")
    response = visitor.get(f"/fiches/flux.atom?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert named in text and len(text) < 600
    assert "Adresse de flux non comprise" in text or "Trop de valeurs" in text


def _queries(client, url):
    cache.clear()
    reset_process_caches()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_catalogue_and_entries_stop_at_fifty(
    visitor, django_assert_max_num_queries
):
    lever = make_lever(slug="financement")
    url = "/fiches/flux.atom?famille=action&levier=financement&q=fiche"
    for _ in range(3):
        make_fiche(levers=[lever])
    few = _queries(visitor, url)
    Fiche.objects.bulk_create([
        Fiche(title=f"Fiche en nombre {n}", slug=f"fiche-en-nombre-{n}", chapeau="Un chapeau.", family="action",
              status="published", published_at=timezone.now(), search_title=f" fiche en nombre {n}",
              search_text=f" fiche en nombre {n} un chapeau")
        for n in range(60)
    ])
    lever.fiches.add(*Fiche.objects.filter(slug__startswith="fiche-en-nombre-"))
    assert _queries(visitor, url) == few
    cache.clear()
    with django_assert_max_num_queries(6):
        response = visitor.get(url)
    assert len(entries(parsed(response))) == 50


def test_a_fiche_published_after_the_feed_was_cached_appears_at_once(visitor):
    make_fiche(title="Première")
    assert titles(visitor.get("/fiches/flux.atom")) == ["Première"]
    with CaptureQueriesContext(connection) as queries:
        assert titles(visitor.get("/fiches/flux.atom")) == ["Première"]
    assert len(queries) == 0  # served from the content cache
    draft = make_fiche(title="Publiée ensuite", status=Fiche.Status.DRAFT, published_at=None)
    assert titles(visitor.get("/fiches/flux.atom")) == ["Première"]
    draft.status = Fiche.Status.PUBLISHED
    draft.save()
    assert titles(visitor.get("/fiches/flux.atom")) == ["Publiée ensuite", "Première"]


def test_the_search_feed_gives_the_fiches_of_the_words(visitor):
    make_fiche(title="Accueillir des bénévoles")
    make_fiche(title="Trouver des financements")
    feed = parsed(visitor.get("/recherche/flux.atom?q=" + quote("bénévole")))
    assert [entry["title"] for entry in entries(feed)] == ["Accueillir des bénévoles"]
    assert feed.findtext(f"{ATOM}title").startswith("Recherche «\u00a0bénévole\u00a0» · ")
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == f"{SITE}/recherche/?q=b%C3%A9n%C3%A9vole"
    for query in ["", "?q=", "?q=%20", "?q=-tout", "?q=a&q=b", "?q=" + "a" * 201]:
        response = visitor.get(f"/recherche/flux.atom{query}")
        assert response.status_code == 400, query
        assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_the_list_and_the_search_link_to_their_feed_and_their_alert(visitor):
    make_lever(slug="financement", label="Financement")
    make_fiche(title="Accueillir des bénévoles")
    page = visitor.get("/fiches/?levier=financement&famille=action&tri=titre").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" title="Fiches Actions, levier Financement (flux Atom)"' in page
    assert 'href="/fiches/flux.atom?famille=action&amp;levier=financement">' in page
    assert "S’abonner au flux" in page and "Recevoir les nouveautés par e-mail" in page
    assert 'href="/alertes/nouvelle/?suivre=%2Ffiches%2F%3Ffamille%3Daction%26levier%3Dfinancement"' in page
    plain = visitor.get("/fiches/").content.decode()
    assert 'href="/fiches/flux.atom"' in plain and "?suivre=%2Ffiches%2F\"" in plain

    found = visitor.get("/recherche/?q=" + quote("bénévoles")).content.decode()
    assert ('<link rel="alternate" type="application/atom+xml" title="Recherche «&nbsp;bénévoles&nbsp;» (flux Atom)" '
            'href="/recherche/flux.atom?q=b%C3%A9n%C3%A9voles">') in found
    assert 'href="/alertes/nouvelle/?suivre=%2Frecherche%2F%3Fq%3Db%25C3%25A9n%25C3%25A9voles"' in found
    assert "application/atom+xml" not in visitor.get("/recherche/").content.decode()
