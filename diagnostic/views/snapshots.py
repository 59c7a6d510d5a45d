"""Years of figures: add, edit, delete, and the CSV export."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from core.db import DatabaseBusy, busy_when_locked
from core.redirects import posted
from diagnostic import computation
from diagnostic.forms import SnapshotForm
from diagnostic.models import Snapshot, ValuationRates
from diagnostic.numbers import format_number
from diagnostic.access import Action, get_organisation_for
from diagnostic.report import descriptor_map
from diagnostic.services import snapshot_delete, snapshot_save

DUPLICATE = "Ces chiffres existent déjà (envoi en double ?)\u00a0: rechargez la page du diagnostic."
BUSY = "Le site est très sollicité\u00a0: ces chiffres n’ont pas été enregistrés. Renvoyez le formulaire dans un instant."


def _save(request, form, organisation):
    """(the saved year, None), or (None, the status to answer with) after adding to the form why not."""
    try:
        with busy_when_locked():
            snapshot = snapshot_save(snapshot=form.save(commit=False), organisation=organisation,
                                     is_target=form.is_target, actor=request.user)
    except ValidationError as error:  # the year rule, checked again under the organisation's lock
        form.add_error(None, error)
        return None, 400
    except IntegrityError:  # the unique constraints, last guard of the same rule
        form.add_error(None, DUPLICATE)
        return None, 400
    except DatabaseBusy:
        form.add_error(None, BUSY)
        return None, 503
    return snapshot, None


def _form_page(request, form, organisation, stored_year=None, refused=None):
    """``stored_year``: the year as saved, for the title (the form may hold an unsaved, invalid one); ``refused``:
    the status of a valid form that could not be saved."""
    ctx = {"form": form, "organisation": organisation, "is_target": form.is_target, "stored_year": stored_year}
    response = render(request, "diagnostic/snapshot_form.html", ctx, status=refused or (400 if form.errors else 200))
    if refused == 503:
        response["Retry-After"] = "5"
    return response


def add(request, pk):
    organisation = get_organisation_for(request, pk, Action.EDIT_FIGURES)
    is_target = request.GET.get("cible") == "1" or request.POST.get("cible") == "1"
    if is_target and organisation.snapshots.filter(is_target=True).exists():
        messages.info(request, "Votre cible existe déjà\u00a0: modifiez-la.")
        return redirect(organisation)
    # The questionnaire of a new year (or of the target) starts from the answers of the latest real year.
    previous = organisation.snapshots.filter(is_target=False).order_by("-year").first()
    form = SnapshotForm(posted(request), organisation=organisation, is_target=is_target,
                        descriptors=descriptor_map(), previous=previous)
    refused = None
    if request.method == "POST" and form.is_valid():
        snapshot, refused = _save(request, form, organisation)
        if snapshot is not None:
            messages.success(request, f"Chiffres {'de la cible ' if is_target else ''}{snapshot.year} enregistrés.")
            return redirect(f"{organisation.get_absolute_url()}#resultats")
    return _form_page(request, form, organisation, refused=refused)


def _snapshot(organisation, snapshot_pk):
    snapshot = organisation.snapshots.filter(pk=snapshot_pk).first()
    if snapshot is None:
        raise Http404("Année introuvable")
    return snapshot


def edit(request, pk, snapshot_pk):
    organisation = get_organisation_for(request, pk, Action.EDIT_FIGURES)
    snapshot = _snapshot(organisation, snapshot_pk)
    stored_year = snapshot.year
    form = SnapshotForm(posted(request), instance=snapshot, organisation=organisation, is_target=snapshot.is_target,
                        descriptors=descriptor_map())
    refused = None
    if request.method == "POST" and form.is_valid():
        saved, refused = _save(request, form, organisation)
        if saved is not None:
            messages.success(request, f"Chiffres {saved.year} mis à jour.")
            return redirect(f"{organisation.get_absolute_url()}#resultats")
    return _form_page(request, form, organisation, stored_year, refused)


def delete(request, pk, snapshot_pk):
    """GET: a page that says what will disappear; POST: the deletion. Works without JavaScript."""
    organisation = get_organisation_for(request, pk, Action.EDIT_FIGURES)
    snapshot = _snapshot(organisation, snapshot_pk)
    if request.method == "POST":
        snapshot_delete(snapshot=snapshot, organisation=organisation, actor=request.user)
        messages.success(request, f"Chiffres {'de la cible ' if snapshot.is_target else ''}{snapshot.year} supprimés.")
        return redirect(organisation)
    figures = snapshot.figures()
    ctx = {
        "organisation": organisation,
        "snapshot": snapshot,
        "filled": sum(1 for name in Snapshot.figure_fields() if figures[name]),
        "answered": sum(1 for name in Snapshot.level_fields() if figures[name] is not None),
        "expected": len(Snapshot.level_fields()),
        "budget": computation.hybridation(figures).total,
    }
    return render(request, "diagnostic/snapshot_delete.html", ctx)


def _cell(value):
    return format_number(value).replace("\u202f", "") if not isinstance(value, str) else value


def _optional(value):
    """A share to one decimal, or an empty cell when it cannot be computed (unanswered, no budget)."""
    return "" if value is None else _cell(computation.round_to(value))


def export_csv(request, pk):
    """Every year and the target, with the figures, the answers, the activations, the hybridation and the
    contributions: semicolons and decimal commas, as a French spreadsheet expects."""
    organisation = get_organisation_for(request, pk)
    rates = ValuationRates.current().as_rates()
    fields = Snapshot.figure_fields()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="diagnostic-{organisation.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # the byte order mark that makes Excel read UTF-8
    writer = csv.writer(response, delimiter=";")
    labels = [Snapshot._meta.get_field(name).verbose_name for name in fields]
    levels = [f"niveau\u00a0: {label.lower()}" for _, _, label in computation.ACTIVATION_FIELDS.values()]
    levers = [computation.LEVER_LABELS[lever] for lever in computation.LEVERS]
    families = [computation.FAMILY_LABELS[family] for family in computation.FAMILY_LABELS]
    writer.writerow(["année", "type", *labels, *levels, *(f"activation {lever} (%)" for lever in levers),
                     "intensité (%)", "budget (€)", *(f"{family} (%)" for family in families),
                     "indice de concentration", "première catégorie (%)", "contributions volontaires valorisées (€)",
                     "contributions / budget (%)"])
    for snapshot in organisation.snapshots.all():
        result = computation.evaluate(snapshot.year, snapshot.figures(), rates, snapshot.is_target)
        act, mix = result.activation, result.hybridation
        writer.writerow([
            snapshot.year, "cible" if snapshot.is_target else "réel",
            *(_cell(getattr(snapshot, name)) for name in fields),
            *(computation.LEVELS.get(getattr(snapshot, name), "") for name in computation.ACTIVATION_FIELDS),
            *(_optional(act.levers[lever]) for lever in computation.LEVERS),
            _optional(act.intensity),
            _cell(mix.total),
            *(_optional(mix.shares[family] if mix.total else None) for family in computation.FAMILY_LABELS),
            _cell(computation.round_to(result.concentration.hhi, 0)),
            _cell(computation.round_to(result.concentration.largest_share)),
            _cell(result.contributions.total),
            _optional(result.contributions.ratio),
        ])
    return response
