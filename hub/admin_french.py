"""The admin in French that agrees: titles, buttons, actions and permission names built with each model's gender.

Django's French catalogue pastes the bare verbose name into its sentences: « Modification de étape »,
« Ajouter fiche », « Supprimer les fiches sélectionnés », « Can add fiche ». Here every model's grammatical gender
is declared once (GENDERS, a test checks that none is missing) and ``FrenchNoun`` builds the articles, with the
elision before a vowel, and the agreements.

- ``HubAdminSite`` (the default site, see hub.apps) mixes ``FrenchAdminMixin`` into every ModelAdmin registered
  on it: the hub's own, and auth's and taggit's, without re-registering them one by one.
- The mixin only retitles the pages Django builds (TemplateResponse context, before rendering) when the title is
  still Django's own; a title chosen by a ModelAdmin is kept. It adds ``french`` to the context for the few
  sentences written in templates (templates/admin/: the « Ajouter une fiche » button and breadcrumb, « Sélectionner
  les 17 fiches »).
- ``name_permissions_in_french`` (post_migrate) names the four permissions of every model: « Peut ajouter une
  fiche », « Peut consulter un parcours ».
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.auth import get_permission_codename
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, router
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control

FEMININE, MASCULINE = "f", "m"

# One line per model shown or named anywhere (admin pages, permission names), by ``app_label.model_name``.
GENDERS = {
    # Django
    "admin.logentry": FEMININE,  # entrée d’historique
    "auth.permission": FEMININE,
    "auth.group": MASCULINE,
    "auth.user": MASCULINE,
    "contenttypes.contenttype": MASCULINE,
    "sessions.session": FEMININE,
    "accounts.session": FEMININE,
    # taggit, named in hub.apps.TaggitConfig
    "taggit.tag": MASCULINE,  # mot-clé
    "taggit.taggeditem": FEMININE,  # attribution de mot-clé
    # resources
    "resources.actionobjective": MASCULINE,  # objectif d’action
    "resources.actorkind": MASCULINE,  # type d’acteur
    "resources.actorprofile": MASCULINE,  # profil d’acteur
    "resources.component": FEMININE,  # composante d’un levier
    "resources.domain": MASCULINE,
    "resources.economy": FEMININE,
    "resources.entrydoor": FEMININE,  # porte d’entrée
    "resources.impact": MASCULINE,
    "resources.lever": MASCULINE,
    "resources.referentielpart": FEMININE,  # partie du référentiel
    "resources.region": FEMININE,
    "resources.tool": MASCULINE,  # outil ou ressource
    "resources.fiche": FEMININE,
    "resources.fichesource": FEMININE,  # source
    "resources.synonym": MASCULINE,
    "resources.glossaryterm": MASCULINE,  # terme du glossaire
    "resources.reference": FEMININE,  # référence bibliographique
    "resources.worksheet": FEMININE,  # feuille de travail
    "resources.linkcheck": MASCULINE,  # lien externe
    "resources.correction": FEMININE,  # correction proposée
    "resources.reviewnote": FEMININE,  # remarque de relecture
    # parcours
    "parcours.parcours": MASCULINE,
    "parcours.step": FEMININE,  # étape
    "parcours.stepsource": FEMININE,  # source d’étape
    "parcours.boardquestion": FEMININE,  # question
    "accounts.profile": MASCULINE,
    "accounts.attemptcount": MASCULINE,  # compteur d’échecs de connexion
    "parcours.savedfiche": FEMININE,
    "parcours.enrolment": FEMININE,  # inscription
    "parcours.stepprogress": FEMININE,  # progression
    "parcours.usagerule": FEMININE,  # règle de parcours d’usage
    "parcours.usageruleitem": MASCULINE,  # élément de parcours d’usage
    "parcours.keptusagepath": MASCULINE,  # parcours d’usage gardé
    "parcours.usagepathcount": MASCULINE,  # compte de parcours d’usage
    "parcours.usagefirstopencount": MASCULINE,  # compte d’ouvertures
    # diagnostic
    "diagnostic.valuationrates": MASCULINE,  # barème
    "diagnostic.organisation": FEMININE,
    "diagnostic.snapshot": FEMININE,  # année de chiffres
    "diagnostic.visitor": MASCULINE,  # navigateur sans compte
    "diagnostic.activationdescriptor": FEMININE,  # description
    "diagnostic.recommendationrule": FEMININE,  # règle
    "diagnostic.membership": MASCULINE,  # membre
    "diagnostic.invitation": FEMININE,
    "diagnostic.spaceevent": MASCULINE,  # événement
    "diagnostic.comment": MASCULINE,  # commentaire
    "diagnostic.spacestep": FEMININE,  # étape
    "diagnostic.answer": FEMININE,  # réponse
    "diagnostic.decision": FEMININE,
    # rendezvous
    "rendezvous.outgoingmail": MASCULINE,  # e-mail sortant
    "rendezvous.event": MASCULINE,  # rendez-vous
    "rendezvous.registration": FEMININE,  # inscription
    "rendezvous.letter": FEMININE,  # lettre
    "rendezvous.lettersubscriber": MASCULINE,  # abonnement à la lettre
    "rendezvous.searchalert": FEMININE,  # alerte sur une recherche
    # django-reversion (core.history)
    "reversion.revision": FEMININE,
    "reversion.version": FEMININE,
}

# « l’étape », « l’outil »; an aspirated h would need its own list (no model name starts with an h).
_VOWELS = frozenset("aeiouàâäéèêëîïôöùûüœæ")

PERMISSION_VERBS = {"add": "ajouter", "change": "modifier", "delete": "supprimer", "view": "consulter"}


@dataclass(frozen=True)
class FrenchNoun:
    """A model's name with its articles: « une fiche », « l’étape », « du parcours »."""

    singular: str
    plural: str
    feminine: bool

    @property
    def elided(self):
        return self.singular[:1].lower() in _VOWELS

    @property
    def a(self):
        return f"{'une' if self.feminine else 'un'} {self.singular}"

    @property
    def the(self):
        if self.elided:
            return f"l’{self.singular}"
        return f"{'la' if self.feminine else 'le'} {self.singular}"

    @property
    def of_the(self):
        if self.elided:
            return f"de l’{self.singular}"
        return f"de la {self.singular}" if self.feminine else f"du {self.singular}"

    @property
    def of_a(self):
        return f"d’{self.a}"

    def agree(self, participle, count=1):
        """« sélectionnée », « sélectionnés »: the participle agreeing with this noun (plural from 2, in French)."""
        return participle + ("e" if self.feminine else "") + ("s" if count > 1 else "")

    def count(self, count, participle):
        """« 1 fiche sélectionnée », « 17 fiches sélectionnées »."""
        return f"{count} {self.singular if count < 2 else self.plural} {self.agree(participle, count)}"

    # Sentences of the admin pages.
    @property
    def add_label(self):
        return f"Ajouter {self.a}"

    @property
    def add_title(self):
        return f"Ajout {self.of_a}"

    @property
    def change_title(self):
        return f"Modification {self.of_the}"

    @property
    def view_title(self):
        return f"Consultation {self.of_the}"

    @property
    def delete_title(self):
        return f"Suppression {self.of_the}"

    @property
    def cannot_delete_title(self):
        return f"Impossible de supprimer {self.the}"

    @property
    def delete_selected(self):
        return f"Supprimer les {self.plural} {self.agree('sélectionné', 2)}"

    @property
    def delete_selected_title(self):
        return f"Suppression des {self.plural} {self.agree('sélectionné', 2)}"

    @property
    def cannot_delete_selected_title(self):
        return f"Impossible de supprimer les {self.plural} {self.agree('sélectionné', 2)}"

    def history_title(self, obj):
        return f"Historique {self.of_the} «\u00a0{obj}\u00a0»"

    def permission(self, action):
        return f"Peut {PERMISSION_VERBS[action]} {self.a}"


def french_noun(opts):
    """The FrenchNoun of a model's Options (``model._meta``)."""
    return FrenchNoun(str(opts.verbose_name), str(opts.verbose_name_plural), GENDERS.get(opts.label_lower) == FEMININE)


def _unrendered_context(response):
    """The context of a TemplateResponse not rendered yet (its title can still change), else None."""
    if isinstance(response, TemplateResponse) and not response.is_rendered and response.context_data is not None:
        return response.context_data
    return None


def _m2m_link_labels():
    """{verbose name of an automatic many-to-many table: French label}, e.g. « Relation fiche-component » gives
    « Liens fiche – composantes ». Django names these tables after the models' code names."""
    labels = {}
    for model in global_apps.get_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                label = f"liens {model._meta.verbose_name} – {field.verbose_name}"
                labels[str(through._meta.verbose_name)] = label
                labels[str(through._meta.verbose_name_plural)] = label
    return labels


def _without_m2m_links(nested, prefixes):
    """The nested list of objects to delete, without the rows of automatic many-to-many tables (« Relation
    fiche-component: Fiche_components object (10) »): the summary above counts them under a French name."""
    kept = []
    for item in nested:
        if isinstance(item, list):
            item = _without_m2m_links(item, prefixes)
            if item:
                kept.append(item)
        elif not (isinstance(item, str) and item.startswith(prefixes)):
            kept.append(item)
    return kept


def delete_selected_in_french(modeladmin, request, queryset):
    """Django's « delete selected » action, whose confirmation page is titled with the right agreement."""
    response = delete_selected(modeladmin, request, queryset)
    noun = french_noun(modeladmin.opts)
    context = _unrendered_context(response)
    if context is not None:
        refused = context.get("perms_lacking") or context.get("protected")
        context["title"] = noun.cannot_delete_selected_title if refused else noun.delete_selected_title
    return response


delete_selected_in_french.allowed_permissions = ("delete",)


class FrenchAdminMixin:
    """Titles, buttons and actions of a ModelAdmin in French with the model's gender (see the module docstring)."""

    @property
    def french(self):
        return french_noun(self.opts)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, _ = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_in_french, name, self.french.delete_selected)
        return actions

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        labels = _m2m_link_labels()
        counts = {}
        for name, count in model_count.items():
            key = capfirst(labels.get(str(name), name))
            counts[key] = counts.get(key, 0) + count
        prefixes = tuple(f"{capfirst(name)}: " for name in labels)
        return _without_m2m_links(deleted, prefixes), counts, perms_needed, protected

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        noun, name = self.french, self.opts.verbose_name
        titles = {
            gettext("Add %s") % name: noun.add_title,
            gettext("Change %s") % name: noun.change_title,
            gettext("View %s") % name: noun.view_title,
        }
        title = str(context.get("title", ""))
        context.update(title=titles.get(title, title), french=noun)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = _unrendered_context(response)
        if context is not None and "cl" in context:
            noun, changelist = self.french, context["cl"]
            if context.get("title") == changelist.title:
                if changelist.is_popup:
                    context["title"] = f"Sélectionnez {noun.a}"
                elif self.has_change_permission(request):
                    context["title"] = f"Sélectionnez {noun.a} à modifier"
                else:
                    context["title"] = f"Sélectionnez {noun.a} à consulter"
            context["selection_note_all"] = noun.count(changelist.result_count, "sélectionné")
            context["french"] = noun
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        context = _unrendered_context(response)
        if context is not None and "object" in context:
            obj = context["object"]
            if context["title"] == gettext("Change history: %s") % obj:
                context["title"] = self.french.history_title(obj)
            context["french"] = self.french
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        context = _unrendered_context(response)
        if context is not None:
            noun = self.french
            titles = {
                gettext("Delete"): noun.delete_title,
                gettext("Cannot delete %(name)s") % {"name": self.opts.verbose_name}: noun.cannot_delete_title,
            }
            context.update(title=titles.get(str(context.get("title")), context.get("title")), french=noun)
        return response


class HubAdminSite(admin.AdminSite):
    """The admin site of the hub: every ModelAdmin registered on it speaks French (FrenchAdminMixin)."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, FrenchAdminMixin):
            admin_class = type(admin_class.__name__, (FrenchAdminMixin, admin_class), {"__module__": admin_class.__module__})
        super().register(model_or_iterable, admin_class, **options)

    def app_index(self, request, app_label, extra_context=None):
        # Django titles it « Administration de Authentification et autorisation »: the application's name says it.
        # Its address only matches the labels of registered models' applications.
        title = str(global_apps.get_app_config(app_label).verbose_name)
        return super().app_index(request, app_label, {"title": title, **(extra_context or {})})

    def get_urls(self):
        # They read the content apps' models: imported once they are ready.
        from hub.admin_reread import reread_view
        from hub.admin_review import review_view

        review = self.admin_view(lambda request: review_view(request, self))
        reread = self.admin_view(lambda request: reread_view(request, self))
        return [path("a-verifier/", review, name="review"), path("a-relire/", reread, name="reread"),
                *super().get_urls()]

    # The catalogue only changes with Django's version (a deployment): browsers keep it for a day instead of asking
    # for it on every admin page.
    @method_decorator(cache_control(private=True, max_age=86400))
    def i18n_javascript(self, request, extra_context=None):
        return super().i18n_javascript(request, extra_context)


def name_permissions_in_french(sender, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """post_migrate: « Peut ajouter une fiche » instead of « Can add fiche », for every model of the migrated app.

    Idempotent: it writes nothing when the names are already right. Django creates the missing permissions on the
    same signal, but from a receiver connected after this one (auth is listed after the admin): they are created
    here first, with Django's own function.
    """
    if not getattr(sender, "models_module", None):
        return
    create_permissions(sender, verbosity=0, interactive=False, using=using, apps=apps)
    try:
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    if not router.allow_migrate_model(using, Permission):
        return
    wanted = {}
    # migrate runs without translations: Django's own models would be named « log entry », « user »...
    with translation.override(settings.LANGUAGE_CODE):
        for model in sender.get_models():  # the real models: their names, not the migrations' historical ones
            noun = french_noun(model._meta)
            for action in model._meta.default_permissions:
                if action in PERMISSION_VERBS:
                    codename = get_permission_codename(action, model._meta)
                    wanted[(model._meta.model_name, codename)] = noun.permission(action)
    changed = []
    for permission in Permission.objects.using(using).filter(content_type__app_label=sender.label).select_related(
        "content_type"
    ):
        name = wanted.get((permission.content_type.model, permission.codename))
        if name and permission.name != name:
            permission.name = name
            changed.append(permission)
    Permission.objects.using(using).bulk_update(changed, ["name"])
