"""Creating a shared space: a new organisation, or a personal diagnostic shared with its figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from core.redirects import posted
from diagnostic.access import Action, get_organisation_for
from diagnostic.forms import OrganisationForm
from diagnostic.spaces import space_create, space_from_diagnostic


@login_required
@never_cache
def create(request):
    form = OrganisationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        organisation = space_create(organisation=form.save(commit=False), user=request.user)
        messages.success(
            request, f"Espace de «\u00a0{organisation.name}\u00a0» créé\u00a0: vous en êtes responsable. Invitez les "
            "personnes qui y travailleront avec vous."
        )
        return redirect("diagnostic:members", pk=organisation.pk)
    return render(request, "diagnostic/space_create.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@never_cache
def share(request, pk):
    """GET: what sharing changes; POST: the diagnostic becomes a space (its owner, its first responsable)."""
    organisation = get_organisation_for(request, pk, Action.READ)
    if organisation.is_space:  # any member lands on the members page, whatever their role
        messages.info(request, "Ce diagnostic est déjà un espace partagé.")
        return redirect("diagnostic:members", pk=organisation.pk)
    if request.method == "POST":
        if space_from_diagnostic(organisation=organisation, user=request.user):
            messages.success(
                request, f"«\u00a0{organisation.name}\u00a0» est désormais un espace partagé\u00a0: invitez les personnes "
                "qui y travailleront avec vous."
            )
        return redirect("diagnostic:members", pk=organisation.pk)
    return render(request, "diagnostic/space_share.html", {"organisation": organisation})
