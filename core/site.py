"""Absolute addresses of the site, for what leaves it (e-mails): on HUB_SITE_URL, never on the request's Host."""

from django.conf import settings


def site_address(path):
    """An absolute link to ``path`` for an e-mail: on HUB_SITE_URL, whatever Host the request came with."""
    return settings.HUB_SITE_URL + path
