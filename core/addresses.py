"""``reverse`` with the addresses it computed remembered by the process.

A page rendered for each person reverses some forty addresses, most of them the same on every page (the header,
the footer, the cards' links): each ``reverse`` walks the URL patterns again, about 20 µs. An address depends only
on the view name, the arguments, the namespace asked for, the script prefix and the URL configuration, all of them
in the key, so a remembered one is always the one ``reverse`` would give.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Bounded: arguments can be slugs of thousands of fiches.
REMEMBERED = 4096


@functools.lru_cache(maxsize=REMEMBERED)
def _reverse(view_name, args, kwargs, current_app, _prefix, _urlconf):
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def remembered_reverse(view_name, args=(), kwargs=None, current_app=None):
    """``django.urls.reverse``, remembered. NoReverseMatch is raised as ``reverse`` raises it (never remembered)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    try:
        return _reverse(view_name, tuple(args or ()), tuple(sorted((kwargs or {}).items())), current_app,
                        get_script_prefix(), urlconf)
    except TypeError:  # an argument that cannot be a key (a list…): reversed as Django would
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
