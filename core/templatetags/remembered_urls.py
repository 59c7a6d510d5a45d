"""``{% url %}`` with the addresses it reversed remembered by the process. A template builtin, loaded after
Django's, so it replaces its ``url`` tag everywhere.

A page that is rendered for each person (a step of a parcours, « Mon espace ») reverses some forty addresses, most
of them the same on every page (the header, the footer): each ``reverse`` walks the URL patterns again, about
20 µs. An address depends only on the view name, the arguments, the namespace asked for, the script prefix and
the URL configuration, all of them in the key, so a remembered one is always the one ``reverse`` would give.
"""

import functools

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode, url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

# Bounded: arguments can be slugs of thousands of fiches.
REMEMBERED = 4096


@functools.lru_cache(maxsize=REMEMBERED)
def _reverse(view_name, args, kwargs, current_app, _prefix, _urlconf):
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def remembered_reverse(view_name, args=(), kwargs=None, current_app=None):
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    try:
        return _reverse(view_name, tuple(args), tuple(sorted((kwargs or {}).items())), current_app,
                        get_script_prefix(), urlconf)
    except TypeError:  # an argument that cannot be a key (a list…): reversed as Django would
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)


class RememberedURLNode(URLNode):
    def render(self, context):
        from django.urls import NoReverseMatch

        args = [arg.resolve(context) for arg in self.args]
        kwargs = {key: value.resolve(context) for key, value in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        address = ""
        try:
            address = remembered_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = address
            return ""
        return conditional_escape(address) if context.autoescape else address


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
