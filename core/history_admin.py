"""The admin's side of the history (core.history): the « Historique » page, the comparison of two versions and the
revert, with its confirmation page. Mixed into the content admins before ModelAdmin:
``class FicheAdmin(HistoryAdmin, …, admin.ModelAdmin)``."""

from contextlib import contextmanager

import reversion
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from reversion.admin import VersionAdmin
from reversion.errors import RevertError

from core.history import (
    object_versions,
    revert_comment,
    version_changes,
    version_first_edit_record,
    version_revert,
)


class LineEndingsCharField(forms.CharField):
    """A text field that reads CRLF and CR line endings as LF, the endings of the content's files. The initial
    value is read the same way to tell a change: a body loaded from a file ends with a newline, which the form's
    stripping removes, and that alone is not a change anybody made."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value

    def has_changed(self, initial, data):
        if isinstance(initial, str):
            initial = self.to_python(initial)
        return super().has_changed(initial, data)


def _moment(version):
    return formats.date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")


def _version_id(value):
    """A version id from the query string, or 404: a forged value is an unknown version."""
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404("Version inconnue.")
    return int(value)


class HistoryAdmin(VersionAdmin):
    object_history_template = "admin/history/object_history.html"
    # The app's own change lists (templates/admin/<app>/<model>/) stay theirs: reversion's would replace them.
    change_list_template = None
    history_latest_first = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A browser sends a textarea's lines ended by CRLF: kept as typed, every save of a fiche changed its body
        # (« Modification de … Corps » in the history, a comparison listing the field with no line changed).
        if isinstance(db_field, models.TextField) and not db_field.choices:
            kwargs.setdefault("form_class", LineEndingsCharField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _urlname(self, action):
        return f"{self.opts.app_label}_{self.opts.model_name}_{action}"

    def get_urls(self):
        compare = self.admin_site.admin_view(self.history_compare_view)
        revert = self.admin_site.admin_view(self.history_revert_view)
        return [
            path("<path:object_id>/history/compare/", compare, name=self._urlname("history_compare")),
            path("<path:object_id>/history/<int:version_id>/revert/", revert, name=self._urlname("history_revert")),
            *super().get_urls(),
        ]

    @contextmanager
    def create_revision(self, request):
        # Manual: the object enters the revision once, as finally saved (save_related). Reversion's automatic mode
        # serialises a fiche again on every many-to-many change of its form: 13 fields, each read again each time.
        # A GET writes nothing: no revision, and none of its transaction's queries on the change page.
        if request.method != "POST":
            yield
            return
        with reversion.create_revision(manage_manually=True):
            reversion.set_user(request.user)
            yield

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Shipped content is loaded without history: its state before the first edit is kept as a version first,
        # in a revision of its own (VersionAdmin's change_view opens the revision of the edit).
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_change_permission(request, obj):
                version_first_edit_record(obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Once its links, tags and inline rows are written (the change form and the list's editable columns).
        if reversion.is_active():
            reversion.add_to_revision(form.instance)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Reversion's revert form is replaced by the comparison and its confirmation page."""
        return redirect(reverse(f"admin:{self._urlname('history_revert')}", args=[quote(object_id), version_id]))

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        rows = []
        if obj is not None:
            versions = list(object_versions(obj))
            compare = reverse(f"admin:{self._urlname('history_compare')}", args=[quote(obj.pk)])
            may_revert = self.has_change_permission(request, obj)  # a reviewer only reads: no link to a 403
            for index, version in enumerate(versions):
                previous = versions[index - 1] if index else None
                rows.append({
                    "version": version,
                    "compare_url": f"{compare}?from={previous.pk}&to={version.pk}" if previous else "",
                    "revert_url": reverse(f"admin:{self._urlname('history_revert')}", args=[quote(obj.pk), version.pk])
                    if may_revert and version is not versions[-1] else "",
                })
            rows.reverse()
        context = {"history_rows": rows, **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def _history_object(self, request, object_id, permission):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("Contenu introuvable.")
        if not permission(request, obj):
            raise PermissionDenied
        return obj, list(object_versions(obj))

    def _context(self, request, obj, title, **values):
        return {**self.admin_site.each_context(request), "opts": self.opts, "object": obj, "title": title,
                "history_url": reverse(f"admin:{self._urlname('history')}", args=[quote(obj.pk)]), **values}

    def history_compare_view(self, request, object_id):
        """Two versions field by field: ``?from=<version>&to=<version>``, by default the previous and the latest.
        A version of another object, or a forged number, is a 404."""
        obj, versions = self._history_object(request, object_id, self.has_view_permission)
        by_id = {version.pk: version for version in versions}
        wanted_from, wanted_to = _version_id(request.GET.get("from")), _version_id(request.GET.get("to"))
        if any(wanted is not None and wanted not in by_id for wanted in (wanted_from, wanted_to)):
            raise Http404("Version inconnue pour ce contenu.")
        newer = by_id[wanted_to] if wanted_to else (versions[-1] if versions else None)
        if wanted_from:
            older = by_id[wanted_from]
        else:
            before = [version for version in versions if newer and version.pk < newer.pk]
            older = before[-1] if before else None
        ctx = self._context(request, obj, f"Comparaison des versions\u00a0: {obj}", older=older, newer=newer,
                            versions=versions)
        if older and newer:
            ctx.update(changes=version_changes(older, newer), older_moment=_moment(older),
                       newer_moment=_moment(newer))
            if self.has_change_permission(request, obj) and older.pk != versions[-1].pk:
                ctx["revert_url"] = reverse(f"admin:{self._urlname('history_revert')}", args=[quote(obj.pk), older.pk])
        return TemplateResponse(request, "admin/history/compare.html", ctx)

    def history_revert_view(self, request, object_id, version_id):
        """GET: what the revert will change (the latest version against the chosen one), POST: the revert."""
        obj, versions = self._history_object(request, object_id, self.has_change_permission)
        version = next((version for version in versions if version.pk == version_id), None)
        if version is None:
            raise Http404("Version inconnue pour ce contenu.")
        if request.method == "POST":
            try:
                version_revert(version=version, user=request.user)
            except RevertError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect(request.path)
            self.message_user(request, f"{revert_comment(version)}\u00a0: c’est une nouvelle version, visible dans "
                                       "l’historique.", messages.SUCCESS)
            return redirect(f"admin:{self._urlname('change')}", quote(obj.pk))
        ctx = self._context(request, obj, f"Revenir à une version précédente\u00a0: {obj}", version=version,
                            moment=_moment(version), changes=version_changes(versions[-1], version))
        return TemplateResponse(request, "admin/history/revert_confirm.html", ctx)
