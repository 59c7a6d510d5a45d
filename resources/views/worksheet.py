"""The worksheets (« feuilles de travail »): the list, each printable sheet, and its DOCX and ODS files."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from core.content_cache import cached, shared_page
from resources import worksheet_files
from resources.models import Worksheet


@shared_page
def worksheet_list(request):
    # The steps that use each sheet: the reverse of Step.worksheets (resources never imports parcours).
    sheets = Worksheet.objects.for_list().prefetch_related("steps__parcours")
    return render(request, "resources/worksheet_list.html", {"worksheets": sheets})


def _sheet(slug):
    sheet = Worksheet.objects.filter(slug=slug).first()
    if sheet is None:
        raise Http404("Feuille de travail introuvable")
    return sheet


@shared_page
def worksheet_detail(request, slug):
    sheet = _sheet(slug)
    steps = sheet.steps.select_related("parcours").order_by("parcours__order", "order")
    fiches = sheet.fiches.published().for_cards().order_by("sort_title")
    return render(request, "resources/worksheet_detail.html", {"sheet": sheet, "steps": steps, "fiches": fiches})


def _footer(sheet):
    """What the bottom of every page of a file says: the sheet and where to find it again."""
    return f"{sheet.title} · {settings.HUB_SITE_URL}{sheet.get_absolute_url()}"


def _file_name(sheet, extension):
    """« Feuille de travail - État des lieux en trois colonnes.docx »: characters no file system accepts dropped."""
    name = "".join(char for char in sheet.title if char not in '\\/:*?"<>|').strip()
    return f"Feuille de travail - {name}.{extension}"


def _download(slug, extension, content_type, build):
    """The file of a sheet, built once per content version (the content cache), or 404."""
    def make():
        sheet = Worksheet.objects.filter(slug=slug).first()
        if sheet is None:
            return None
        content = build(sheet, worksheet_files.read_blocks(sheet.body_html))
        return None if content is None else (_file_name(sheet, extension), content)

    found = cached(f"worksheet-{extension}", slug, build=make)
    if found is None:
        raise Http404("Feuille de travail introuvable")
    name, content = found
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


def worksheet_docx(request, slug):
    return _download(slug, "docx", worksheet_files.DOCX_TYPE, lambda sheet, blocks: worksheet_files.worksheet_docx(
        title=sheet.title, summary=sheet.summary, blocks=blocks, footer=_footer(sheet)))


def worksheet_ods(request, slug):
    """Only a sheet with a table to fill in has a spreadsheet: 404 for the others."""
    return _download(slug, "ods", worksheet_files.ODS_TYPE, lambda sheet, blocks: worksheet_files.worksheet_ods(blocks=blocks))

