"""The agenda's pages: upcoming and past events, an event with its registration form and .ics, the person's own
registration page (opened by the signed link of their e-mail) and its cancellation.

The registration form answers the same whether the address is new or already registered (no enumeration): the
registration itself is made once the answer has left (core.after_response), and what differs travels by e-mail.
"""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts import throttle
from core.after_response import after_response
from core.redirects import posted
from rendezvous import event_dates
from rendezvous.agenda import event_for_page
from rendezvous.event_mail import waiting_rank
from rendezvous.filters import FILTER_PARAMS, EventFilter
from rendezvous.forms.events import RegistrationForm
from rendezvous.ics import MIMETYPE, event_calendar, event_filename
from rendezvous.models import Event
from rendezvous.registration_links import RegistrationEnded, registration_from_token
from rendezvous.registrations import registration_cancel, registration_request
from rendezvous.tokens import TokenExpired, TokenInvalid
from resources.pagination import paginate

PER_PAGE = 12
CLOSED = "Les inscriptions sont closes\u00a0: ce rendez-vous a commencé."


def _listing(request, *, past):
    if any("\x00" in value for _, values in request.GET.lists() for value in values):
        raise BadRequest("L’adresse contient des caractères nuls.")
    now = event_dates.now()
    events = Event.objects.past(now) if past else Event.objects.upcoming(now)
    filterset = EventFilter(request.GET, queryset=events.for_cards())
    refused = filterset.errors_list()
    page = paginate(request.GET, filterset.qs, PER_PAGE)
    kept = [(name, filterset.form.cleaned_data[name]) for name in FILTER_PARAMS if filterset.form.cleaned_data.get(name)]
    ctx = {"filterset": filterset, "page": page, "refused": refused, "past": past, "now": now,
           "query_without_page": urlencode(kept), "filtered": bool(kept)}
    return render(request, "rendezvous/agenda.html", ctx, status=400 if refused else 200)


@require_safe
def agenda(request):
    return _listing(request, past=False)


@require_safe
def agenda_past(request):
    return _listing(request, past=True)


def _refused(form, message):
    """The form bound to show what was typed, with ``message`` on top."""
    form.add_error(None, message)
    return form


@require_http_methods(["GET", "HEAD", "POST"])
def event_detail(request, slug):
    event = event_for_page(slug)
    if event is None:
        raise Http404("Ce rendez-vous n’existe pas ou n’est pas publié.")
    now, status = event_dates.now(), 200
    form = RegistrationForm(posted(request))
    if request.method == "POST":
        status = 400
        if event.has_started(now):
            form = _refused(form, CLOSED)
        elif form.is_valid():
            data = form.cleaned_data
            wait = throttle.begin_rendezvous_request(request, data["email"])
            if not wait:
                after_response(registration_request, event_id=event.pk, name=data["name"], email=data["email"],
                               organisation=data["organisation"])
                return redirect("rendezvous:registration_sent", slug=event.slug)
            form, status = _refused(form, throttle.wait_message(wait, throttle.TOO_MANY_EMAILS, way_out="")), 429
    ctx = {"event": event, "form": form, "closed_message": CLOSED, "started": event.has_started(now),
           "ended": event.has_ended(now), "places_left": event.places_left(event.confirmed_count)}
    return render(request, "rendezvous/event_detail.html", ctx, status=status)


@require_safe
def event_ics(request, slug):
    """The public calendar file: never the online link."""
    event = get_object_or_404(Event.objects.published(), slug=slug)
    response = HttpResponse(event_calendar(event), content_type=f"{MIMETYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event_filename(event)}"'
    return response


@require_safe
def registration_sent(request, slug):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    return render(request, "rendezvous/registration_sent.html", {"event": event})


def _registration_or_answer(request, token):
    """(registration, None) for a live registration, else (None, the 410 page); a made-up token is a 404."""
    try:
        registration = registration_from_token(token)
    except RegistrationEnded as ended:
        return None, render(request, "rendezvous/registration_gone.html", {"event": ended.event, "ended": True}, status=410)
    except TokenExpired:
        return None, render(request, "rendezvous/registration_gone.html", {"expired": True}, status=410)
    except TokenInvalid:
        raise Http404("Ce lien d’inscription n’existe pas.") from None
    if registration.is_cancelled:
        return None, render(request, "rendezvous/registration_gone.html",
                            {"event": registration.event, "cancelled": True}, status=410)
    return registration, None


@never_cache
@require_safe
def registration(request, token):
    """The person's page: their status (place or rank), the online link once their place is confirmed."""
    registration, answer = _registration_or_answer(request, token)
    if answer is not None:
        return answer
    ctx = {"registration": registration, "event": registration.event, "token": token}
    if registration.is_waiting:
        ctx["rank"] = waiting_rank(registration)
    return render(request, "rendezvous/registration.html", ctx)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def registration_cancel_view(request, token):
    """GET asks for confirmation (mail scanners open links: a GET changes nothing); POST cancels."""
    registration, answer = _registration_or_answer(request, token)
    if answer is not None:
        return answer
    event = registration.event
    if request.method != "POST":
        ctx = {"registration": registration, "event": event, "token": token}
        return render(request, "rendezvous/registration_cancel.html", ctx)
    registration_cancel(registration=registration)
    messages.success(request, f"Votre inscription à «\u00a0{event.title}\u00a0» est annulée\u00a0; votre nom et votre "
                              "adresse ont été effacés.")
    if not event.is_published:
        return redirect(reverse("rendezvous:agenda"))
    return redirect(event.get_absolute_url())
