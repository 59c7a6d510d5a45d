"""Accounts: sign-up and its confirmation, log-in, account page, deletion, password reset.

What a visitor did before logging in joins the account through ``user_logged_in`` (hub/receivers.py).
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms.utils import ErrorDict
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import services, throttle
from accounts.forms import AccountDeleteForm, LoginForm, ProfileForm, SignupConfirmForm, SignupForm
from accounts.models import Profile
from accounts.sessions import BACKEND
from core.after_response import after_response
from core.redirects import posted, safe_next_url
from diagnostic.spaces import spaces_alone, spaces_blocking_account_deletion, spaces_delete_alone


SIGNUP_SESSION_KEY = "hub_signup_browser_keys"


@sensitive_post_parameters("password1", "password2")
def signup(request):
    """The same answer for every valid form: whether the address has an account is told by e-mail only, and the
    work that depends on it (password hashing included) waits until the response is sent (accounts.services)."""
    if request.user.is_authenticated:
        return redirect("hub:dashboard")
    # An invitation's page links here with the address it was sent to: the form starts from it.
    form = SignupForm(posted(request), initial={"email": request.GET.get("email", "")[:150]})
    if request.method == "POST" and form.is_valid():
        wait = throttle.begin_email_request(request, form.cleaned_data["email"])
        if wait:
            form = _refused(form, _email_wait_message(wait))
            ctx = {"form": form, "next": safe_next_url(request, "hub:dashboard")}
            return render(request, "accounts/signup.html", ctx, status=429)
        browser_key = secrets.token_urlsafe(16)
        # This browser may then activate the account without typing the password again (signup_confirm).
        request.session[SIGNUP_SESSION_KEY] = [*request.session.get(SIGNUP_SESSION_KEY, [])[-4:], browser_key]
        after_response(
            services.signup_request, email=form.cleaned_data["email"], password=form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"], next_url=safe_next_url(request, "hub:dashboard"),
            browser_key=browser_key,
        )
        return redirect("accounts:signup_done")
    ctx = {"form": form, "next": safe_next_url(request, "hub:dashboard")}
    return render(request, "accounts/signup.html", ctx, status=400 if form.errors else 200)


def signup_done(request):
    return render(request, "accounts/signup_done.html")


@sensitive_post_parameters("password")
def signup_confirm(request, uidb64, token):
    """Opening the link shows a button (mail scanners open links too: a GET changes nothing); the button activates
    the account and logs in, so that ``user_logged_in`` brings in what the visitor did before (hub/receivers.py)."""
    user = services.pending_account(uidb64, token)
    if user is None:
        return render(request, "accounts/signup_confirm.html", {"validlink": False})
    same_browser = request.GET.get(services.BROWSER_PARAMETER, "") in request.session.get(SIGNUP_SESSION_KEY, [])
    form = SignupConfirmForm(user, posted(request), ask_password=not same_browser)
    ctx = {"validlink": True, "form": form, "email": user.email, "next": safe_next_url(request, "hub:dashboard")}
    if request.method == "POST":
        username = user.get_username()
        # A password asked is a password checked under the log-in limits (accounts.throttle).
        wait = throttle.begin(request, username) if not same_browser else 0
        if wait:
            # No reset e-mail reaches an account not yet activated: the way out is a new sign-up.
            message = throttle.wait_message(
                wait, WRONG_PASSWORDS, way_out="inscrivez-vous à nouveau avec la même adresse"
            )
            ctx["form"] = _refused(form, message)
            return render(request, "accounts/signup_confirm.html", ctx, status=429)
        if form.is_valid():
            if not same_browser:
                throttle.succeeded(request, username)
            services.signup_activate(user=user)
            login(request, user, backend=BACKEND)
            request.session.pop(SIGNUP_SESSION_KEY, None)
            messages.success(request, "Bienvenue\u00a0! Votre compte est activé et vous êtes connecté·e.")
            response = HttpResponseRedirect(ctx["next"])
            throttle.remember_browser(request, response, username)
            return response
        if not same_browser and not form.has_error("password", "password_incorrect"):
            throttle.not_checked(request, username)
    return render(request, "accounts/signup_confirm.html", ctx, status=400 if form.errors else 200)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Django's view names the site after the request's host; the page title uses the hub's name.
        return {**super().get_context_data(**kwargs), "site_name": settings.SITE_NAME}

    def post(self, request, *args, **kwargs):
        wait = throttle.begin(request, request.POST.get("username", ""))
        if wait:
            form = _refused(self.get_form_class()(request, data=request.POST), throttle.wait_message(wait))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        username = self.request.POST.get("username", "")
        throttle.succeeded(self.request, username)
        response = super().form_valid(form)
        throttle.remember_browser(self.request, response, username)
        return response

    def form_invalid(self, form):
        # The attempt was counted before the check (throttle.begin); a form refused before any password was
        # checked (an empty field) gives it back.
        if not form.has_error("__all__", "invalid_login"):
            throttle.not_checked(self.request, self.request.POST.get("username", ""))
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@login_required
def account(request):
    # Reading the page creates nothing: the profile row is written on the first valid save only.
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    form = ProfileForm(posted(request), instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Votre profil est enregistré.")
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {"form": form}, status=400 if form.errors else 200)


def _refused(form, message):
    """The form bound to show what was typed, but never validated: a locked attempt checks no password."""
    form.cleaned_data, form._errors = {}, ErrorDict()
    form.add_error(None, message)
    return form


WRONG_PASSWORDS = "mots de passe erronés"


def _email_wait_message(wait):
    # The same for every address, with or without an account.
    return throttle.wait_message(wait, throttle.TOO_MANY_EMAILS, way_out="")


def _spaces_named(organisations):
    names = [f"«\u00a0{organisation.name}\u00a0»" for organisation in organisations]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


def _sole_responsable_message(blocking):
    plural = len(blocking) > 1
    return (
        f"Vous êtes le ou la seul·e responsable {'des espaces' if plural else 'de l’espace'} {_spaces_named(blocking)}, "
        f"où d’autres personnes travaillent\u00a0: confiez d’abord ce rôle à l’une d’elles, ou retirez-les, depuis la "
        f"page «\u00a0Membres\u00a0» {'de chaque espace' if plural else 'de l’espace'}. Votre compte n’a pas été supprimé."
    )


@login_required
@sensitive_post_parameters("password")
def account_delete(request):
    form = AccountDeleteForm(request.user, posted(request))
    # A space keeps a responsable: the account of its only one waits while others work there.
    blocking = spaces_blocking_account_deletion(request.user)
    ctx = {"form": form, "blocking": blocking, "alone": list(spaces_alone(request.user))}
    if blocking:
        ctx["refusal"] = _sole_responsable_message(blocking)
        return render(request, "accounts/account_delete.html", ctx, status=400 if request.method == "POST" else 200)
    if request.method == "POST":
        # The password is checked under the log-in limits: a borrowed session cannot guess it either.
        username = request.user.get_username()
        wait = throttle.begin(request, username)
        if wait:
            ctx["form"] = _refused(form, throttle.wait_message(wait, WRONG_PASSWORDS))
            return render(request, "accounts/account_delete.html", ctx, status=429)
        if form.is_valid():
            throttle.succeeded(request, username)
            with transaction.atomic():
                # The spaces where the person works alone go with the account; their other memberships cascade, as
                # do the profile, enrolments, progress, notes, saved fiches and diagnostics.
                spaces_delete_alone(user=request.user)
                request.user.delete()
            logout(request)
            messages.success(request, "Votre compte et toutes les données qui s’y rattachaient ont été supprimés.")
            return redirect("hub:home")
        if not form.has_error("password", "password_incorrect"):
            throttle.not_checked(request, username)
    return render(request, "accounts/account_delete.html", ctx, status=400 if form.errors else 200)


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "Vous êtes déconnecté·e.")
    return redirect("hub:home")


class PasswordChangeView(auth_views.PasswordChangeView):
    """The current password is checked under the log-in limits: a borrowed session cannot guess it."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def post(self, request, *args, **kwargs):
        wait = throttle.begin(request, request.user.get_username())
        if wait:
            form = _refused(self.get_form(), throttle.wait_message(wait, WRONG_PASSWORDS))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        throttle.succeeded(self.request, self.request.user.get_username())
        return super().form_valid(form)

    def form_invalid(self, form):
        if not form.has_error("old_password", "password_incorrect"):
            throttle.not_checked(self.request, self.request.user.get_username())
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, except that the e-mail leaves after the response: looking the address up, making the token and
    sending take time only when an account exists, which the answer must not tell."""

    def form_valid(self, form):
        wait = throttle.begin_email_request(self.request, form.cleaned_data["email"])
        if wait:
            form = _refused(form, _email_wait_message(wait))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        site = urlsplit(settings.HUB_SITE_URL)
        after_response(
            form.save, domain_override=site.netloc, use_https=site.scheme == "https",
            token_generator=self.token_generator, from_email=self.from_email,
            email_template_name=self.email_template_name, subject_template_name=self.subject_template_name,
            html_email_template_name=self.html_email_template_name, extra_email_context=self.extra_email_context,
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password also lifts a log-in lock: the way out the lock message promises."""

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.lift(form.user.get_username())
        throttle.remember_browser(self.request, response, form.user.get_username())
        return response
