"""The admin list « Liens cassés »: the last check of every external address (the ``check_links`` command), dead
ones first, each with the pages where staff correct it. Read-only: only the command writes these rows."""

from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from resources.models import LinkCheck


def place_link(place):
    """A place stored by the command ({model, pk, anchor, label, field}) as a link to its change page; plain text
    when that page no longer exists (a model no longer in the admin)."""
    text = f"{place['label']}, {place['field']}"
    try:
        url = reverse(f"admin:{place['model'].replace('.', '_')}_change", args=[place["pk"]])
    except NoReverseMatch:
        return text
    return format_html('<a href="{}{}">{}</a>', url, f"#{place['anchor']}" if place["anchor"] else "", text)


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    list_display = ["url", "status", "detail", "first_failed_at", "failures", "checked_at", "places"]
    list_filter = ["status"]
    search_fields = ["url"]
    fields = ["url", "status", "detail", "first_failed_at", "failures", "checked_at", "places"]
    readonly_fields = fields
    list_per_page = 50

    def get_ordering(self, request):
        # Dead links first, the longest dead at the top; then the valid ones by address.
        valid_last = Case(When(status=LinkCheck.Status.OK, then=Value(1)), default=Value(0), output_field=IntegerField())
        return [valid_last.asc(), "first_failed_at", "url"]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Liens cassés", **(extra_context or {})})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="code ou raison")
    def detail(self, check):
        if check.code and check.reason:
            return f"{check.code}\u00a0: {check.reason}"
        return check.reason or (str(check.code) if check.code else "")

    @admin.display(description="employé dans")
    def places(self, check):
        if not check.used_in:
            return ""
        return format_html('<ul>{}</ul>', format_html_join("", "<li>{}</li>", (
            (place_link(place),) for place in check.used_in
        )))
