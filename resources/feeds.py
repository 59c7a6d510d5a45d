"""Atom feeds of the fiches (Django's syndication framework): all of them, a family, any filtered list, a search.

The address of a feed is the list's with ``flux.atom``: ``/fiches/flux.atom?famille=action&levier=financement`` is
the feed of ``/fiches/?famille=action&levier=financement``, read by the same FilterSet (resources.catalogue). What the
list would show with a warning (an unknown value, a repeated ``q``…) is refused here: 400 and a short French text,
since a feed reader shows no page. Sort and page are no part of a feed. ``/recherche/flux.atom?q=…`` is the search's
(hub.views.search): its fiches are those of the same words.

Entries, newest update first, FEED_ENTRIES at most: ``published`` is when the fiche was first published, ``updated``
its last saved change (``updated_at``: an edit or a publication in the admin, a change of its tags, a content reload
with ``load_content --update``, which rewrites every shipped fiche); an entry updated after publication keeps its
id, so readers show it as updated. The id is a tag URI on the primary key: a new title or slug keeps it. Links are
on HUB_SITE_URL, as in e-mails: a feed is read elsewhere, and cached whatever Host asked for it.

Cached like the list's results (core.content_cache, under the content version: a fiche saved shows at once), within
the budget of new entries of whoever asked first; a constant number of queries whatever the catalogue's size.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse, QueryDict
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from core.clients import client_group
from core.content_cache import cached, canonical_query
from core.site import site_address
from core.text import guillemets
from resources.catalogue import catalogue_filterset, catalogue_params, filters_query_string, filters_summary
from resources.filters import oversized_facets
from resources.models import Fiche

FEED_ENTRIES = 50
ENTRY_FIELDS = ("pk", "slug", "title", "chapeau", "family", "published_at", "updated_at")
# Neither changes the fiches of a feed: dropped, so that they make no entry of their own in the cache.
NOT_FEED_PARAMS = ("tri", "page")
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
# The year in the entries' tag URIs (RFC 4151): when the hub's fiches got their ids. Never to change.
TAG_YEAR = 2026


@dataclass(frozen=True)
class FeedSubject:
    """What one feed is about: the page it follows, its own address, its title, its fiches."""

    page_path: str
    feed_path: str
    title: str
    fiches: list


def _path(name, query):
    return reverse(name) + (f"?{query}" if query else "")


def _tag_uri(fiche_pk):
    return f"tag:{urlsplit(settings.HUB_SITE_URL).hostname},{TAG_YEAR}:fiche:{fiche_pk}"


class FicheFeed(Feed):
    feed_type = Atom1Feed
    language = "fr"

    def title(self, subject):
        return f"{subject.title} · {settings.SITE_NAME}"

    def subtitle(self, subject):
        return "Les fiches nouvelles et mises à jour, les plus récentes d’abord."

    def link(self, subject):
        return site_address(subject.page_path)

    def feed_url(self, subject):
        return site_address(subject.feed_path)

    def author_name(self):
        return settings.SITE_NAME

    def author_link(self):
        return site_address("/")

    def items(self, subject):
        return subject.fiches

    def item_title(self, fiche):
        return fiche.title

    def item_description(self, fiche):
        # Atom's summary is HTML here (type="html"): the chapeau is plain text, escaped once more for the reader.
        return escape(fiche.chapeau)

    def item_link(self, fiche):
        return site_address(fiche.get_absolute_url())

    def item_guid(self, fiche):
        return _tag_uri(fiche.pk)

    item_guid_is_permalink = False

    def item_pubdate(self, fiche):
        return fiche.published_at

    def item_updateddate(self, fiche):
        return max(fiche.updated_at, fiche.published_at or fiche.updated_at)

    def item_categories(self, fiche):
        return [fiche.get_family_display()]


@dataclass(frozen=True)
class FeedAnswer:
    status: int
    content: bytes


def _refusal(ignored):
    parts = "\u00a0; ".join(f"{guillemets(name[:40])}\u00a0: {message[:200]}" for name, message in ignored)
    return FeedAnswer(400, f"Adresse de flux non comprise\u00a0: {parts}\n".encode())


def _answer(request, kind, params):
    if kind == "recherche" and not params.get("q", "").strip():
        return FeedAnswer(400, "Indiquez les mots à rechercher dans le paramètre «\u00a0q\u00a0».\n".encode())
    filterset, ignored = catalogue_filterset(params, Fiche.objects.published().only(*ENTRY_FIELDS))
    if ignored:
        return _refusal(ignored)
    query = filters_query_string(filterset)
    fiches = list(filterset.qs.order_by("-updated_at", "-pk")[:FEED_ENTRIES])
    if kind == "recherche":
        words = filterset.form.cleaned_data["q"]
        subject = FeedSubject(_path("hub:search", query), _path("hub:search_feed", query),
                              f"Recherche {guillemets(words)}", fiches)
    else:
        subject = FeedSubject(_path("resources:fiche_list", query), _path("resources:fiche_feed", query),
                              filters_summary(filterset), fiches)
    feed = FicheFeed()
    return FeedAnswer(200, feed.get_feed(subject, request).writeString("utf-8").encode())


def feed_response(request, *, kind, params):
    """The Atom feed of the published fiches that ``params`` (a QueryDict) select: ``kind`` « fiches » for the
    list's filters, « recherche » for the search's words (``q`` only)."""
    params = params.copy()
    for name in NOT_FEED_PARAMS:
        params.pop(name, None)
    too_many = oversized_facets(params)
    if too_many:
        return HttpResponse(f"Trop de valeurs pour le filtre {', '.join(too_many)}.\n", status=400,
                            content_type="text/plain; charset=utf-8")
    answer = cached(f"feed-{kind}", canonical_query(params), build=lambda: _answer(request, kind, params),
                    keep=lambda answer: answer.status == 200, client=client_group(request))
    if answer.status != 200:
        return HttpResponse(answer.content, status=answer.status, content_type="text/plain; charset=utf-8")
    return HttpResponse(answer.content, content_type=CONTENT_TYPE)


def fiche_feed(request):
    """/fiches/flux.atom?<the list's filters>."""
    return feed_response(request, kind="fiches", params=catalogue_params(request.GET))


def search_params(querydict):
    """The parameters of a search feed or alert: the words (every ``q`` given: a repeated one is refused)."""
    params = QueryDict(mutable=True)
    if "q" in querydict:
        params.setlist("q", querydict.getlist("q"))
    return params
