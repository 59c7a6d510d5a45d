"""The facet checkboxes, rendered in Python: a panel holds 100+ options and the template engine was the
slowest part of the catalogue page."""

from django import template
from django.utils.html import format_html, format_html_join

from core.templatetags.french import pluriel

register = template.Library()


def _option(name, option):
    empty = not option.count and not option.checked
    return (
        " hub-check--empty" if empty else "",
        name, option.value, name, option.value,
        " checked" if option.checked else "",
        " disabled" if empty else "",
        name, option.value, option.label, option.count, pluriel(option.count),
    )


@register.simple_tag
def facet_options(facet):
    if not facet.options:
        return format_html('<p class="hub-check--empty">{}</p>', "Aucune valeur.")
    return format_html_join(
        "\n",
        '<div class="hub-check{}"><input type="checkbox" id="f-{}-{}" name="{}" value="{}"{}{}> '
        '<label for="f-{}-{}">{} <span class="hub-count">{}<span class="hub-sr-only"> fiche{}</span></span>'
        "</label></div>",
        (_option(facet.name, option) for option in facet.options),
    )
