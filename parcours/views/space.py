"""What a person keeps in « Mon espace » from the parcours: the export of their notes, their saved fiches."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.redirects import safe_next_url
from parcours import selectors
from parcours.notes_export import NOTE_FORMATS, notes_document
from parcours.tracking import tracker_for
from resources.models import Fiche
from core.text import guillemets


def notes_export(request, extension):
    if extension not in NOTE_FORMATS:
        raise Http404("Format inconnu")
    outlines = selectors.started_outlines(tracker_for(request))
    content_type, body = notes_document(outlines, extension, timezone.localdate())
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="mes-notes-hub.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def fiche_save(request, slug):
    fiche = get_object_or_404(Fiche.objects.published().only("pk", "slug", "title"), slug=slug)
    saved = request.POST.get("action") != "retirer"
    tracker_for(request).save_fiche(fiche, saved)
    if saved:
        messages.success(request, f"Fiche {guillemets(fiche.title)} sauvegardée dans Mon espace.")
    else:
        messages.success(request, f"Fiche {guillemets(fiche.title)} retirée de Mon espace.")
    return HttpResponseRedirect(safe_next_url(request, fiche.get_absolute_url()))
