from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils import timezone
from taggit.admin import TagAdmin
from taggit.models import Tag

from core.text import moment_label
from core.history_admin import HistoryAdmin
# Its own module registers « Liens cassés »: Django's autodiscovery imports only this one.
from resources import admin_links  # noqa: F401
from resources import models as m
from resources.models.fiche import visible_q
from resources.admin_import_export import ContentImportExportMixin
from resources.fiche_links import fiche_links_refresh
from resources.glossary import glossary_term_changed, glossary_term_deleted
from resources.history import history_register_resources
from resources.review_dates import fiches_mark_reviewed, notice_limit, one_year_after, review_dates_fill
from resources.search import folded_text_condition, prepare_query, search_fiches
from resources.vocabularies import VOCABULARIES

# Before the admins are built: reversion's VersionAdmin would register the models itself, following every inline.
history_register_resources()


# Addresses typed without a scheme are read as https (Django 6 default, set now to silence the deprecation).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class VocabularyAdmin(ContentImportExportMixin, HistoryAdmin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["label", "slug", "order", "provenance"]
    list_editable = ["order"]
    list_filter = ["provenance"]
    search_fields = ["label", "slug", "description"]
    prepopulated_fields = {"slug": ["label"]}


class ComponentInline(admin.TabularInline):
    formfield_overrides = HTTPS_URLS
    model = m.Component
    fields = ["label", "slug", "order", "provenance", "examples"]
    prepopulated_fields = {"slug": ["label"]}
    extra = 0


@admin.register(m.Lever)
class LeverAdmin(VocabularyAdmin):
    list_display = ["label", "question", "order", "provenance"]
    inlines = [ComponentInline]


@admin.register(m.Component)
class ComponentAdmin(VocabularyAdmin):
    list_display = ["label", "lever", "order", "provenance"]
    list_filter = ["lever", "provenance"]
    list_select_related = ["lever"]


@admin.register(m.Tool)
class ToolAdmin(VocabularyAdmin):
    list_display = ["label", "kind", "order", "provenance"]
    list_filter = ["kind", "provenance"]


@admin.register(m.EntryDoor)
class EntryDoorAdmin(VocabularyAdmin):
    list_display = ["label", "tool", "order", "provenance"]
    list_select_related = ["tool"]
    autocomplete_fields = ["tool"]


for _kind in VOCABULARIES:
    if not admin.site.is_registered(_kind.model):
        admin.site.register(_kind.model, VocabularyAdmin)


@admin.register(m.Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["__str__"]
    search_fields = ["terms"]


def search_results(queryset, search_term, matching):
    """The admin's search through the hub's (resources.search): the typed text parsed and widened with the
    synonyms (one query), then ``matching(queryset, parsed)`` in the list's own query. Nothing typed: everything;
    only exclusions or punctuation: nothing."""
    if not search_term.strip():
        return queryset, False
    parsed = prepare_query(search_term)
    if not parsed:
        return queryset.none(), False
    return matching(queryset, parsed), False


def matching_fiches(queryset, parsed):
    """Fiches the public search finds: accents and case folded, French stems on PostgreSQL (its index), title,
    chapeau, tags and body."""
    return queryset.filter(pk__in=search_fiches(m.Fiche.objects.all(), parsed).values("pk"))


def matching_fiches_as_typed(queryset, parsed):
    """The same, plus the fiches whose title has words starting with the typed ones: « méc » while typing in an
    autocomplete, which stems alone miss. The short titles are read first, the long texts only for those."""
    typing = Q()
    for word in parsed.positive_words():
        typing &= Q(search_title__contains=f" {word}")
    found = search_fiches(m.Fiche.objects.all(), parsed).values("pk")
    return queryset.filter(Q(pk__in=found) | (typing & folded_text_condition(parsed)))


class FicheTitlesMixin:
    """For a ModelAdmin or an inline with fiches in an autocomplete: the chosen fiches are read by title, their
    bodies, rendered HTML and search copies stay in the database."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is m.Fiche:
            kwargs.setdefault("queryset", m.Fiche.objects.only("pk", "title"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class FicheSourceInline(admin.TabularInline):
    """A fiche's sources: a reference (chosen by autocomplete) and what it supports here, or a deduction of the
    editors and its reasoning; the model's clean() says which is missing, in French."""

    formfield_overrides = HTTPS_URLS
    model = m.FicheSource
    fields = ["kind", "reference", "note", "label", "url", "order"]
    autocomplete_fields = ["reference"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reference")


class CitationInline(admin.TabularInline):
    """Read-only: the rows that cite a reference, each linked to its own admin page. Subclasses set ``model``,
    ``owner`` (the cited-from field) and the names."""

    owner = None
    fk_name = "reference"
    fields = readonly_fields = ["cited_by", "note"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(self.owner)

    @admin.display(description="cité par")
    def cited_by(self, source):
        owner = getattr(source, self.owner)
        meta = owner._meta
        return format_html('<a href="{}">{}</a>', reverse(f"admin:{meta.app_label}_{meta.model_name}_change",
                                                          args=[owner.pk]), owner)


class FicheCitationInline(CitationInline):
    model = m.FicheSource
    owner = "fiche"
    verbose_name = "fiche qui la cite"
    verbose_name_plural = "fiches qui la citent"


@admin.register(m.Reference)
class ReferenceAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "publisher", "date", "kind", "fiche_count"]
    list_filter = ["kind"]
    search_fields = ["title", "publisher", "slug", "url"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "publisher", "date", "url", "kind"]
    inlines = [FicheCitationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(fiche_count=Count("fiche_sources", distinct=True))

    @admin.display(description="fiches", ordering="fiche_count")
    def fiche_count(self, reference):
        return reference.fiche_count


def visibility_label(fiche, now):
    """What a visitor sees of the fiche now, in the editors' words."""
    state = fiche.visibility(now)
    if state == "scheduled":
        return f"Programmée pour le {moment_label(fiche.published_at)}"
    if state == "withdrawn":
        return f"Retirée depuis le {moment_label(fiche.unpublish_at)}"
    if state == "online" and fiche.unpublish_at:
        return f"En ligne jusqu’au {moment_label(fiche.unpublish_at)}"
    return "En ligne" if state == "online" else "Brouillon"


class VisibilityFilter(admin.SimpleListFilter):
    title = "visibilité"
    parameter_name = "visibilite"

    def lookups(self, request, model_admin):
        return [("en-ligne", "En ligne"), ("programmee", "Programmée"), ("retiree", "Retirée"),
                ("brouillon", "Brouillon")]

    def queryset(self, request, queryset):
        now, published = timezone.now(), queryset.filter(status=m.Fiche.Status.PUBLISHED)
        return {
            "en-ligne": lambda: queryset.filter(visible_q(now)),
            "programmee": lambda: published.filter(published_at__gt=now),
            "retiree": lambda: published.filter(unpublish_at__lte=now),
            "brouillon": lambda: queryset.filter(status=m.Fiche.Status.DRAFT),
        }.get(self.value(), lambda: queryset)()


class ReviewFilter(admin.SimpleListFilter):
    """Published fiches by review date (resources.review_dates): past, within NOTICE_DAYS days, or later."""

    title = "relecture"
    parameter_name = "relecture"

    def lookups(self, request, model_admin):
        return [("en-retard", "En retard"), ("sous-30-jours", "Dans les 30 jours"), ("a-jour", "À jour")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        conditions = {
            "en-retard": Q(review_by__lt=today),
            "sous-30-jours": Q(review_by__gte=today, review_by__lte=notice_limit(today)),
            "a-jour": Q(review_by__gt=notice_limit(today)),
        }
        if self.value() not in conditions:  # no choice, or one made up in the address: the whole list
            return queryset
        return queryset.filter(conditions[self.value()], status=m.Fiche.Status.PUBLISHED)


@admin.register(m.Fiche)
class FicheAdmin(ContentImportExportMixin, HistoryAdmin, FicheTitlesMixin, admin.ModelAdmin):
    list_display = ["title", "family", "visibility", "published_at", "updated_at", "last_reviewed",
                    "review_by"]
    list_filter = [VisibilityFilter, ReviewFilter, "family", "levers", "objectives", "actor_kinds", "entry_doors"]
    # Shows the search box and allows the autocomplete; the search itself is get_search_results'.
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    inlines = [FicheSourceInline]
    actions = ["publish", "unpublish", "mark_reviewed"]
    readonly_fields = ["created_at", "updated_at"]
    # Autocomplete scales to vocabularies of 16+ values and to hundreds of related fiches.
    autocomplete_fields = [kind.field for kind in VOCABULARIES] + ["related"]
    fieldsets = [
        (None, {"fields": ["family", "title", "slug", "chapeau", "body", "tags"]}),
        ("Publication", {"fields": ["status", "published_at", "unpublish_at", "last_reviewed", "review_by",
                                    "created_at", "updated_at"]}),
        ("Classement", {"fields": [kind.field for kind in VOCABULARIES]}),
        ("Fiches liées", {"fields": ["related"]}),
    ]

    @admin.display(description="visibilité", ordering="status")
    def visibility(self, fiche):
        return visibility_label(fiche, timezone.now())

    def get_search_results(self, request, queryset, search_term):
        """The public search's matching, drafts included (the queryset is the admin's): « mecenat » finds what
        « mécénat » finds, in titles and texts. In an autocomplete (related fiches, a step's fiches), words being
        typed also match the start of title words."""
        as_typed = request.resolver_match and request.resolver_match.url_name == "autocomplete"
        return search_results(queryset, search_term, matching_fiches_as_typed if as_typed else matching_fiches)

    @admin.action(description="Publier les fiches sélectionnées", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        count = queryset.filter(published_at__isnull=True).update(published_at=now)
        updated = queryset.update(status=m.Fiche.Status.PUBLISHED, updated_at=now)
        review_dates_fill(queryset)  # update() skips derive_fields: the first publication's default review date
        fiche_links_refresh(slugs=list(queryset.values_list("slug", flat=True)))  # drafts named as text become links
        self.message_user(request, f"{updated} fiche(s) publiée(s), dont {count} pour la première fois.",
                          messages.SUCCESS)

    @admin.action(description="Dépublier les fiches sélectionnées (repasser en brouillon)", permissions=["change"])
    def unpublish(self, request, queryset):
        updated = queryset.update(status=m.Fiche.Status.DRAFT, updated_at=timezone.now())
        fiche_links_refresh(slugs=list(queryset.values_list("slug", flat=True)))  # no link to a page now hidden
        self.message_user(request, f"{updated} fiche(s) repassée(s) en brouillon.", messages.SUCCESS)

    @admin.action(description="Marquer comme relues les fiches sélectionnées", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        today = timezone.localdate()
        count = fiches_mark_reviewed(fiches=queryset, today=today)
        drafts = queryset.count() - count
        skipped = f" ({drafts} brouillon(s) laissé(s) de côté)" if drafts else ""
        self.message_user(request, f"{count} fiche(s) marquée(s) comme relue(s) aujourd’hui, à relire avant le "
                          f"{date_format(one_year_after(today), 'j F Y')}{skipped}.", messages.SUCCESS)

    # « Marquer comme relue » is a button of the change form (templates/admin/resources/fiche/change_form.html): it
    # saves what was typed along with the review (CONVENTIONS 20), then stays on the form.
    MARK_REVIEWED = "_mark_reviewed"

    def save_model(self, request, obj, form, change):
        if change and self.MARK_REVIEWED in request.POST and obj.status == m.Fiche.Status.PUBLISHED:
            obj.last_reviewed = timezone.localdate()
            obj.review_by = one_year_after(obj.last_reviewed)
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if self.MARK_REVIEWED in request.POST and obj.status == m.Fiche.Status.PUBLISHED:
            self.message_user(request, f"La fiche «\u00a0{obj}\u00a0» est enregistrée et marquée comme relue "
                              f"aujourd’hui\u00a0; à relire avant le {date_format(obj.review_by, 'j F Y')}.", messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


@admin.register(m.GlossaryTerm)
class GlossaryTermAdmin(ContentImportExportMixin, HistoryAdmin, FicheTitlesMixin, admin.ModelAdmin):
    """Each save or deletion renders again the bodies of fiches and steps that show the term (resources.glossary):
    called here, not from a signal, as a service of the admin's own write."""

    list_display = ["term", "slug", "provenance", "updated_at"]
    list_filter = ["provenance"]
    search_fields = ["term", "variants", "slug", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    autocomplete_fields = ["references", "related_fiches", "see_also"]
    readonly_fields = ["updated_at"]
    fields = ["term", "slug", "variants", "definition", "provenance", "references", "related_fiches", "see_also",
              "updated_at"]

    def save_model(self, request, obj, form, change):
        previous = m.GlossaryTerm.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        count = glossary_term_changed(term=obj, previous_forms=previous.forms if previous else (),
                                      previous_slug=previous.slug if previous else None)
        if count:
            self.message_user(request, f"{count} fiche(s) ou étape(s) mise(s) à jour avec ce terme.", messages.INFO)

    def delete_model(self, request, obj):
        slug, term, forms = obj.slug, obj.term, obj.forms
        super().delete_model(request, obj)
        glossary_term_deleted(slug=slug, term=term, forms=forms)

    def delete_queryset(self, request, queryset):
        for term in list(queryset):
            self.delete_model(request, term)


admin.site.unregister(Tag)


@admin.register(Tag)
class KeywordAdmin(TagAdmin):
    """Taggit's admin of the fiches' « mots-clés » (its merge action included), in French."""

    list_display = ["name", "address_slug"]
    TAGGIT_MESSAGES = {
        "Please select at least one tag.": "Sélectionnez au moins un mot-clé.",
        "Tags have been merged": "Les mots-clés ont été fusionnés.",
        "Form is invalid.": "Le nom du mot-clé qui les remplace manque ou est trop long.",
    }

    @admin.display(description="identifiant d’adresse", ordering="slug")
    def address_slug(self, tag):
        return tag.slug

    def get_form(self, request, obj=None, **kwargs):
        kwargs.setdefault("labels", {}).update(name="mot-clé", slug="identifiant d’adresse")
        return super().get_form(request, obj, **kwargs)

    @admin.action(description="Fusionner les mots-clés sélectionnés", permissions=["change"])
    def render_tag_form(self, request, queryset):
        return super().render_tag_form(request, queryset)

    def message_user(self, request, message, *args, **kwargs):
        super().message_user(request, self.TAGGIT_MESSAGES.get(str(message), message), *args, **kwargs)


@admin.register(m.Worksheet)
class WorksheetAdmin(admin.ModelAdmin):
    """The steps that use a sheet are edited on this form too: parcours/admin.py adds them (resources never
    imports parcours)."""

    list_display = ["title", "order", "minutes", "has_table", "updated_at"]
    list_editable = ["order"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["fiches"]
    readonly_fields = ["has_table", "updated_at"]
    fields = ["title", "slug", "summary", ("minutes", "order"), "body", "has_table", "fiches", "updated_at"]

from resources import admin_corrections  # noqa: E402,F401  (registers the corrections' admin; its own module)
