"""Staff set the valuation rates; people's organisations and figures are private and stay out of the admin."""

from django.contrib import admin

from diagnostic.models import ValuationRates


@admin.register(ValuationRates)
class ValuationRatesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "volunteer_hour", "fte_year", "dependency_threshold", "updated_at"]
    fieldsets = [
        ("Richesses humaines", {"fields": ["fte_year", "volunteer_hour", "service_civique_month", "intern_month", "skills_day"]}),
        ("Alliances", {"fields": ["partnership_year"]}),
        ("Alertes", {"fields": ["dependency_threshold"]}),
        (None, {"fields": ["note"]}),
    ]

    def has_add_permission(self, request):
        return not ValuationRates.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
