"""Form fields rendered with their label, hint and errors tied together for assistive technologies."""

from django import template

register = template.Library()


@register.inclusion_tag("_field.html")
def field(bound_field):
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_aide")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_erreur")
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return {"field": bound_field, "widget": bound_field.as_widget(attrs=attrs)}
