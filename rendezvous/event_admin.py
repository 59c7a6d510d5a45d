"""Staff's side of the agenda: events, their registrations (read only), the CSV export, « Écrire aux inscrits ».

Registrations are seen here and nowhere else but on the person's own page. Staff do not write them: people
register and cancel through the site, so that places and the waiting list stay under the event's lock
(rendezvous.registrations). Raising the capacity gives the new places to the waiting list, each person told.
"""

import csv
import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from core.history_admin import HistoryAdmin
from core.text import title_slug
from rendezvous.forms.events import EventMessageForm
from rendezvous.history import history_register_rendezvous
from rendezvous.models import Event, Registration, RegistrationStatus
from rendezvous.registrations import event_message_queue, event_places_fill
from resources.admin import HTTPS_URLS

# Before the admin is built: reversion's VersionAdmin would register the model itself.
history_register_rendezvous()

CSV_HEADERS = ["Nom", "Adresse e-mail", "Organisation", "Statut", "Rang", "Inscription le", "Place obtenue le"]
# A cell starting with one of these is a formula for a spreadsheet: written as text (a leading apostrophe).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _local(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


class RegistrationInline(admin.TabularInline):
    model = Registration
    fields = ["name", "email", "organisation", "status", "created_at", "promoted_at", "cancelled_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = "inscriptions (lecture seule\u00a0: les personnes s’inscrivent et annulent sur le site)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventAdminForm(forms.ModelForm):
    """The slug may be left empty: it is then made from the title on the server (core.text.title_slug, elisions
    turned into hyphens), before the uniqueness and reserved-word checks. The admin's prepopulated field is not used:
    its script glues elisions (« atelier-dessai »). No Meta: EventAdmin builds the form (with its URL fields)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slug = self.fields.get("slug")  # absent from a read-only page (a Relecteur's): every field is shown as text
        if slug is not None:
            slug.required = False
            slug.help_text = ("La fin de l’adresse de la page\u00a0: /agenda/identifiant/. Laissé vide, il est tiré "
                              "du titre («\u00a0Atelier d’essai\u00a0» donne atelier-d-essai).")

    def clean_slug(self):
        slug = self.cleaned_data["slug"] or title_slug(self.cleaned_data.get("title") or "")
        if not slug and self.cleaned_data.get("title"):
            raise ValidationError("Le titre ne donne aucun identifiant\u00a0: écrivez-en un (lettres, chiffres, tirets).")
        return slug


class EventAdmin(HistoryAdmin, admin.ModelAdmin):
    form = EventAdminForm
    formfield_overrides = HTTPS_URLS
    # Seven columns beside the filters overflowed 1,280 px: the two counts share one column.
    list_display = ["title", "kind", "starts_at", "status", "is_example", "places"]
    list_filter = ["status", "kind", "format", "is_example"]
    search_fields = ["title", "slug"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["levers", "fiches"]
    readonly_fields = ["ends_at", "created_at", "updated_at", "registrations_tools"]
    inlines = [RegistrationInline]
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "status", "is_example"]}),
        ("Publication programmée", {"fields": ["published_at", "unpublish_at"]}),
        ("Date et lieu", {"fields": ["starts_at", "duration", "ends_at", "format", "online_url", "place", "capacity"]}),
        ("Contenu", {"fields": ["speakers", "description", "levers", "fiches"]}),
        ("Après le rendez-vous", {"fields": ["replay_url", "resources"]}),
        ("Inscriptions", {"fields": ["registrations_tools", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            confirmed_total=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
            waiting_total=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
        )

    @admin.display(description="places", ordering="confirmed_total")
    def places(self, obj):
        """« 2 / 3 · 1 en attente »: confirmed places (out of the capacity, if any), then the waiting list if any."""
        text = str(obj.confirmed_total) if obj.capacity is None else f"{obj.confirmed_total} / {obj.capacity}"
        return f"{text} · {obj.waiting_total} en attente" if obj.waiting_total else text

    @admin.display(description="inscriptions")
    def registrations_tools(self, obj):
        if obj is None or obj.pk is None:
            return "Les inscriptions s’ouvrent une fois le rendez-vous publié."
        counts = obj.registrations.aggregate(
            confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        )
        return format_html(
            "{} place(s) confirmée(s), {} en liste d’attente · <a href=\"{}\">Exporter les inscriptions (CSV)</a> · "
            "<a href=\"{}\">Écrire aux inscrits</a>",
            counts["confirmed"], counts["waiting"],
            reverse("admin:rendezvous_event_registrations_csv", args=[obj.pk]),
            reverse("admin:rendezvous_event_write", args=[obj.pk]),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "capacity" in form.changed_data:
            promoted = event_places_fill(event=form.instance)
            if promoted:
                self.message_user(request, f"{len(promoted)} personne(s) de la liste d’attente ont reçu une place "
                                           "et en sont prévenues par e-mail.", messages.SUCCESS)

    def get_urls(self):
        export = self.admin_site.admin_view(self.registrations_csv_view)
        write = self.admin_site.admin_view(self.write_view)
        return [
            path("<int:pk>/inscriptions.csv", export, name="rendezvous_event_registrations_csv"),
            path("<int:pk>/ecrire/", write, name="rendezvous_event_write"),
            *super().get_urls(),
        ]

    def _event_for(self, request, pk, permission):
        event = get_object_or_404(Event, pk=pk)
        if not (self.has_view_permission(request, event) and request.user.has_perm(permission)):
            raise PermissionDenied
        return event

    def registrations_csv_view(self, request, pk):
        """The live registrations of one event: the confirmed places in order of registration, then the waiting list
        with each person's rank; semicolons and a byte order mark, as a French Excel expects."""
        event = self._event_for(request, pk, "rendezvous.view_registration")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="inscriptions-{event.slug}.csv"'
        response["Cache-Control"] = "private, no-store"
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(CSV_HEADERS)
        confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).order_by("created_at", "pk")
        ranked = [(row, "") for row in confirmed]
        ranked += [(row, rank) for rank, row in enumerate(event.registrations.waiting_in_order(), start=1)]
        for row, rank in ranked:
            writer.writerow([csv_cell(value) for value in (
                row.name, row.email, row.organisation, row.get_status_display(), rank, _local(row.created_at),
                _local(row.promoted_at))])
        return response

    def write_view(self, request, pk):
        """« Écrire aux inscrits »: one outbox row per confirmed place, sent by the job (manage.py send_due)."""
        event = self._event_for(request, pk, "rendezvous.change_event")
        initial = {"message_id": secrets.token_hex(16)}
        form = EventMessageForm(request.POST or None, initial=initial)
        recipients = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            queued = event_message_queue(event=event, message_id=data["message_id"], subject=data["subject"],
                                         text=data["text"])
            if not recipients:
                self.message_user(request, "Aucune place confirmée : aucun e-mail n’a été mis en file.",
                                  messages.WARNING)
            elif queued:
                self.log_change(request, event, f"Message aux inscrits\u00a0: «\u00a0{data['subject']}\u00a0»")
                self.message_user(request, f"{queued} e-mail(s) mis en file d’attente\u00a0: ils partent au prochain "
                                           "passage de l’envoi (manage.py send_due).", messages.SUCCESS)
            else:
                self.message_user(request, "Ce message était déjà en file d’attente\u00a0: rien de plus n’a été "
                                           "envoyé.", messages.WARNING)
            return redirect("admin:rendezvous_event_change", event.pk)
        # Laid out as the admin's own forms: its fieldset template, through the public helpers.AdminForm.
        adminform = helpers.AdminForm(form, [(None, {"fields": ["subject", "text"]})], {})
        ctx = {**self.admin_site.each_context(request), "opts": self.model._meta, "event": event, "form": form,
               "adminform": adminform, "recipients": recipients,
               "title": f"Écrire aux inscrits\u00a0: {event.title}"}
        return TemplateResponse(request, "admin/rendezvous/event/write.html", ctx, status=400 if form.errors else 200)
