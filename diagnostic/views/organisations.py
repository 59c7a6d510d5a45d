"""« Mon modèle socio-économique »: the list, the result page, the organisation's edit and deletion."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from diagnostic.forms import OrganisationForm
from core.redirects import posted
from diagnostic.models import ValuationRates
from diagnostic.ownership import get_organisation_for, organisations_for, remember_in_session, session_ids
from diagnostic.report import build_report

VISITOR_LIMIT = 20  # diagnostics one browser may keep without an account


@never_cache
def index(request):
    form = OrganisationForm(posted(request))
    if (
        request.method == "POST"
        and not request.user.is_authenticated
        and len(session_ids(request.session)) >= VISITOR_LIMIT
    ):
        form.add_error(
            None,
            f"Sans compte, un navigateur garde au plus {VISITOR_LIMIT} diagnostics\u00a0: "
            "créez un compte ou supprimez-en un.",
        )
    if request.method == "POST" and form.is_valid():
        organisation = form.save(commit=False)
        organisation.user = request.user if request.user.is_authenticated else None
        organisation.save()
        if organisation.user is None:
            remember_in_session(request.session, organisation)
        messages.success(
            request, f"Diagnostic de «\u00a0{organisation.name}\u00a0» créé\u00a0: saisissez les chiffres d’une année."
        )
        return redirect("diagnostic:snapshot_add", pk=organisation.pk)
    organisations = organisations_for(request).prefetch_related("snapshots")
    ctx = {"form": form, "organisations": organisations, "anonymous": not request.user.is_authenticated}
    return render(request, "diagnostic/index.html", ctx, status=400 if form.errors else 200)


def _report_context(request, pk):
    organisation = get_organisation_for(request, pk)
    snapshots = list(organisation.snapshots.all())
    rates = ValuationRates.current()
    return {
        "organisation": organisation,
        "snapshots": snapshots,
        "rates": rates,
        **build_report(organisation, snapshots, rates),
    }


@never_cache
def detail(request, pk):
    return render(request, "diagnostic/detail.html", _report_context(request, pk))


@never_cache
def report(request, pk):
    """The same figures laid out for printing (A4, no forms)."""
    return render(request, "diagnostic/report.html", {**_report_context(request, pk), "printing": True})


def edit(request, pk):
    organisation = get_organisation_for(request, pk)
    stored_name = organisation.name  # the form may hold an unsaved, invalid one
    form = OrganisationForm(posted(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Organisation mise à jour.")
        return redirect(organisation)
    ctx = {"form": form, "organisation": organisation, "stored_name": stored_name}
    return render(request, "diagnostic/organisation_form.html", ctx, status=400 if form.errors else 200)


def delete(request, pk):
    organisation = get_organisation_for(request, pk)
    if request.method == "POST":
        name = organisation.name
        organisation.delete()  # cascades to every year of figures
        messages.success(request, f"Le diagnostic de «\u00a0{name}\u00a0» et tous ses chiffres ont été supprimés.")
        return redirect("diagnostic:index")
    ctx = {"organisation": organisation, "snapshots": list(organisation.snapshots.all())}
    return render(request, "diagnostic/organisation_delete.html", ctx)
