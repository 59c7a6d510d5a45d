"""Printable worksheets (« feuilles de travail »): a Markdown sheet with tables to fill in by hand, also offered
as DOCX and, when it has a table, as ODS (resources.worksheet_files)."""

from django.core.exceptions import ValidationError
from django.db import models

from core.addresses import remembered_reverse
from core.content_cache import ContentQuerySet
from resources.fiche_links import fiche_links_error, render_body
from resources.markdown import BODY_HELP, unclosed_html_error
from resources.models.fiche import Fiche

WORKSHEET_BODY_HELP = (
    BODY_HELP + " Les tableaux Markdown (lignes « | … | ») laissent des cases vides à remplir\u00a0; "
    "une ligne de cases vides donne une ligne à écrire à la main."
)


class WorksheetQuerySet(ContentQuerySet):
    def for_list(self):
        """What the list and the « Feuille de travail » boxes show (the bodies stay in the database)."""
        return self.only("pk", "slug", "title", "summary", "minutes", "order", "has_table")


class Worksheet(models.Model):
    """The steps that use a sheet are on the parcours side (``Step.worksheets``, reverse name ``steps``):
    resources lies below parcours and never imports it."""

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("identifiant d’adresse", max_length=100, unique=True)
    summary = models.TextField("à quoi elle sert", help_text="Une ou deux phrases, affichées dans la liste et en tête.")
    body = models.TextField("feuille (Markdown)", help_text=WORKSHEET_BODY_HELP)
    body_html = models.TextField("feuille (HTML)", editable=False, blank=True)
    # Derived from the body: only a sheet with a table to fill in is offered as a spreadsheet (ODS).
    has_table = models.BooleanField("contient un tableau", editable=False, default=False)
    minutes = models.PositiveSmallIntegerField("temps pour la remplir (minutes)")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    fiches = models.ManyToManyField(Fiche, blank=True, related_name="worksheets", verbose_name="fiches liées")
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    objects = WorksheetQuerySet.as_manager()

    class Meta:
        verbose_name = "feuille de travail"
        verbose_name_plural = "feuilles de travail"
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    # Saved when the [[fiche]] links of the body are rendered again (resources.fiche_links).
    fiche_links_update_fields = ("body", "body_html", "has_table")

    def clean(self):
        super().clean()
        errors = [fiche_links_error(self.body), unclosed_html_error(self.body)]
        if any(errors):
            raise ValidationError({"body": [error for error in errors if error]})

    def save(self, *args, **kwargs):
        self.body_html = render_body(self.body)
        self.has_table = "<table>" in self.body_html
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return remembered_reverse("resources:worksheet_detail", kwargs={"slug": self.slug})

    @property
    def docx_url(self):
        return remembered_reverse("resources:worksheet_docx", kwargs={"slug": self.slug})

    @property
    def ods_url(self):
        return remembered_reverse("resources:worksheet_ods", kwargs={"slug": self.slug}) if self.has_table else ""
