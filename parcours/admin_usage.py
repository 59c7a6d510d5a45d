"""Staff edit the rules of « Par où commencer ? » (parcours.models.usage), preview the path some answers give and
read how the feature is used (imported by parcours.admin, which Django's autodiscovery loads).

The kept paths and the counts are not registered: a kept path is personal data, and the counts are read through
the statistics page, summed, never row by row.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import capfirst

from parcours.forms import UsageAnswersForm
from parcours.models import ActorType, Aim, UsageRule, UsageRuleItem
from parcours.models.usage import ANSWER_CHOICES
from parcours.usage_paths import build_path, load_rulebook
from parcours.usage_preview import preview_groups, silent_rules
from parcours.usage_stats import DEFAULT_PERIOD, FIRST_OPENS_SHOWN, PERIODS, first_opens, paths_shown, period_start

Kind = UsageRuleItem.Kind
TARGET_FIELDS = list(UsageRuleItem.TARGET_FIELDS.values())
CONDITION_LABELS = {"profiles": "Profils", "aims": "Objectifs", "maturities": "Maturités", "times": "Temps"}


# --- The rule's form ----------------------------------------------------------------------------------------------

class AnswerValuesField(forms.MultipleChoiceField):
    """One question's answers as checkboxes, saved as the list a rule keeps, in the answers' own order (not the
    order they were ticked in): none ticked, the condition holds for every answer."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value):
        ticked = set(super().clean(value))
        return [choice for choice, _label in self.choices if choice in ticked]


class AnswerFilter(admin.SimpleListFilter):
    """The rules that hold for one answer: those that name it, and those without this condition (every answer).
    Subclasses set ``field`` (a JSON list of UsageRule) and ``answers`` (its TextChoices)."""

    field = ""
    answers = None

    def lookups(self, request, model_admin):
        return self.answers.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        # Read in Python (one query) rather than in SQL: SQLite has no containment lookup on JSON, and the rules
        # are a few dozen.
        pks = [pk for pk, values in UsageRule.objects.values_list("pk", self.field) if not values or self.value() in values]
        return queryset.filter(pk__in=pks)


class ProfileFilter(AnswerFilter):
    title = "profil (règles qui s’y appliquent)"
    parameter_name = "profil"
    field = "profiles"
    answers = ActorType


class AimFilter(AnswerFilter):
    title = "objectif (règles qui s’y appliquent)"
    parameter_name = "objectif"
    field = "aims"
    answers = Aim


# --- The items' inline --------------------------------------------------------------------------------------------

class ReadTargetSelect(AutocompleteSelect):
    """An autocomplete whose chosen option is labelled from the target the inline read with its item
    (``read_target``), instead of one query per item and per target field; any other value is looked up as usual."""

    read_target = None

    def optgroups(self, name, value, attr=None):
        target = self.read_target
        chosen = [str(v) for v in value if v not in self.choices.field.empty_values]
        if target is None or chosen != [str(target.pk)]:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(target)
        options.append(self.create_option(name, target.pk, label, set(chosen), len(options)))
        return [(None, options, 0)]


class UsageRuleItemForm(forms.ModelForm):
    class Meta:
        model = UsageRuleItem
        fields = "__all__"
        widgets = {"why": forms.Textarea(attrs={"rows": 2, "cols": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left to the model's clean(), which says what to write: the form's « Ce champ est obligatoire. » would come
        # on top of it.
        self.fields["why"].required = False
        for name in TARGET_FIELDS:
            widget = getattr(self.fields[name].widget, "widget", None)  # inside the admin's RelatedFieldWidgetWrapper
            if isinstance(widget, ReadTargetSelect) and getattr(self.instance, f"{name}_id", None) is not None:
                widget.read_target = getattr(self.instance, name)  # select_related by the inline: no query


class UsageRuleItemInline(admin.StackedInline):
    """The model's clean() checks that the kind and the target agree; its errors land on the field concerned."""

    model = UsageRuleItem
    form = UsageRuleItemForm
    # One row per target, so that static/js/usage-rule-admin.js can show only the one the kind names.
    fields = [("order", "kind"), *(("parcours", "depth") if name == "parcours" else name for name in TARGET_FIELDS),
              ("minutes", "medoc"), "why"]
    autocomplete_fields = TARGET_FIELDS
    ordering = ["order", "pk"]
    extra = 1

    class Media:
        js = ["js/usage-rule-admin.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*TARGET_FIELDS)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in TARGET_FIELDS:
            kwargs["widget"] = ReadTargetSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def kinds_help():
    """[(kind label, the field its target goes in, or None; whether its time must be given)] for the page's help,
    read from the model so that it cannot drift from clean()."""
    fields = {field.name: capfirst(field.verbose_name) for field in UsageRuleItem._meta.fields}
    return [(kind.label, fields.get(UsageRuleItem.TARGET_FIELDS.get(kind)), kind in UsageRuleItem.NEEDS_MINUTES)
            for kind in Kind]


class UsageStatsForm(forms.Form):
    periode = forms.ChoiceField(
        label="Période", choices=PERIODS.items(),
        error_messages={"invalid_choice": "Cette période n’est pas proposée\u00a0: choisissez-en une de la liste.",
                        "required": "Choisissez une période."},
    )


# --- The rules ----------------------------------------------------------------------------------------------------

@admin.register(UsageRule)
class UsageRuleAdmin(admin.ModelAdmin):
    list_display = ["title", "conditions", "priority", "is_fallback", "is_active", "item_count"]
    list_filter = ["is_active", "is_fallback", AimFilter, ProfileFilter]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["regions", "domains"]
    inlines = [UsageRuleItemInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", ("priority", "is_fallback", "is_active")]}),
        ("Conditions", {
            "fields": ["profiles", "aims", "maturities", "times", "regions", "domains"],
            "description": "La règle s’applique quand toutes ses conditions sont remplies. Une question sans case "
                           "cochée ne restreint rien\u00a0: la règle vaut pour toutes ses réponses.",
        }),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items")).prefetch_related("regions", "domains")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ANSWER_CHOICES:
            return AnswerValuesField(label=capfirst(db_field.verbose_name), choices=ANSWER_CHOICES[db_field.name].choices,
                                     required=False, help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="conditions")
    def conditions(self, rule):
        """« Profils : Association · Temps : 2 heures », or « Toutes les réponses »; regions and domains are
        prefetched (get_queryset)."""
        parts = []
        for field, label in CONDITION_LABELS.items():
            values, choices = getattr(rule, field), ANSWER_CHOICES[field]
            if isinstance(values, list) and values and set(values) != set(choices.values):
                names = [choices(value).label if value in choices.values else value for value in values]
                parts.append(f"{label}\u00a0: {', '.join(names)}")
        for label, values in (("Régions", rule.regions.all()), ("Domaines", rule.domains.all())):
            if len(values) > 4:  # a long list would make the row a column: its count says enough here
                parts.append(f"{label}\u00a0: {len(values)}")
            elif values:
                parts.append(f"{label}\u00a0: {', '.join(str(value) for value in values)}")
        return " · ".join(parts) or "Toutes les réponses"

    @admin.display(description="éléments", ordering="item_count")
    def item_count(self, rule):
        return rule.item_count

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        stats = self.admin_site.admin_view(self.stats_view)
        return [
            path("apercu/", preview, name="parcours_usagerule_preview"),
            path("statistiques/", stats, name="parcours_usagerule_stats"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        targets = {kind.value: field for kind, field in UsageRuleItem.TARGET_FIELDS.items()}  # for the page's script
        context.update(usage_kinds=kinds_help(), usage_targets=targets)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _page_context(self, request, title):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title}

    def preview_view(self, request):
        """The path as the public page would build it now, from the rules saved (not the cached book)."""
        ctx = self._page_context(request, "Aperçu d’un parcours d’usage")
        form = UsageAnswersForm(request.GET or None)
        ctx["form"] = form
        if form.is_valid():
            answers, book = form.answers(), load_rulebook()
            usage_path = build_path(answers, book)
            ctx.update(
                answers=answers, path=usage_path, groups=preview_groups(usage_path, book),
                silent=silent_rules(answers, usage_path, book), budget=answers.budget,
            )
        status = 400 if form.is_bound and not form.is_valid() else 200
        return TemplateResponse(request, "admin/parcours/usagerule/preview.html", ctx, status=status)

    def stats_view(self, request):
        ctx = self._page_context(request, "Statistiques des parcours d’usage")
        form = UsageStatsForm(request.GET or {"periode": DEFAULT_PERIOD})
        ctx["form"] = form
        if not form.is_valid():
            return TemplateResponse(request, "admin/parcours/usagerule/stats.html", ctx, status=400)
        start = period_start(form.cleaned_data["periode"], timezone.localdate())
        ctx.update(start=start, table=paths_shown(start), opens=first_opens(start), opens_shown=FIRST_OPENS_SHOWN)
        return TemplateResponse(request, "admin/parcours/usagerule/stats.html", ctx)
