"""E-mails of a shared space: the invitation, and the word to the inviter once it is accepted.

Both are plain French text from templates/diagnostic/email/, with absolute links on HUB_SITE_URL (whatever Host the
request came with). They leave within the request, through Django's e-mail API, which settings.EMAIL_TIMEOUT bounds:
one invitation at a time is no bulk work (CONVENTIONS 23). A mail server that refuses or cannot be reached is no
error page: the caller is told (False) and the invitation is kept, to be sent again with « Renvoyer ».
"""

import logging
import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.site import site_address

from diagnostic.invitations import expiry_label, invitation_token, inviter_name, role_allows
from diagnostic.models import Invitation, Role

logger = logging.getLogger(__name__)

SEND_ERRORS = (smtplib.SMTPException, OSError)  # refused by the server; unreachable, timed out


def _send(template, to, context):
    subject = "".join(render_to_string(f"diagnostic/email/{template}_subject.txt", context).splitlines())
    send_mail(subject, render_to_string(f"diagnostic/email/{template}.txt", context), None, [to])


def invitation_send(*, invitation):
    """Send the invitation's link to its address; True once the server took it (``sent_at`` is then set), False
    if it could not leave (logged). Reads invitation.organisation and invited_by's profile: select_related them."""
    context = {
        "space": invitation.organisation.name,
        "inviter": inviter_name(invitation),
        "role": Role(invitation.role).label.lower(),
        "allows": role_allows(invitation.role),
        "expires": expiry_label(invitation.expires_at),
        "link": site_address(reverse("diagnostic:invitation_accept", args=[invitation_token(invitation)])),
    }
    try:
        _send("invitation", invitation.email, context)
    except SEND_ERRORS:
        logger.warning("Invitation %s : l’e-mail n’a pas pu partir.", invitation.pk, exc_info=True)
        return False
    invitation.sent_at = timezone.now()
    # Only the link just sent: a renewal made meanwhile by another responsable keeps its own state.
    Invitation.objects.filter(pk=invitation.pk, nonce=invitation.nonce).update(sent_at=invitation.sent_at)
    return True


def invitation_accepted_notify(*, to, member, space, role, space_id):
    """Tell the inviter (address ``to``) that ``member`` joined; a failure is logged, never raised: the person
    has joined whatever the mail server does. Plain values, not rows: it runs after the response."""
    context = {
        "member": member, "space": space, "role": role,
        "link": site_address(reverse("diagnostic:members", args=[space_id])),
    }
    try:
        _send("invitation_accepted", to, context)
    except SEND_ERRORS:
        logger.warning("Espace %s : l’avis d’invitation acceptée n’a pas pu partir.", space_id, exc_info=True)
        return False
    return True
