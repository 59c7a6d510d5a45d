"""Pages of « La lettre »: the archive, an issue, subscribing (double opt-in) and unsubscribing."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import throttle
from core.after_response import after_response
from core.redirects import posted
from rendezvous import letter_subscriptions as subscriptions
from rendezvous.forms.letter import LetterSubscribeForm
from rendezvous.letter import letter_context
from rendezvous.models import Letter
from rendezvous.tokens import TokenExpired, TokenInvalid
from rendezvous.views.one_click import one_click
from resources.pagination import paginate

PER_PAGE = 24
GONE = {
    "confirm": "Ce lien de confirmation a expiré (il vaut 7\u00a0jours)\u00a0: demandez à nouveau l’abonnement, un nouveau "
               "lien vous sera envoyé.",
    "unsubscribe": "Ce lien de désabonnement est trop ancien\u00a0: utilisez celui d’une lettre plus récente, ou "
                   "écrivez-nous depuis la page «\u00a0Mentions légales\u00a0».",
}


@require_safe
def letter_archive(request):
    letters = Letter.objects.online().only("number", "title", "published_at", "period_start", "period_end")
    page = paginate(request.GET, letters.order_by("-number"), PER_PAGE)
    return render(request, "rendezvous/letter/archive.html", {"page": page, "form": LetterSubscribeForm()})


@require_safe
def letter_detail(request, number):
    letter = get_object_or_404(Letter.objects.online(), number=number)
    return render(request, "rendezvous/letter/detail.html", letter_context(letter, letter.content))


@require_http_methods(["GET", "POST"])
def letter_subscribe(request):
    """One answer for every valid form (rendezvous.letter_subscriptions): the address is looked up after it."""
    form = LetterSubscribeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        wait = throttle.begin_rendezvous_request(request, form.cleaned_data["email"])
        if wait:
            form.add_error(None, throttle.wait_message(wait, throttle.TOO_MANY_EMAILS, way_out=""))
            return render(request, "rendezvous/letter/subscribe.html", {"form": form}, status=429)
        after_response(subscriptions.subscription_request, email=form.cleaned_data["email"])
        return redirect("rendezvous:letter_subscribe_done")
    return render(request, "rendezvous/letter/subscribe.html", {"form": form}, status=400 if form.errors else 200)


@require_safe
def letter_subscribe_done(request):
    return render(request, "rendezvous/letter/subscribe_done.html")


@require_safe
def letter_subscribe_confirmed(request):
    return render(request, "rendezvous/letter/subscribe_confirmed.html")


def _link_refused(request, error, kind):
    """404 for a forged or superseded link, 410 with what to do for an expired one."""
    expired = isinstance(error, TokenExpired)
    ctx = {"message": GONE[kind] if expired else None, "kind": kind}
    return render(request, "rendezvous/letter/link_refused.html", ctx, status=410 if expired else 404)


@require_http_methods(["GET", "POST"])
def letter_confirm(request, token):
    try:
        subscriber = subscriptions.subscriber_to_confirm(token)
    except (TokenInvalid, TokenExpired, subscriptions.SubscriberGone) as error:
        return _link_refused(request, error, "confirm")
    if request.method == "POST":
        subscriptions.subscription_confirm(subscriber=subscriber)
        return redirect("rendezvous:letter_subscribe_confirmed")
    return render(request, "rendezvous/letter/confirm.html", {"subscriber": subscriber})


@require_http_methods(["GET", "POST"])
def letter_unsubscribe(request, token):
    try:
        subscriber = subscriptions.subscriber_to_unsubscribe(token)
    except (TokenInvalid, TokenExpired, subscriptions.SubscriberGone) as error:
        return _link_refused(request, error, "unsubscribe")
    if request.method == "POST":
        subscriptions.subscription_delete(subscriber=subscriber)
        messages.success(request, "Vous êtes désabonné·e\u00a0: votre adresse est effacée et aucune lettre ne vous "
                                  "sera plus envoyée.")
        return redirect("rendezvous:letter_archive")
    return render(request, "rendezvous/letter/unsubscribe.html", {"subscriber": subscriber})


@one_click("rendezvous:letter_unsubscribe", "Demande de désabonnement incomplète.")
def letter_unsubscribe_one_click(request, token):
    try:
        subscriber = subscriptions.subscriber_to_unsubscribe(token)
    except (TokenInvalid, TokenExpired, subscriptions.SubscriberGone) as error:
        return _link_refused(request, error, "unsubscribe")
    subscriptions.subscription_delete(subscriber=subscriber)
    return HttpResponse("Désabonnement enregistré : votre adresse est effacée.", content_type="text/plain; charset=utf-8")
