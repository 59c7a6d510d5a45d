"""The pages of the alerts: ask for one, read the « check your mailbox » page, confirm, manage or stop.

The confirmation and management pages are reached by signed links (rendezvous.alerts): a forged or dead one is a
404, a genuine one too old a 410 that says what to do. Their GET changes nothing (mail scanners open links): each
change is a button (POST, CSRF).
"""

from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.throttle import TOO_MANY_EMAILS, begin_rendezvous_request, wait_message
from core.redirects import posted
from core.text import guillemets
from rendezvous import alerts
from rendezvous.views.one_click import one_click
from rendezvous.forms.alerts import AlertForm, FrequencyForm
from rendezvous.models import AlertFrequency
from rendezvous.outbox import mail_send_soon
from rendezvous.tokens import TokenExpired

GONE = {
    alerts.CONFIRM: "Ce lien de confirmation a expiré (il vaut 7 jours), et la demande a été effacée. Demandez "
                    "l’alerte à nouveau depuis la liste des fiches ou la recherche que vous vouliez suivre.",
    alerts.MANAGE: "Ce lien a expiré (il vaut un an après l’e-mail qui le porte). Le dernier e-mail de l’alerte en "
                   "porte un plus récent\u00a0; sinon, demandez l’alerte à nouveau\u00a0: vous recevrez un lien neuf.",
}


def _refused(form, message):
    """The form with what was typed, and one message instead of its validation (nothing was checked)."""
    form.cleaned_data, form._errors = {}, ErrorDict()
    form.add_error(None, message)
    return form


@never_cache
def alert_new(request):
    """One page for every valid request, whatever the address (rendezvous.alerts.alert_request)."""
    default = "" if request.method == "POST" else reverse("resources:fiche_list")
    try:
        followed = alerts.followed_search(request.POST.get("suivre") if request.method == "POST"
                                          else request.GET.get("suivre", default))
    except alerts.Unfollowable as refusal:
        return render(request, "rendezvous/alert_refused.html", {"message": str(refusal)}, status=400)
    email = request.user.email if request.user.is_authenticated else ""
    form = AlertForm(posted(request), initial={"email": email})
    ctx = {"form": form, "followed": followed}
    if request.method == "POST" and form.is_valid():
        wait = begin_rendezvous_request(request, form.cleaned_data["email"])
        if wait:
            ctx["form"] = _refused(form, wait_message(wait, TOO_MANY_EMAILS, way_out=""))
            return render(request, "rendezvous/alert_new.html", ctx, status=429)
        row = alerts.alert_request(email=form.cleaned_data["email"], followed=followed,
                                   frequency=form.cleaned_data["frequency"], now=timezone.now())
        mail_send_soon(row)
        return redirect("rendezvous:alert_sent")
    return render(request, "rendezvous/alert_new.html", ctx, status=400 if form.errors else 200)


def alert_sent(request):
    return render(request, "rendezvous/alert_sent.html", {"days": alerts.CONFIRM_DAYS})


def _alert_or_gone(request, purpose, token):
    """(alert, None), or (None, the 410 page); a forged link raises Http404."""
    try:
        return alerts.alert_for_token(purpose, token), None
    except TokenExpired:
        return None, render(request, "rendezvous/alert_gone.html", {"message": GONE[purpose]}, status=410)


@never_cache
def alert_confirm(request, token):
    """GET shows the alert and a « Confirmer » button; the button starts it and leads to its management page."""
    alert, gone = _alert_or_gone(request, alerts.CONFIRM, token)
    if gone:
        return gone
    if request.method == "POST":
        if not alert.is_confirmed:
            alerts.alert_confirm(alert=alert, now=timezone.now())
            messages.success(request, f"Votre alerte est confirmée\u00a0: vous recevrez les nouveautés de façon "
                                      f"{AlertFrequency(alert.frequency).label.lower()}.")
        return redirect("rendezvous:alert_manage", token=alerts.alert_token(alerts.MANAGE, alert))
    ctx = {"alert": alert, "summary": alerts.summary_of(alert),
           "frequency": AlertFrequency(alert.frequency).label.lower(),
           "manage_token": alerts.alert_token(alerts.MANAGE, alert) if alert.is_confirmed else ""}
    return render(request, "rendezvous/alert_confirm.html", ctx)


@never_cache
def alert_manage(request, token):
    """Change the frequency, or stop the alert: the row is deleted, and the person lands on the search."""
    alert, gone = _alert_or_gone(request, alerts.MANAGE, token)
    if gone:
        return gone
    summary = alerts.summary_of(alert)
    action = request.POST.get("action") if request.method == "POST" else None
    form = FrequencyForm(posted(request) if action != "arreter" else None, initial={"frequency": alert.frequency})
    if action == "arreter":
        alerts.alert_stop(alert=alert)
        messages.success(request, f"Alerte arrêtée\u00a0: votre adresse et la recherche {guillemets(summary)} ont "
                                  "été effacées. Vous ne recevrez plus rien.")
        return redirect(alert.query)
    if request.method == "POST" and form.is_valid():
        alerts.alert_set_frequency(alert=alert, frequency=form.cleaned_data["frequency"])
        label = AlertFrequency(form.cleaned_data["frequency"]).label.lower()
        messages.success(request, f"C’est noté\u00a0: vous recevrez cette alerte de façon {label}.")
        return redirect(request.path)
    ctx = {"alert": alert, "summary": summary, "form": form}
    return render(request, "rendezvous/alert_manage.html", ctx, status=400 if form.errors else 200)


@one_click("rendezvous:alert_manage", "Demande d’arrêt incomplète.")
def alert_stop_one_click(request, token):
    alert, gone = _alert_or_gone(request, alerts.MANAGE, token)
    if gone:
        return gone
    alerts.alert_stop(alert=alert)
    return HttpResponse("Alerte arrêtée\u00a0: votre adresse et la recherche sont effacées.",
                        content_type="text/plain; charset=utf-8")
