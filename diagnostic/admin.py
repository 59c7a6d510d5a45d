"""Staff set the valuation rates, the questionnaire's descriptors and the recommendation rules; people's
organisations and figures are private and stay out of the admin."""

from django.contrib import admin

from diagnostic.models import ActivationDescriptor, RecommendationRule, ValuationRates
from resources.admin import FicheTitlesMixin


@admin.register(ValuationRates)
class ValuationRatesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "volunteer_hour", "skills_day", "updated_at"]
    fieldsets = [
        ("Contributions volontaires valorisées", {"fields": ["volunteer_hour", "skills_day"],
                                                  "description": "Les seuils d’alerte sont ceux des règles de recommandation."}),
        (None, {"fields": ["note"]}),
    ]

    def has_add_permission(self, request):
        # The single row comes from a migration (and ValuationRates.current() recreates it): nothing to add, and no
        # query on every admin page, whose navigation asks each model whether it can add.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActivationDescriptor)
class ActivationDescriptorAdmin(admin.ModelAdmin):
    list_display = ["component", "level", "text"]
    list_display_links = ["component", "level"]
    list_editable = ["text"]
    list_filter = ["component__lever", "level"]
    list_select_related = ["component"]
    search_fields = ["text", "component__label"]


@admin.register(RecommendationRule)
class RecommendationRuleAdmin(FicheTitlesMixin, admin.ModelAdmin):
    list_display = ["title", "indicator", "comparison", "threshold", "lever", "component", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active", "indicator"]
    list_select_related = ["lever", "component"]
    search_fields = ["title", "slug", "reason"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["fiches"]
    filter_horizontal = ["steps"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "order", "is_active"]}),
        ("Condition", {"fields": ["indicator", "comparison", "threshold", "lever", "component"],
                       "description": "La règle s’applique quand l’indicateur, mesuré sur la dernière année réelle, "
                                      "vérifie la comparaison avec le seuil."}),
        ("Ce qu’elle propose", {"fields": ["reason", "fiches", "steps"]}),
    ]
