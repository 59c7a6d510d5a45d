"""The « Sauvegarder » button shown on every fiche, for visitors and accounts alike."""

from django import template

from parcours.tracking import tracker_for

register = template.Library()


@register.inclusion_tag("parcours/_save_button.html", takes_context=True)
def save_button(context, fiche):
    request = context["request"]
    return {
        "fiche": fiche,
        "saved": tracker_for(request).is_saved(fiche),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
