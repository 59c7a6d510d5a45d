"""Admin of readers' corrections (« Corrections proposées ») and reviewers' remarks (« Remarques de relecture »).

A correction's page shows the fiche's text beside what the reader wrote (templates/admin/resources/correction/
change_form.html: side by side from 1 024 px, stacked below): the chapeau escaped, the body as the rendered HTML,
sanitised when the fiche was saved; what the reader typed is always escaped. Corrections come from readers only:
nobody adds one here. « Marquer comme traitée » (a button of the page, and an action of the list) needs the change
permission, which the Relecteur role has (hub.roles).
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html

from resources.corrections import corrections_mark_handled
from resources.models import Correction, ReviewNote

MARK_HANDLED = "_marquer_traitee"
# What a row needs of its fiche: the long texts and search copies stay in the database.
FICHE_NAME = ("fiche__title", "fiche__slug")


def own_fields(model):
    return [field.name for field in model._meta.concrete_fields]


def staff_name(user):
    """A member of staff as plain text: a read-only user field is a link to the user's page, which Éditeur and
    Relecteur may not open (a 403)."""
    return user.get_username() if user else "—"


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "fiche_title", "created_at", "status"]
    list_filter = ["status"]
    search_fields = ["message", "fiche__title"]
    actions = ["mark_handled"]
    fields = ["fiche_link", "created_at", "message", "proposed_text", "email", "status", "handled_by_name",
              "handled_at", "staff_note"]
    readonly_fields = ["fiche_link", "created_at", "message", "proposed_text", "email", "status", "handled_by_name",
                       "handled_at"]
    change_form_template = "admin/resources/correction/change_form.html"

    def get_queryset(self, request):
        # The list reads the fiche's title only; the change page reads its texts (change_view below).
        return super().get_queryset(request).select_related("fiche", "handled_by").only(
            *own_fields(Correction), *FICHE_NAME, "handled_by__username"
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description="message")
    def excerpt(self, correction):
        return truncatechars(correction.message, 90)

    @admin.display(description="fiche", ordering="fiche__title")
    def fiche_title(self, correction):
        return correction.fiche.title

    @admin.display(description="traitée par")
    def handled_by_name(self, correction):
        return staff_name(correction.handled_by)

    @admin.display(description="fiche")
    def fiche_link(self, correction):
        return format_html('<a href="{}">{}</a> (<a href="{}">voir sur le site</a>)',
                           reverse("admin:resources_fiche_change", args=[correction.fiche_id]),
                           correction.fiche.title, correction.fiche.get_absolute_url())

    @admin.action(description="Marquer les corrections sélectionnées comme traitées", permissions=["change"])
    def mark_handled(self, request, queryset):
        count = corrections_mark_handled(corrections=queryset, user=request.user)
        self.message_user(request, f"{count} correction(s) marquée(s) comme traitée(s).", messages.SUCCESS)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        correction = self.get_object(request, object_id)
        extra = {**(extra_context or {}), "mark_handled_name": MARK_HANDLED}
        if correction is not None:
            fiche = correction.fiche
            extra.update(
                fiche=type(fiche).objects.only("pk", "title", "chapeau", "body_html").get(pk=fiche.pk),
                review_notes=ReviewNote.objects.filter(fiche_id=fiche.pk).select_related("author")[:50],
                can_add_note=request.user.has_perm("resources.add_reviewnote"),
            )
        return super().change_view(request, object_id, form_url, extra)

    def response_change(self, request, obj):
        # The button saves the staff note with the rest of the form (nothing typed is lost), then marks handled.
        if MARK_HANDLED in request.POST:
            corrections_mark_handled(corrections=Correction.objects.filter(pk=obj.pk), user=request.user)
            self.message_user(request, "La correction est marquée comme traitée.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:resources_correction_changelist"))
        return super().response_change(request, obj)


@admin.register(ReviewNote)
class ReviewNoteAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "fiche", "author", "created_at"]
    list_select_related = ["fiche", "author"]
    search_fields = ["text", "fiche__title"]
    autocomplete_fields = ["fiche"]
    fields = ["fiche", "text", "author_name", "created_at"]
    readonly_fields = ["author_name", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).only(*own_fields(ReviewNote), *FICHE_NAME, "author__username")

    @admin.display(description="auteur ou autrice")
    def author_name(self, note):
        return staff_name(note.author)

    @admin.display(description="remarque")
    def excerpt(self, note):
        return truncatechars(note.text, 90)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # Added from a correction's page (its link carries ?correction=<pk>): back to that page, where the note
        # now shows, rather than to the list of every note.
        back = request.GET.get("correction", "")
        if "_save" in request.POST and back.isdigit() and len(back) < 19 and Correction.objects.filter(
                pk=back, fiche_id=obj.fiche_id).exists():
            self.message_user(request, "La remarque de relecture est ajoutée\u00a0; la voici sous la correction.",
                              messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:resources_correction_change", args=[back]))
        return super().response_add(request, obj, post_url_continue)
