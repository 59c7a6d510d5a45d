"""The import and export buttons of the content admins (resources.import_export holds the rules of the files).

``ContentImportExportMixin`` is added to a ModelAdmin's bases, nothing else: it finds the resource of the admin's
model, offers CSV and XLSX only, shows the import's dry run and errors through our own template (no inline
style or script: the site's CSP forbids them) and keeps the uploaded file between the dry run and the
confirmation in the shared cache, so the confirmation may reach another app server.

It goes first among the bases, before any ModelAdmin subclass (core.history_admin.HistoryAdmin): ModelAdmin's
``get_urls`` does not call ``super()``, so a mixin placed after one loses its import and export addresses.
Import-export's buttons come from its own change list template, which extends the one the admin had
(``change_list_template``, None for HistoryAdmin: Django's own).
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.forms import ExportForm
from import_export.tmp_storages import CacheStorage

from resources.import_export import FORMATS, RESOURCES


class ImportFileGone(Exception):
    """The file sent for the dry run is no longer kept (expired, or the cache was emptied)."""


class SharedCacheStorage(CacheStorage):
    """The file between the dry run and the confirmation, in the shared cache for an hour."""

    CACHE_LIFETIME = 3600

    def read(self):
        data = super().read()
        if data is None:
            raise ImportFileGone
        return data


class ContentImportExportMixin(ImportExportMixin):
    formats = FORMATS
    import_template_name = "admin/resources/import.html"
    # The plain form: the « choose the columns » one needs an inline script handler, which the CSP refuses; and a
    # file with every column is the one that imports back as is.
    export_form_class = ExportForm
    tmp_storage_class = SharedCacheStorage

    def get_resource_classes(self, request):
        return [RESOURCES[self.model]]

    def get_import_data_kwargs(self, **kwargs):
        """All or nothing at the confirmation too: a row that became invalid since the dry run (someone changed the
        content meanwhile) rolls the whole file back instead of leaving it half imported."""
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(request, "Rien n’a été importé\u00a0: depuis la vérification, une ligne du fichier est "
                              "devenue invalide. Envoyez-le de nouveau pour voir laquelle.", messages.ERROR)
            return self._import_page()
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        """import-export's own message, « 1 nouveaux, 0 modifiés… sautés », does not agree: ours does."""
        totals = result.totals
        self.message_user(request, f"Import terminé ({self.model._meta.verbose_name_plural})\u00a0: "
                          f"{totals['new']} ajout(s), {totals['update']} modification(s), "
                          f"{totals['skip']} ligne(s) sans changement.", messages.SUCCESS)

    def _import_page(self):
        meta = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{meta.app_label}_{meta.model_name}_import"))

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except ImportFileGone:
            self.message_user(request, "Le fichier envoyé n’est plus disponible\u00a0: envoyez-le de nouveau pour "
                              "revoir les changements avant de confirmer.", messages.ERROR)
            return self._import_page()
