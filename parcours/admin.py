"""Staff edit the parcours and their steps; people's progress and notes never appear here."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

# Its own module registers the rules of « Par où commencer ? »: Django's autodiscovery imports only this one.
from parcours import admin_usage  # noqa: F401
from core.history import history_record, version_first_edit_record
from core.history_admin import HistoryAdmin
from parcours.history import history_register_parcours
from parcours.models import BoardQuestion, Parcours, Step, StepSource
from parcours.stats import parcours_stats
from resources.admin import HTTPS_URLS, CitationInline, FicheTitlesMixin, ReferenceAdmin, WorksheetAdmin, search_results
from resources.models import PROVENANCE_HELP, Fiche, Reference, Worksheet
from resources.search import folded_text_condition

# Before the admins are built: reversion's VersionAdmin would register the models itself, following every inline.
history_register_parcours()

INFERRED_TITLES = (
    "Les intitulés d’étapes livrés sont déduits par la rédaction du hub (la source ne les publie pas) : "
    "ils restent modifiables, et leur provenance dit s’ils ont été confirmés."
)


class StepInline(FicheTitlesMixin, admin.StackedInline):
    model = Step
    fields = [
        ("order", "title", "provenance"), ("slug", "depth", "minutes"), "objective", "questions", "body", "fiches", "worksheets",
    ]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["fiches", "worksheets"]
    ordering = ["order", "pk"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        # One query for the fiches of every step rather than one per step, by title (FicheTitlesMixin).
        return super().get_queryset(request).prefetch_related(Prefetch("fiches", Fiche.objects.only("pk", "title")))


@admin.register(Parcours)
class ParcoursAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "kind", "order", "stats_link"]
    search_fields = ["title", "slug"]  # the autocomplete of a rule item of « Par où commencer ? »
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StepInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "order", "summary", "audience", "source_url"],
                "description": INFERRED_TITLES}),
    ]

    def save_formset(self, request, form, formset, change):
        """Steps edited on this page enter their history too (core.history), as on their own page."""
        if formset.model is not Step:
            return super().save_formset(request, form, formset, change)
        edited = [inline.instance.pk for inline in formset.initial_forms if inline.has_changed()]
        for step in Step.objects.filter(pk__in=edited):  # as they were before this edit, if never kept
            version_first_edit_record(step)
        super().save_formset(request, form, formset, change)
        saved = [step for step, _fields in formset.changed_objects] + list(formset.new_objects)
        history_record(saved, user=request.user, comment=f"Modifiée depuis la page du parcours «\u00a0{form.instance}\u00a0»")

    @admin.display(description="Statistiques")
    def stats_link(self, obj):
        return format_html('<a href="{}">Voir les statistiques</a>', reverse("admin:parcours_parcours_stats", args=[obj.pk]))

    def get_urls(self):
        stats = self.admin_site.admin_view(self.stats_view)
        return [path("<int:pk>/statistiques/", stats, name="parcours_parcours_stats"), *super().get_urls()]

    def stats_view(self, request, pk):
        parcours = get_object_or_404(Parcours, pk=pk)
        if not self.has_view_permission(request, parcours):
            raise PermissionDenied
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "parcours": parcours,
            "title": f"Statistiques : {parcours.title}",
            **parcours_stats(parcours),
        }
        return TemplateResponse(request, "admin/parcours/parcours/stats.html", ctx)


def matching_steps(queryset, parsed):
    """Steps whose title, objective or content hold the words (folded, from the start of a word), as the site-wide
    search finds them (parcours.search)."""
    return queryset.filter(folded_text_condition(parsed))


class StepSourceInline(admin.TabularInline):
    """A step's sources, as a fiche's (resources.admin.FicheSourceInline)."""

    model = StepSource
    fields = ["kind", "reference", "note", "label", "order"]
    autocomplete_fields = ["reference"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reference")


class BoardQuestionInline(admin.TabularInline):
    """The questions a board should debate at the step, which shared spaces answer together. Rewording one keeps
    the spaces' answers (each keeps the question as it was answered); removing one keeps them too, unlinked."""

    model = BoardQuestion
    fields = ["order", "text"]
    extra = 0
    ordering = ["order", "pk"]
    formfield_overrides = {models.CharField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})}}


class StepCitationInline(CitationInline):
    model = StepSource
    owner = "step"
    verbose_name = "étape qui la cite"
    verbose_name_plural = "étapes qui la citent"


# The references' page lists the steps that cite each one too: resources' admin cannot know the steps.
admin.site.unregister(Reference)


@admin.register(Reference)
class ReferenceWithStepsAdmin(ReferenceAdmin):
    list_display = [*ReferenceAdmin.list_display, "step_count"]
    inlines = [*ReferenceAdmin.inlines, StepCitationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(step_count=Count("step_sources", distinct=True))

    @admin.display(description="étapes", ordering="step_count")
    def step_count(self, reference):
        return reference.step_count


@admin.register(Step)
class StepAdmin(HistoryAdmin, FicheTitlesMixin, admin.ModelAdmin):
    # Parcours after parcours, each in its own order: the list reads as the parcours do.
    list_display = ["parcours_title", "order", "title", "depth", "minutes", "provenance"]
    list_display_links = ["title"]
    list_filter = ["parcours", "depth", "provenance"]
    list_select_related = ["parcours"]
    ordering = ["parcours__order", "parcours__pk", "order", "pk"]
    # Shows the search box; the search itself is get_search_results'.
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["fiches", "worksheets"]
    inlines = [BoardQuestionInline, StepSourceInline]
    fields = [
        "parcours", ("order", "depth", "minutes"), "title", "provenance", "slug", "objective", "questions", "body", "fiches",
        "worksheets",
    ]

    @admin.display(description="parcours", ordering="parcours__order")
    def parcours_title(self, step):
        # A method, not the foreign key: Django keeps a foreign key's column on one line, too wide beside the filters.
        return step.parcours.title

    def get_search_results(self, request, queryset, search_term):
        """« benevoles » finds the steps that speak of « Bénévoles »: the site-wide search's matching."""
        return search_results(queryset, search_term, matching_steps)

    def get_form(self, request, obj=None, **kwargs):
        kwargs.setdefault("help_texts", {})["provenance"] = f"{INFERRED_TITLES} {PROVENANCE_HELP}"
        return super().get_form(request, obj, **kwargs)


class WorksheetStepsForm(forms.ModelForm):
    """A sheet's form with the steps that use it (the relation is Step.worksheets, saved by the admin below)."""

    steps = forms.ModelMultipleChoiceField(
        queryset=Step.objects.select_related("parcours").order_by("parcours__order", "parcours__pk", "order", "pk"),
        required=False,
        label="étapes qui l’utilisent",
        help_text="La feuille s’affiche dans l’encadré «\u00a0Feuille de travail\u00a0» de ces étapes.",
        widget=FilteredSelectMultiple("étapes", is_stacked=False),
    )

    class Meta:
        model = Worksheet
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["steps"].label_from_instance = lambda step: f"{step.parcours.title} – {step.title}"
        if self.instance.pk:
            self.fields["steps"].initial = list(self.instance.steps.all())


# resources registers the sheets; the steps, which it cannot import, are added here to the same form.
admin.site.unregister(Worksheet)


@admin.register(Worksheet)
class WorksheetWithStepsAdmin(WorksheetAdmin):
    form = WorksheetStepsForm
    fields = [*WorksheetAdmin.fields, "steps"]

    def get_fields(self, request, obj=None):
        # A read-only page (view permission only, a Relecteur's) shows every field as text: « steps » is no model
        # field (the reverse of Step.worksheets) and Django's display of it failed (a 500); a list of names instead.
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        return ["steps_names" if field == "steps" else field for field in fields]

    @admin.display(description="étapes qui l’utilisent")
    def steps_names(self, worksheet):
        steps = worksheet.steps.select_related("parcours").order_by("parcours__order", "parcours__pk", "order", "pk")
        return ", ".join(f"{step.parcours.title} – {step.title}" for step in steps) or "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.steps.set(form.cleaned_data["steps"])
