"""The « dossier de gouvernance » of a space: the page (printable on A4) and its PDF.

A space only: a personal diagnostic has no members, no shared steps, answers or decisions, and its owner already
prints the report (/mon-modele/<pk>/rapport/); its dossier is a 404, like every page of a space.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.pdf import pdf_available, pdf_document, svg_stylesheet
from diagnostic.access import Action, get_space_for
from diagnostic.dossier import build_dossier

# The charts' stylesheet and the start of their classes: copied inside each chart of the PDF (core.pdf).
CHART_STYLES = (("css/diagnostic.css",), (".hub-ternary__", ".hub-stacks__", ".hub-bars__"))
NO_PDF = ("Le PDF n’est pas disponible sur ce serveur\u00a0: imprimez cette page depuis votre navigateur "
          "(«\u00a0Enregistrer au format PDF\u00a0» dans la fenêtre d’impression).")


def _dossier(request, pk):
    organisation = get_space_for(request, pk, Action.PRINT)
    return build_dossier(organisation, user=request.user)


@require_safe
@never_cache
def dossier(request, pk):
    ctx = _dossier(request, pk)
    return render(request, "diagnostic/dossier.html", {**ctx, "pdf_available": pdf_available()})


def pdf_filename(ctx):
    slug = slugify(ctx["organisation"].name)[:60].strip("-") or "espace"
    return f"dossier-de-gouvernance-{slug}-{ctx['generated_at']:%Y-%m-%d}.pdf"


def dossier_document(ctx, *, origin, request=None):
    """The dossier laid out by WeasyPrint (``.pages``, ``.write_pdf()``); ``ctx`` from build_dossier."""
    html = render_to_string("diagnostic/dossier_pdf.html", {**ctx, "svg_css": svg_stylesheet(*CHART_STYLES)},
                            request=request)
    return pdf_document(html, origin=origin)


@require_safe  # a PDF takes a second or more to lay out: only for a request that asks to read it
def dossier_pdf(request, pk):
    """The same dossier as a PDF file (WeasyPrint); where WeasyPrint cannot load, back to the page with a word."""
    ctx = _dossier(request, pk)
    if not pdf_available():
        messages.info(request, NO_PDF)
        return redirect("diagnostic:dossier", pk=pk)
    document = dossier_document(ctx, origin=f"{request.scheme}://{request.get_host()}", request=request)
    response = HttpResponse(document.write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(ctx)}"'
    response["Cache-Control"] = "private, no-store"  # a space's figures: never kept by a shared cache
    return response
