from django.contrib import admin, messages
from django.db import models
from django.utils import timezone

from hub.page_cache import bump_content_version
from resources import models as m
from resources.vocabularies import VOCABULARIES


# Addresses typed without a scheme are read as https (Django 6 default, set now to silence the deprecation).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class VocabularyAdmin(admin.ModelAdmin):
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


class FicheSourceInline(admin.TabularInline):
    formfield_overrides = HTTPS_URLS
    model = m.FicheSource
    fields = ["label", "url", "kind", "order"]
    extra = 1


@admin.register(m.Fiche)
class FicheAdmin(admin.ModelAdmin):
    list_display = ["title", "family", "status", "published_at", "updated_at", "last_reviewed"]
    list_filter = ["status", "family", "levers", "objectives", "actor_kinds", "entry_doors"]
    search_fields = ["title", "chapeau", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    inlines = [FicheSourceInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["created_at", "updated_at"]
    # Autocomplete scales to vocabularies of 16+ values and to hundreds of related fiches.
    autocomplete_fields = [kind.field for kind in VOCABULARIES] + ["related"]
    fieldsets = [
        (None, {"fields": ["family", "title", "slug", "chapeau", "body", "tags"]}),
        ("Publication", {"fields": ["status", "published_at", "last_reviewed", "created_at", "updated_at"]}),
        ("Classement", {"fields": [kind.field for kind in VOCABULARIES]}),
        ("Fiches liées", {"fields": ["related"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Tags are saved with the related objects: copy them into the searchable text now.
        form.instance.sync_tags_text()

    @admin.action(description="Publier les fiches sélectionnées")
    def publish(self, request, queryset):
        now = timezone.now()
        count = queryset.filter(published_at__isnull=True).update(published_at=now)
        updated = queryset.update(status=m.Fiche.Status.PUBLISHED, updated_at=now)
        bump_content_version()  # update() sends no signal
        self.message_user(request, f"{updated} fiche(s) publiée(s), dont {count} pour la première fois.",
                          messages.SUCCESS)

    @admin.action(description="Dépublier les fiches sélectionnées (repasser en brouillon)")
    def unpublish(self, request, queryset):
        updated = queryset.update(status=m.Fiche.Status.DRAFT, updated_at=timezone.now())
        bump_content_version()
        self.message_user(request, f"{updated} fiche(s) repassée(s) en brouillon.", messages.SUCCESS)
