"""``{% remembered "kind" value… %}…{% endremembered %}``: the enclosed part of a personal page rendered once per
content version and values by each process (core.content_cache.remembered). The values must say everything the
part shows that is not content (a person's statuses, the current step): the rest of the context is not looked at."""

from django import template
from django.utils.safestring import mark_safe

from core import content_cache

register = template.Library()


class RememberedNode(template.Node):
    def __init__(self, nodelist, values):
        self.nodelist = nodelist
        self.values = values

    def render(self, context):
        values = [value.resolve(context) for value in self.values]
        return mark_safe(content_cache.remembered("fragment", *values, build=lambda: self.nodelist.render(context)))  # nosec B308 B703: the template's own output


@register.tag
def remembered(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% remembered %} attend au moins un nom de fragment.")
    nodelist = parser.parse(("endremembered",))
    parser.delete_first_token()
    return RememberedNode(nodelist, [parser.compile_filter(bit) for bit in bits])
