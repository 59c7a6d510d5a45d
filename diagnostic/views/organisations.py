"""« Mon modèle socio-économique »: the list, the result page, the organisation's edit and deletion."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from core.content_cache import cached
from core.db import DatabaseBusy, busy_when_locked
from core.redirects import posted
from diagnostic.forms import OrganisationForm
from diagnostic.governance import comment_target_name
from diagnostic.governance_forms import CommentForm
from diagnostic.method import year_comments
from diagnostic.models import ValuationRates
from diagnostic.access import Action, get_organisation_for, organisations_with_roles
from diagnostic.ownership import SESSION_KEY, session_ids, visitor_key
from diagnostic.report import report_fragments, snapshots_of
from diagnostic.services import VISITOR_LIMIT, organisation_update, VisitorClaimed, VisitorLimitReached, diagnostic_create

# Why a valid form created nothing: (HTTP status, message added to the form).
REFUSALS = {
    VisitorLimitReached: (
        400,
        f"Sans compte, un navigateur garde au plus {VISITOR_LIMIT} diagnostics\u00a0: créez un compte ou supprimez-en un.",
    ),
    VisitorClaimed: (
        400,
        "Ce navigateur vient d’être connecté à un compte\u00a0: rechargez la page pour créer ce diagnostic dans votre "
        "compte.",
    ),
    DatabaseBusy: (
        503,
        "Le site est très sollicité\u00a0: le diagnostic n’a pas été créé. Renvoyez le formulaire dans un instant.",
    ),
}


def _create(request, form):
    """(the new organisation, None), or (None, the status to answer with) after adding to the form why not."""
    organisation = form.save(commit=False)
    try:
        with busy_when_locked():
            if request.user.is_authenticated:
                return diagnostic_create(organisation=organisation, user=request.user), None
            key = visitor_key(request.session, create=True)
            organisation = diagnostic_create(
                organisation=organisation, visitor_key=key, legacy_ids=session_ids(request.session)
            )
    except tuple(REFUSALS) as refusal:
        status, message = REFUSALS[type(refusal)]
        form.add_error(None, message)
        return None, status
    # Saved, the session lasts two weeks after this last save, as the legal page says. Parallel tabs all write the
    # same thing: what the visitor owns is no longer in it.
    request.session.pop(SESSION_KEY, None)
    request.session.modified = True
    return organisation, None


@never_cache
def index(request):
    form = OrganisationForm(posted(request))
    refused = None
    if request.method == "POST" and form.is_valid():
        organisation, refused = _create(request, form)
        if organisation is not None:
            messages.success(
                request, f"Diagnostic de «\u00a0{organisation.name}\u00a0» créé\u00a0: saisissez les chiffres d’une année."
            )
            return redirect("diagnostic:snapshot_add", pk=organisation.pk)
    organisations = organisations_with_roles(request).prefetch_related("snapshots")
    ctx = {"form": form, "organisations": organisations, "anonymous": not request.user.is_authenticated}
    response = render(request, "diagnostic/index.html", ctx, status=refused or (400 if form.errors else 200))
    if refused == 503:
        response["Retry-After"] = "5"
    return response


def _report_context(request, pk, action=Action.READ, printing=False):
    """The page around the figures' fragments (diagnostic.report.report_fragments, cached): the years, the rates."""
    organisation = get_organisation_for(request, pk, action)
    snapshots = snapshots_of(organisation)
    rates = cached("valuation-rates", build=ValuationRates.current)  # content: a staff edit drops it
    return {
        "organisation": organisation,
        "snapshots": snapshots,
        "rates": rates,
        "actual": any(not s.is_target for s in snapshots),
        "target": any(s.is_target for s in snapshots),
        "target_snapshot": next((s for s in snapshots if s.is_target), None),
        "report": report_fragments(organisation, snapshots, rates, printing=printing),
    }


@never_cache
def detail(request, pk):
    ctx = _report_context(request, pk)
    if ctx["organisation"].is_space:  # each year's comments, and a form to comment it (diagnostic.method)
        year_comments(ctx["organisation"], ctx["snapshots"])
        for snapshot in ctx["snapshots"]:  # one form a year: its own ids, its own label
            snapshot.comment_what = f"sur {comment_target_name(snapshot=snapshot)}"
            snapshot.comment_form = CommentForm(prefix_id=f"annee_{snapshot.pk}_", about=snapshot.comment_what)
    return render(request, "diagnostic/detail.html", ctx)


@never_cache
def report(request, pk):
    """The same figures laid out for printing (A4, no forms)."""
    ctx = _report_context(request, pk, Action.PRINT, printing=True)
    return render(request, "diagnostic/report.html", {**ctx, "printing": True})


def edit(request, pk):
    organisation = get_organisation_for(request, pk, Action.MANAGE)
    stored_name = organisation.name  # the form may hold an unsaved, invalid one
    form = OrganisationForm(posted(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation_update(organisation=form.save(commit=False), actor=request.user)
        messages.success(request, "Organisation mise à jour.")
        return redirect(organisation)
    ctx = {"form": form, "organisation": organisation, "stored_name": stored_name}
    return render(request, "diagnostic/organisation_form.html", ctx, status=400 if form.errors else 200)


def delete(request, pk):
    organisation = get_organisation_for(request, pk, Action.DELETE)
    what = "L’espace" if organisation.is_space else "Le diagnostic"
    if request.method == "POST":
        name = organisation.name
        organisation.delete()  # cascades to every year of figures, and to a space's members, history and debates
        messages.success(request, f"{what} de «\u00a0{name}\u00a0» et tous ses chiffres ont été supprimés.")
        return redirect("diagnostic:index")
    ctx = {"organisation": organisation, "snapshots": list(organisation.snapshots.all())}
    if organisation.is_space:
        ctx["space"] = {
            "members": organisation.memberships.count(), "comments": organisation.comments.count(),
            "answers": organisation.answers.count(), "decisions": organisation.decisions.count(),
        }
    return render(request, "diagnostic/organisation_delete.html", ctx)
