"""Staff publish events and read the registrations; the outbox is shown read-only, to see what left and what
failed (nobody writes an e-mail by hand here)."""

from django.contrib import admin
from django.db.models import Count
from django.template.loader import render_to_string

from rendezvous.event_admin import EventAdmin
from rendezvous.letter import letter_assemble, letter_context, next_letter_number, when_label
from rendezvous.models import Event, Letter, LetterSubscriber, MailStatus, OutgoingMail, SearchAlert


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
# « La lettre »


class LetterAdmin(admin.ModelAdmin):
    """Staff write an issue and schedule it; the job freezes its items and sends it when its date comes."""

    list_display = ["number", "title", "state", "period_start", "period_end"]
    list_filter = ["status"]
    search_fields = ["title"]
    fields = ["number", "title", "intro", "period_start", "period_end", "status", "published_at", "sent", "preview"]
    readonly_fields = ["sent", "preview"]
    # Once the e-mails are queued, what decided who gets it and what it holds is history; the title and the
    # introduction may still be corrected (on the web page only: the e-mails have left).
    FROZEN_FIELDS = ["number", "period_start", "period_end", "status", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.frozen_at is not None:
            return [*self.FROZEN_FIELDS, *self.readonly_fields]
        return self.readonly_fields

    def get_changeform_initial_data(self, request):
        return {"number": next_letter_number(), **super().get_changeform_initial_data(request)}

    @admin.display(description="état")
    def state(self, obj):
        if obj.status == Letter.Status.DRAFT:
            return "Brouillon"
        if obj.queued_at is not None:
            return f"Envoyée le {when_label(obj.queued_at)}"
        return f"Programmée pour le {when_label(obj.published_at)}"

    @admin.display(description="envoi")
    def sent(self, obj):
        if obj is None or obj.frozen_at is None:
            return "Pas encore envoyée."
        recipients = OutgoingMail.objects.filter(key__startswith=f"lettre:{obj.number}:")
        counts = dict(recipients.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        parts = [f"{counts[status]} {label.lower()}" for status, label in MailStatus.choices if counts.get(status)]
        done = f", e-mails préparés le {when_label(obj.queued_at)}" if obj.queued_at else ", e-mails en préparation"
        return f"Contenu figé le {when_label(obj.frozen_at)}{done}. E-mails : {', '.join(parts) or 'aucun'}."

    @admin.display(description="aperçu")
    def preview(self, obj):
        """The issue as it will go out (its items as of now), or as it went out (frozen)."""
        if obj is None or obj.pk is None:
            return "L’aperçu paraît une fois la lettre enregistrée."
        content = obj.content if obj.frozen_at else letter_assemble(obj)
        return render_to_string("rendezvous/letter/_admin_preview.html", letter_context(obj, content))


class ConfirmedFilter(admin.SimpleListFilter):
    title = "confirmation"
    parameter_name = "confirme"

    def lookups(self, request, model_admin):
        return [("oui", "Confirmé"), ("non", "En attente de confirmation")]

    def queryset(self, request, queryset):
        if self.value() in ("oui", "non"):
            return queryset.filter(confirmed_at__isnull=self.value() == "non")
        return queryset


class LetterSubscriberAdmin(admin.ModelAdmin):
    """Read and delete only: a subscription is the person's own consent, never typed in by staff."""

    list_display = ["email", "created_at", "confirmed_at"]
    list_filter = [ConfirmedFilter]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at", "confirmed_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Letter, LetterAdmin)
admin.site.register(LetterSubscriber, LetterSubscriberAdmin)



@admin.register(SearchAlert)
class SearchAlertAdmin(admin.ModelAdmin):
    """Read-only: an alert is asked for and confirmed by its owner. Staff may delete one (a person who asks by
    e-mail to be forgotten)."""

    list_display = ["email", "query", "frequency", "confirmed_at", "last_sent_at"]
    list_filter = ["frequency", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "query"]
    readonly_fields = [field.name for field in SearchAlert._meta.fields if field.name != "nonce"]
    exclude = ["nonce"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
