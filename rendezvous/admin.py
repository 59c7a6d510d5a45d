"""Staff publish events and read the registrations; the outbox is shown read-only, to see what left and what
failed (nobody writes an e-mail by hand here)."""

from django.contrib import admin

from rendezvous.event_admin import EventAdmin
from rendezvous.models import Event, OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject", "key"]
    readonly_fields = [field.name for field in OutgoingMail._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The agenda's events and their registrations (rendezvous/event_admin.py).
admin.site.register(Event, EventAdmin)
