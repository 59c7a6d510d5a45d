"""The personal lists of « Mon espace », written in Python: its notes, its diagnostics and its saved fiches with
their « Retirer » buttons. The template engine spent most of the page's rendering on these loops (lookups, an
include per item, the ``date`` and ``linebreaks`` filters). Same HTML as the template markup they replace
(tests/hub/test_space_parts.py renders both), every value escaped with the standard library's ``html.escape``."""

from html import escape

from django import template
from django.template.defaultfilters import date
from django.utils.html import conditional_escape, linebreaks
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from core.addresses import remembered_reverse

register = template.Library()

ROLE_NAMES = {"responsable": "responsable", "contributeur": "contributeur·rice", "lecteur": "lecteur·rice"}


@register.simple_tag
def note_items(notes):
    """The items of « Mes notes »: (outline, item) pairs, each item a step with its number and its state's note."""
    parts = []
    for outline, item in notes:
        parts.append(
            f'\n    <li>\n      <h3><a href="{escape(item.step.get_absolute_url())}#notes">'
            f'{escape(str(outline.parcours.title))}, étape {escape(str(item.number))}&#8239;: '
            f'{escape(str(item.step.title))}</a></h3>\n      <div class="hub-note">'
            f'{linebreaks(item.state.note, autoescape=True)}</div>\n    </li>\n    '
        )
    # Every value is escaped above (linebreaks escapes the note): one mark_safe for the list.
    return mark_safe("".join(parts))  # nosec B308 B703


@register.simple_tag
def diagnostic_items(organisations):
    """The items of « Mes diagnostics »: organisations with ``member_role`` (a space's role of the person)."""
    parts = []
    for organisation in organisations:
        space = f"espace partagé, {ROLE_NAMES.get(organisation.member_role, '')}, " if organisation.is_space else ""
        # The date filter on the local time, as the template's (it expects local times).
        updated = escape(date(template_localtime(organisation.updated_at), "j F Y"))
        parts.append(f'<li><a href="{escape(organisation.get_absolute_url())}">{escape(str(organisation.name))}</a> '
                     f'<span class="hub-hint">{space}mis à jour le {updated}</span></li>')
    return mark_safe("".join(parts))  # nosec B308 B703


@register.simple_tag(takes_context=True)
def saved_items(context, saved):
    """The items of « Mes fiches sauvegardées »: each card (rendered, safe) and its « Retirer » form, which brings
    the person back to this page."""
    token = escape(str(context.get("csrf_token", "")))
    here = escape(context["request"].path)
    dashboard = escape(remembered_reverse("hub:dashboard"))
    parts = []
    for fiche in saved:
        action = escape(remembered_reverse("parcours:fiche_save", args=[fiche.slug]))
        parts.append(
            f'<li>{conditional_escape(fiche.card)}<form class="hub-save" method="post" action="{action}">\n'
            f'  <input type="hidden" name="csrfmiddlewaretoken" value="{token}">\n'
            f'  <input type="hidden" name="next" value="{here}">\n  \n'
            f'  <p class="hub-save__state"><span aria-hidden="true">★ </span>Sauvegardée dans '
            f'<a href="{dashboard}">Mon espace</a></p>\n'
            '  <button type="submit" name="action" value="retirer" class="hub-button hub-button--secondary '
            'hub-button--small">Retirer de Mon espace</button>\n  \n</form>\n</li>'
        )
    return mark_safe("".join(parts))  # nosec B308 B703
