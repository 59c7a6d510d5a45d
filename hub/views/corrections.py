"""« Signaler une erreur ou proposer une correction » on a fiche: no account needed, limited per network address
(accounts.throttle), stored for the editors and never published by itself. Here in the hub: it reads a fiche
(resources) under a limit of accounts."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import throttle
from core.redirects import posted
from hub.forms import CorrectionForm
from resources.corrections import correction_submit
from resources.models import Fiche


def _published_fiche(slug):
    """A published fiche, or 404 (a draft too: readers only correct what they can read)."""
    return get_object_or_404(Fiche.objects.published().only("pk", "title", "slug", "family"), slug=slug)


@require_http_methods(["GET", "POST"])
def fiche_correction(request, slug):
    fiche = _published_fiche(slug)
    form = CorrectionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        # A robot caught by the trap gets the same answer as a person, and nothing is stored or counted.
        if not form.is_robot:
            wait = throttle.begin_correction(request)
            if wait:
                form.add_error(None, throttle.wait_message(wait, throttle.TOO_MANY_CORRECTIONS, way_out=""))
                return render(request, "hub/correction_form.html", {"fiche": fiche, "form": form}, status=429)
            data = form.cleaned_data
            correction_submit(fiche=fiche, message=data["message"], proposed_text=data["proposed_text"],
                              email=data["email"])
        return redirect("hub:fiche_correction_sent", slug=fiche.slug)
    status = 400 if form.errors else 200
    return render(request, "hub/correction_form.html", {"fiche": fiche, "form": form}, status=status)


@require_safe
def fiche_correction_sent(request, slug):
    return render(request, "hub/correction_sent.html", {"fiche": _published_fiche(slug)})
