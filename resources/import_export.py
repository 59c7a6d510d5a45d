"""Import and export of content as spreadsheets (django-import-export): fiches, every vocabulary, glossary terms.

The rules (README « Import et export »):

- Columns carry the admin's French labels; a row is found by its slug (« identifiant d’adresse »), never by its
  database id, so a file moves from one database to another.
- Related values are written by slug: vocabularies, related fiches, references and « voir aussi » as a list
  separated by « | » (« , » read too); tags as a comma list; a levier or an outil (foreign keys) by slug; family,
  status, provenance… by their code. A slug that names nothing is an error of its row, in French, never a crash.
- Derived fields (rendered HTML, search and sort copies, the search vector, ``tags_text``, dates kept by the
  database) are neither written nor read: each row goes through the model's ``full_clean()`` (the fiche's own
  checks of its links and HTML refuse a bad row) then ``save()``, which derives them, so the content version and
  the pages cached under it follow, as with an edit in the admin.
- An unchanged row is skipped (nothing saved): exporting then importing the same file changes nothing. Any row in
  error, and the whole file is refused (import-export rolls back the transaction): all or nothing.
- Dates are written in ISO 8601 at the second (with the offset), so an export read back gives the same instant.
"""

import csv
import io
import re
from datetime import date, datetime

from diff_match_patch import diff_match_patch
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import ForeignKey, ManyToManyField
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.encoding import force_str
from django.utils.html import format_html_join
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.instance_loaders import CachedInstanceLoader

from resources import models as m
from resources.glossary import glossary_term_changed
from resources.vocabularies import VOCABULARIES

LIST_SEPARATORS = re.compile(r"[|,]")
KEPT_TEXT_MAX, KEPT_CONTEXT = 160, 60  # the dry run's unchanged text: shown whole up to this length, else its ends
LIST_JOIN = "|"

# How the error of an unknown slug names what is missing, with its agreement (« levier inconnu », « composante
# inconnue »).
NOUNS = {
    m.ActionObjective: ("objectif", False),
    m.Lever: ("levier", False),
    m.Component: ("composante", True),
    m.ActorProfile: ("profil d’acteur", False),
    m.ActorKind: ("type d’acteur", False),
    m.Region: ("région", True),
    m.Domain: ("domaine", False),
    m.EntryDoor: ("porte d’entrée", True),
    m.Impact: ("impact", False),
    m.ReferentielPart: ("partie du référentiel", True),
    m.Economy: ("économie", True),
    m.Tool: ("outil", False),
    m.Fiche: ("fiche liée", True),
    m.Reference: ("référence", True),
    m.GlossaryTerm: ("terme", False),
}


def _unknown(model, slugs):
    """« levier inconnu « xyz » », one clause per slug."""
    noun, feminine = NOUNS[model]
    ending = "e" if feminine else ""
    return ", ".join(f"{noun} inconnu{ending} «\u00a0{slug}\u00a0»" for slug in slugs)


def _row_messages(instance, key, error):
    """The messages of a model's ValidationError, a code that names no choice said with the codes it may take:
    Django's « La valeur « 'xyz' » n’est pas un choix valide. » shows Python's quotes and not what to write."""
    if error.code == "invalid_choice" and key != NON_FIELD_ERRORS:
        codes = ", ".join(f"«\u00a0{value}\u00a0»" for value, _ in instance._meta.get_field(key).flatchoices
                          if value not in ("", None))
        return [f"code inconnu «\u00a0{error.params['value']}\u00a0»\u00a0; codes possibles\u00a0: {codes}"]
    return error.messages


class SlugListWidget(widgets.ManyToManyWidget):
    """A many-to-many as slugs: written « a|b », read with « | » or « , » between them; an unknown slug is a
    ValueError naming it (import-export then reports it on its row)."""

    def __init__(self, model):
        super().__init__(model, separator=LIST_JOIN, field="slug")
        self.forget()

    def forget(self):
        """Called before each import (ContentResource.before_import): the table is read again."""
        self.known = None

    def clean(self, value, row=None, **kwargs):
        """A list of the rows named (the table read once per import; a slug not seen yet, such as a fiche created
        by an earlier row of the file, is looked up)."""
        slugs = list(dict.fromkeys(part.strip() for part in LIST_SEPARATORS.split(force_str(value or "")) if part.strip()))
        if self.known is None:
            self.known = {row.slug: row for row in self.model.objects.only("pk", "slug")}
        if unseen := [slug for slug in slugs if slug not in self.known]:
            self.known.update((row.slug, row) for row in self.model.objects.filter(slug__in=unseen).only("pk", "slug"))
        if missing := sorted(slug for slug in slugs if slug not in self.known):
            raise ValueError(_unknown(self.model, missing))
        return [self.known[slug] for slug in slugs]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return LIST_JOIN.join(sorted(row.slug for row in value.all()))  # .all(): the prefetched rows


class SlugWidget(widgets.ForeignKeyWidget):
    """A foreign key as the slug of the row it points to; an unknown slug is a ValueError naming it."""

    def __init__(self, model):
        super().__init__(model, field="slug")

    def clean(self, value, row=None, **kwargs):
        slug = force_str(value or "").strip()
        if not slug:
            return None
        try:
            return self.model.objects.get(slug=slug)
        except self.model.DoesNotExist:
            raise ValueError(_unknown(self.model, [slug])) from None

    def render(self, value, obj=None, **kwargs):
        return value.slug if value is not None else ""


class TextWidget(widgets.Widget):
    """Text as typed; an empty cell is an empty text (never « None »). A spreadsheet may give a number: kept as
    its text."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return force_str(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else force_str(value)


class DateTimeWidget(widgets.Widget):
    """An instant in ISO 8601 in the site's time zone, at the microsecond when there is one: « 2026-03-01T10:12:00+01:00 ».
    Read: the same, or without offset (the site's time zone), or a spreadsheet's date and time."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        parsed = value if isinstance(value, datetime) else parse_datetime(force_str(value).strip().replace(" ", "T", 1))
        if parsed is None:
            raise ValueError(f"date et heure illisible «\u00a0{value}\u00a0» (attendu\u00a0: 2026-03-01T10:00:00+01:00)")
        return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed

    def render(self, value, obj=None, **kwargs):
        return timezone.localtime(value).isoformat() if value else ""


class DateWidget(widgets.Widget):
    """A day in ISO 8601 (« 2026-03-01 »), written as text even in XLSX so it reads back the same."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            parsed = parse_date(force_str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(f"date illisible «\u00a0{value}\u00a0» (attendu\u00a0: 2026-03-01)")
        return parsed

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class NumberWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (ValueError, ArithmeticError):
            raise ValueError(f"nombre entier attendu, pas «\u00a0{value}\u00a0»") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class TagsField(fields.Field):
    """The fiche's tags as a comma list. Taggit's manager is no many-to-many field: the names read are kept on the
    resource and set after the fiche is saved (``ContentResource.save_m2m``)."""

    def __init__(self):
        super().__init__(attribute="tags", column_name="mots-clés")

    def clean(self, row, **kwargs):
        return sorted({name.strip() for name in force_str(row.get(self.column_name) or "").split(",") if name.strip()},
                      key=str.casefold)

    def export(self, instance, **kwargs):
        if instance is None or instance.pk is None:
            return ""
        return ", ".join(sorted((tag.name for tag in instance.tags.all()), key=str.casefold))

    def save(self, instance, row, is_m2m=False, **kwargs):
        pass  # see ContentResource.save_m2m


class PlainDiff:
    """import-export's row diff, without the inline ``style`` its HTML carries (our CSP refuses inline styles):
    ``<ins>`` and ``<del>`` alone, coloured by import-export's own stylesheet. Same public interface as its
    ``Diff`` (``compare_with``, ``as_html``)."""

    def __init__(self, resource, instance, new):
        self.left = self._values(resource, instance)
        self.right = []
        self.new = new

    @staticmethod
    def _values(resource, instance):
        return [field.export(instance) for field in resource.get_import_fields()]

    def compare_with(self, resource, instance):
        self.right = self._values(resource, instance)

    def as_html(self):
        engine, cells = diff_match_patch(), []
        for left, right in zip(self.left, self.right, strict=True):
            if self.new:
                left = ""
            diff = engine.diff_main(force_str(left), force_str(right))
            engine.diff_cleanupSemantic(diff)
            tags = {engine.DIFF_INSERT: "ins", engine.DIFF_DELETE: "del", engine.DIFF_EQUAL: "span"}
            # format_html_join escapes each text; its line breaks show through the cell's CSS (pre-wrap).
            cells.append(format_html_join("", "<{}>{}</{}>", (
                (tags[op], text if op != engine.DIFF_EQUAL else _kept_text(text), tags[op]) for op, text in diff)))
        return cells


def _kept_text(text):
    """Unchanged text around a change, shortened: a whole fiche body in every changed row hid the few words that
    change (a title edited, and the page was 4 000 px of unchanged Markdown)."""
    if len(text) <= KEPT_TEXT_MAX:
        return text
    head, tail = text[:KEPT_CONTEXT], text[-KEPT_CONTEXT:]
    # Cut between words: the end of the head and the start of the tail, unless one word fills them.
    head, tail = head.rsplit(None, 1)[0] if " " in head.strip() else head, tail.split(None, 1)[-1]
    return f"{head} […] {tail}"


class ContentResource(resources.ModelResource):
    """What every content resource shares: slug as the key, unchanged rows skipped, full_clean on each row,
    errors keyed by the column's French name, all or nothing."""

    def get_diff_class(self):
        return PlainDiff

    def related_lookups(self):
        """Every many-to-many column and the tags: prefetched, one query each for the whole file or export."""
        return [field.attribute for field in self.get_import_fields()
                if isinstance(field.widget, widgets.ManyToManyWidget) or isinstance(field, TagsField)]

    def get_queryset(self):
        return super().get_queryset().prefetch_related(*self.related_lookups())

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).prefetch_related(*self.related_lookups())

    def before_import(self, dataset, **kwargs):
        for field in self.get_import_fields():
            if isinstance(field.widget, SlugListWidget):
                field.widget.forget()

    def get_tags_field(self):
        return next((field for field in self.get_import_fields() if isinstance(field, TagsField)), None)

    def import_instance(self, instance, row, **kwargs):
        """Also reads the many-to-many cells now, so an unknown slug is an error of the row (with the others) rather
        than an exception once the row is saved."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [force_str(error)]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        tags = self.get_tags_field()
        if tags and tags.column_name in row and tags.clean(row) != tags.clean({tags.column_name: tags.export(original)}):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            columns = {field.attribute: field.column_name for field in self.get_import_fields()}
            raise ValidationError({
                key if key == NON_FIELD_ERRORS else columns.get(key, key): [
                    message for item in items for message in _row_messages(instance, key, item)]
                for key, items in error.error_dict.items()
            }) from None

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        tags = self.get_tags_field()
        if tags and tags.column_name in row:
            instance.tags.set(tags.clean(row))  # its receivers copy the names into tags_text (resources.fiche_tags)

    class Meta:
        import_id_fields = ["slug"]
        instance_loader_class = CachedInstanceLoader  # the file's rows read in one query
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True
        use_transactions = True


def column(model, name):
    """A resource field for a model field, under its French label, read and written as the rules above say."""
    model_field = model._meta.get_field(name)
    label = str(model_field.verbose_name)
    if isinstance(model_field, ManyToManyField):
        widget = SlugListWidget(model_field.related_model)
    elif isinstance(model_field, ForeignKey):
        widget = SlugWidget(model_field.related_model)
    elif model_field.get_internal_type() == "DateTimeField":
        widget = DateTimeWidget()
    elif model_field.get_internal_type() == "DateField":
        widget = DateWidget()
    elif model_field.get_internal_type().endswith("IntegerField"):
        widget = NumberWidget()
    else:
        widget = TextWidget()
    return fields.Field(attribute=name, column_name=label, widget=widget)


def content_resource(model, names, *, with_tags=False, base=ContentResource):
    """A ContentResource for ``model`` with one column per name of ``names``, in that order."""
    attrs = {name: column(model, name) for name in names}
    order = list(names)
    if with_tags:
        attrs["tags"] = TagsField()
        order.insert(order.index("body") + 1, "tags")
    attrs["Meta"] = type("Meta", (base.Meta,), {"model": model, "fields": order, "import_order": order,
                                                  "export_order": order})
    return type(f"{model.__name__}Resource", (base,), attrs)


VOCABULARY_COLUMNS = ["slug", "label", "order", "description", "provenance", "source_url"]
EXTRA_VOCABULARY_COLUMNS = {
    m.Lever: ["question", "theme"],
    m.Component: ["lever", "examples"],
    m.Tool: ["kind", "url"],
    m.EntryDoor: ["tool"],
}
FICHE_COLUMNS = ["slug", "family", "title", "chapeau", "body", "status", "published_at", "unpublish_at", "last_reviewed",
                 "review_by", *(kind.field for kind in VOCABULARIES), "related"]
GLOSSARY_COLUMNS = ["slug", "term", "variants", "definition", "provenance", "references", "related_fiches", "see_also"]


class GlossaryTermBase(ContentResource):
    """A term saved by an import renders again the bodies that show it, as a save in the admin does
    (resources.glossary); not in a dry run, where it would only be rolled back."""

    def before_save_instance(self, instance, row, **kwargs):
        previous = m.GlossaryTerm.objects.filter(pk=instance.pk).first() if instance.pk else None
        self.previous_forms = previous.forms if previous else ()

    def after_save_instance(self, instance, row, **kwargs):
        if not kwargs.get("dry_run"):
            glossary_term_changed(term=instance, previous_forms=self.previous_forms)

    class Meta(ContentResource.Meta):
        pass


FicheResource = content_resource(m.Fiche, FICHE_COLUMNS, with_tags=True)
GlossaryTermResource = content_resource(m.GlossaryTerm, GLOSSARY_COLUMNS, base=GlossaryTermBase)
VOCABULARY_RESOURCES = {
    kind.model: content_resource(kind.model, VOCABULARY_COLUMNS[:4] + EXTRA_VOCABULARY_COLUMNS.get(kind.model, [])
                                 + VOCABULARY_COLUMNS[4:])
    for kind in VOCABULARIES
}
RESOURCES = {m.Fiche: FicheResource, m.GlossaryTerm: GlossaryTermResource, **VOCABULARY_RESOURCES}


class SpreadsheetCSV(base_formats.CSV):
    """CSV as a French Excel writes and opens it: « ; » between cells and a byte order mark. Read: « ; » or « , »,
    whichever the header line uses (a file saved by another tool), with or without the mark."""

    def export_data(self, dataset, **kwargs):
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(dataset.headers)
        writer.writerows(dataset)
        return "\ufeff" + out.getvalue()

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        text = in_stream.removeprefix("\ufeff")
        header = text.split("\n", 1)[0]
        delimiter = ";" if header.count(";") >= header.count(",") else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        dataset = base_formats.tablib.Dataset(headers=rows[0] if rows else [])
        width = len(dataset.headers)
        for row in rows[1:]:
            if any(cell.strip() for cell in row):  # a blank line (often the last one) is no row
                dataset.append((row + [""] * width)[:width])
        return dataset


FORMATS = [SpreadsheetCSV, base_formats.XLSX]
