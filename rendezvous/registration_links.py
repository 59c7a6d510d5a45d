"""The signed link of a registration: the only way, besides the admin, to see a registration.

The token signs the registration's id and nonce (rendezvous.tokens). It opens the person's page (status, online
link, cancellation) until the event ends; then it is expired (410). A forged or altered token, or one whose nonce
no longer matches, is unknown (404). A cancelled registration's link still opens, to say so, and shows nothing of
the person: their name and address were erased.
"""

from datetime import timedelta

from django.urls import reverse

from core.site import site_address
from rendezvous import event_dates
from rendezvous.models import Registration
from rendezvous.tokens import TokenExpired, TokenInvalid, token_make, token_read

PURPOSE = "registration"
# The signature's own limit, far beyond any event's end: the end of the event is what expires a link.
SIGNATURE_MAX_AGE = timedelta(days=800)


class RegistrationEnded(TokenExpired):
    """A genuine link of an event that has ended (410): ``event`` says where its replay is."""

    def __init__(self, event):
        super().__init__(event.pk)
        self.event = event


def registration_token(registration):
    return token_make(PURPOSE, registration.pk, registration.nonce)


def registration_link(registration):
    """The absolute address of the person's page (for e-mails: on HUB_SITE_URL)."""
    return site_address(reverse("rendezvous:registration", kwargs={"token": registration_token(registration)}))


def registration_from_token(token):
    """The registration (event selected) the token opens; TokenInvalid (404) or TokenExpired (410: the event has
    ended, or the signature is too old)."""
    values = token_read(PURPOSE, token, max_age=SIGNATURE_MAX_AGE)
    if not (isinstance(values, list) and len(values) == 2 and isinstance(values[0], int)
            and isinstance(values[1], str)):
        raise TokenInvalid
    registration = Registration.objects.select_related("event").filter(pk=values[0], nonce=values[1]).first()
    if registration is None:
        raise TokenInvalid
    if registration.event.has_ended(event_dates.now()):
        raise RegistrationEnded(registration.event)
    return registration
