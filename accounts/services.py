"""Sign-up in two steps: a request that says the same whoever asks, then a link that proves the mailbox.

``signup_request`` runs after the response (core.after_response), so that the page, and the time it takes, never
tell whether the address already has an account: the owner of an existing account gets an e-mail saying so; a new
address gets an inactive account and a confirmation link. The link activates the account (``signup_activate``).

An account waiting for its confirmation is inactive and has never logged in (``last_login`` is empty): Django's
ModelBackend refuses inactive accounts, so it cannot log in, and the log-in page answers as for a wrong password.
The trap: an account that staff deactivate before its first log-in looks the same, and a new sign-up with its
address would let the owner of the mailbox activate it again.
"""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlencode, urlsafe_base64_decode, urlsafe_base64_encode

from core.site import site_address

from accounts.models import Profile

logger = logging.getLogger(__name__)

# The query parameter of a confirmation link that names the browser the sign-up came from (see the view).
BROWSER_PARAMETER = "navigateur"
# A sign-up never activated is deleted this many days after it was last asked for (its link lasts one day): anyone
# may type anyone's address, which the hub must not keep.
UNCONFIRMED_DAYS = 7


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset tokens, salted apart: a confirmation link is no password reset link, nor the reverse.

    A token depends on the password hash and the last log-in: a newer sign-up (new password) or the activation
    (first log-in) voids it. It expires after PASSWORD_RESET_TIMEOUT.
    """

    key_salt = "accounts.services.SignupTokenGenerator"


signup_token_generator = SignupTokenGenerator()


def send_account_email(template, to, context):
    """Plain French text from templates/accounts/email/<template>.txt and <template>_subject.txt."""
    subject = "".join(render_to_string(f"accounts/email/{template}_subject.txt", context).splitlines())
    send_mail(subject, render_to_string(f"accounts/email/{template}.txt", context), None, [to])


def _accounts_for(email):
    users = get_user_model().objects.annotate(lower_email=Lower("email"))
    return list(users.filter(Q(lower_email=email) | Q(username=email)))


def _is_pending(user, email):
    return user.username == email and not user.is_active and user.last_login is None


def signup_request(*, email, password, display_name, next_url, browser_key):
    """After the response to a valid sign-up form: confirm a new address, or tell an existing account's owner.

    ``email`` is normalised (lower case); ``password`` passed the validators. A second sign-up for an address still
    waiting for its confirmation takes the new password and sends a fresh link (the older one no longer works):
    whoever confirms must have chosen the password in use. The display name is never put in an e-mail (anyone may
    type anything there, and the e-mail goes to an address they may not own).
    """
    for _ in range(2):  # a second try when a concurrent sign-up of the same address created the account first
        accounts = _accounts_for(email)
        if any(not _is_pending(user, email) for user in accounts):
            # Hashed all the same, and thrown away: the worker stays busy as long as for a new account, so a request
            # that waits for this worker cannot tell the two apart either (as ModelBackend does for unknown users).
            make_password(password)
            send_account_email("signup_existing", email, {
                "login_url": site_address(reverse("accounts:login")),
                "reset_url": site_address(reverse("accounts:password_reset")),
            })
            return
        try:
            user = _save_pending(accounts[0] if accounts else None, email, password, display_name)
        except IntegrityError:
            continue
        send_account_email("signup_confirm", email, {"link": confirmation_link(user, next_url, browser_key)})
        return
    logger.error("Inscription abandonnée : le compte change sans cesse pendant son enregistrement.")


@transaction.atomic
def _save_pending(user, email, password, display_name):
    if user is None:
        user = get_user_model().objects.create_user(username=email, email=email, password=password, is_active=False)
    else:
        user.set_password(password)
        user.date_joined = timezone.now()  # the pruning counts from the latest sign-up
        user.save(update_fields=["password", "date_joined"])
    Profile.objects.update_or_create(user=user, defaults={"display_name": display_name})
    return user


def confirmation_link(user, next_url, browser_key):
    path = reverse("accounts:signup_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": signup_token_generator.make_token(user),
    })
    query = {BROWSER_PARAMETER: browser_key}
    if next_url != reverse("hub:dashboard"):
        query = {"next": next_url, **query}
    return site_address(f"{path}?{urlencode(query)}")


def pending_account(uidb64, token):
    """The account waiting for confirmation that this link names, if the link is still valid; else None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=False, last_login__isnull=True).first()
    if user is None or not signup_token_generator.check_token(user, token):
        return None
    return user


def signup_activate(*, user):
    """The link was followed: the account may log in. The log-in that follows voids the link."""
    user.is_active = True
    user.save(update_fields=["is_active"])


def signup_prune_unconfirmed(*, now=None, days=UNCONFIRMED_DAYS):
    """Delete the accounts still waiting for their confirmation ``days`` after their last sign-up; returns how many."""
    limit = (now or timezone.now()) - timedelta(days=days)
    pending = get_user_model().objects.filter(is_active=False, last_login__isnull=True, date_joined__lt=limit)
    return pending.delete()[1].get(get_user_model()._meta.label, 0)
