"""Years of figures: add, edit, delete, and the CSV export."""

import csv

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from diagnostic import computation
from diagnostic.forms import SnapshotForm
from hub.redirects import posted
from diagnostic.models import Organisation, Snapshot, ValuationRates
from diagnostic.numbers import format_number
from diagnostic.ownership import get_organisation_for

DUPLICATE = "Ces chiffres existent déjà (envoi en double ?)\u00a0: rechargez la page du diagnostic."


def _save(form, organisation):
    """Save the year and touch the organisation (visitors' diagnostics are pruned when left untouched)."""
    try:
        with transaction.atomic():
            snapshot = form.save(commit=False)
            snapshot.organisation, snapshot.is_target = organisation, form.is_target
            snapshot.save()
            Organisation.objects.filter(pk=organisation.pk).update(updated_at=timezone.now())
    except IntegrityError:
        form.add_error(None, DUPLICATE)
        return None
    return snapshot


def _form_page(request, form, organisation, stored_year=None):
    """``stored_year``: the year as saved, for the title (the form may hold an unsaved, invalid one)."""
    ctx = {"form": form, "organisation": organisation, "is_target": form.is_target, "stored_year": stored_year}
    return render(request, "diagnostic/snapshot_form.html", ctx, status=400 if form.errors else 200)


def add(request, pk):
    organisation = get_organisation_for(request, pk)
    is_target = request.GET.get("cible") == "1" or request.POST.get("cible") == "1"
    if is_target and organisation.snapshots.filter(is_target=True).exists():
        messages.info(request, "Votre cible existe déjà\u00a0: modifiez-la.")
        return redirect(organisation)
    form = SnapshotForm(posted(request), organisation=organisation, is_target=is_target)
    if request.method == "POST" and form.is_valid() and _save(form, organisation):
        messages.success(request, f"Chiffres {'de la cible ' if is_target else ''}{form.instance.year} enregistrés.")
        return redirect(f"{organisation.get_absolute_url()}#resultats")
    return _form_page(request, form, organisation)


def _snapshot(organisation, snapshot_pk):
    snapshot = organisation.snapshots.filter(pk=snapshot_pk).first()
    if snapshot is None:
        raise Http404("Année introuvable")
    return snapshot


def edit(request, pk, snapshot_pk):
    organisation = get_organisation_for(request, pk)
    snapshot = _snapshot(organisation, snapshot_pk)
    stored_year = snapshot.year
    form = SnapshotForm(posted(request), instance=snapshot, organisation=organisation, is_target=snapshot.is_target)
    if request.method == "POST" and form.is_valid() and _save(form, organisation):
        messages.success(request, f"Chiffres {snapshot.year} mis à jour.")
        return redirect(f"{organisation.get_absolute_url()}#resultats")
    return _form_page(request, form, organisation, stored_year)


@require_POST
def delete(request, pk, snapshot_pk):
    organisation = get_organisation_for(request, pk)
    snapshot = _snapshot(organisation, snapshot_pk)
    snapshot.delete()
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=timezone.now())
    messages.success(request, f"Chiffres {'de la cible ' if snapshot.is_target else ''}{snapshot.year} supprimés.")
    return redirect(organisation)


def _cell(value):
    return format_number(value).replace("\u202f", "") if not isinstance(value, str) else value


def export_csv(request, pk):
    """Every year and the target, with the figures, the lever values and shares: semicolons and decimal
    commas, as a French spreadsheet expects."""
    organisation = get_organisation_for(request, pk)
    rates = ValuationRates.current().as_rates()
    fields = Snapshot.figure_fields()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="diagnostic-{organisation.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # the byte order mark that makes Excel read UTF-8
    writer = csv.writer(response, delimiter=";")
    labels = [Snapshot._meta.get_field(name).verbose_name for name in fields]
    levers = [computation.LEVER_LABELS[lever] for lever in computation.LEVERS]
    writer.writerow(["année", "type", *labels, *(f"{lever} (€)" for lever in levers), *(f"{lever} (%)" for lever in levers),
                     "indice de concentration", "première source (%)"])
    for snapshot in organisation.snapshots.all():
        result = computation.evaluate(snapshot.year, snapshot.figures(), rates, snapshot.is_target)
        writer.writerow([
            snapshot.year, "cible" if snapshot.is_target else "réel",
            *(_cell(getattr(snapshot, name)) for name in fields),
            *(_cell(result.values[lever]) for lever in computation.LEVERS),
            *(_cell(computation.round_to(result.shares[lever])) for lever in computation.LEVERS),
            _cell(computation.round_to(result.indicators.hhi, 0)),
            _cell(computation.round_to(result.indicators.largest_share)),
        ])
    return response
