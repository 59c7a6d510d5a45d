"""The agenda's Atom feed (Django's syndication framework): the published events, newest announced first.

Every address in it is on HUB_SITE_URL, as in e-mails: a feed reader keeps them, and the request's Host could be
any name the server accepts.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from core.site import site_address
from rendezvous.event_dates import when_label
from rendezvous.ics import event_summary
from rendezvous.models import Event

FEED_SIZE = 50


class EventsFeed(Feed):
    feed_type = Atom1Feed
    title = "Agenda du hub des modèles socio-économiques"
    subtitle = "Webinaires, Jeudis de l’ODD\u00a017 et ateliers\u00a0: les rendez-vous annoncés sur le hub."

    def link(self):
        return site_address(reverse("rendezvous:agenda"))

    def feed_url(self):
        return site_address(reverse("rendezvous:events_feed"))

    def items(self):
        return Event.objects.published().order_by("-created_at", "-pk").prefetch_related("levers")[:FEED_SIZE]

    def item_title(self, item):
        return event_summary(item)

    def item_description(self, item):
        return render_to_string("rendezvous/_feed_entry.html", {
            "event": item, "when": when_label(item.starts_at, item.ends_at),
        })

    def item_link(self, item):
        return site_address(item.get_absolute_url())

    def item_guid(self, item):
        # A tag URI on the event's id: the entry stays the same one when its title or address changes.
        return f"tag:{urlsplit(settings.HUB_SITE_URL).hostname},2026:agenda:{item.pk}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_kind_display(), *(lever.label for lever in item.levers.all())]
