"""Invitations to a shared space: the signed link an e-mail carries, and the writes that create, renew, withdraw
and accept an invitation.

The link names the invitation's row and its ``nonce``, signed with the site's secret: nobody can make one up, and
renewing an invitation draws a new nonce, which kills the links sent before. The e-mail is the channel, not a
proof of identity: any logged-in account that holds the link may accept it (the page says so).

The trap: mail scanners open links. Opening the link (GET) changes nothing; only the button (POST) accepts.
"""

import secrets
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from core.text import normalise_email
from diagnostic.access import ALLOWED, Action
from diagnostic.models import Invitation, Membership, Role
from diagnostic.numbers import format_day
from diagnostic.spaces import person_name, space_event_record, space_lock

INVITATION_DAYS = 14
MAX_PENDING = 30  # invitations waiting in one space: the hub must not become a way to mail strangers in bulk
TOKEN_SALT = "diagnostic.invitations.token"  # nosec B105  (a signing namespace, public by design: no secret)


class InvitationRefused(Exception):
    """A link that cannot be used, with why (``reason``), what the person should do (``message``, in French)
    and the HTTP status of the page that says so."""

    FORGED, EXPIRED, SUPERSEDED, GONE = "forged", "expired", "superseded", "gone"

    def __init__(self, reason, message, organisation_id=None):
        super().__init__(message)
        self.reason, self.message = reason, message
        # The space a used-up link led to, when the link says it: a member who opens it again is shown the way in.
        self.organisation_id = organisation_id

    @property
    def status(self):
        # A link that never existed is not found; one that existed and no longer works is gone.
        return 404 if self.reason == self.FORGED else 410


def invitation_token(invitation):
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce, "o": invitation.organisation_id}, salt=TOKEN_SALT)


def role_allows(role):
    """What ``role`` allows, in French, in the order of the access table."""
    return [label for value, label in Action.choices if value in ALLOWED[role]]


def expiry_label(moment):
    """« 12 mars 2026 à 14 h 30 », « 1er mars 2026 à 9 h 05 », in Europe/Paris."""
    local = timezone.localtime(moment)
    return f"{format_day(local)} à {date_format(local, TIME_FORMAT)}"


TIME_FORMAT = "G \\h i"  # « 9 h 05 »


def inviter_name(invitation):
    """Reads invitation.invited_by and its profile: select_related them."""
    return person_name(invitation.invited_by) if invitation.invited_by_id else "un·e responsable de l’espace"


def _refused_expired(invitation):
    return InvitationRefused(
        InvitationRefused.EXPIRED,
        f"Cette invitation à rejoindre «\u00a0{invitation.organisation.name}\u00a0» a expiré le "
        f"{expiry_label(invitation.expires_at)}\u00a0: demandez une nouvelle invitation à {inviter_name(invitation)}.",
    )


GONE_MESSAGE = (
    "Cette invitation a déjà servi ou a été retirée. Si vous l’avez acceptée, l’espace figure dans «\u00a0Mon "
    "diagnostic\u00a0» une fois connecté·e\u00a0; sinon, demandez une nouvelle invitation à la personne qui vous l’avait "
    "envoyée."
)
SUPERSEDED_MESSAGE = (
    "Cette invitation a été remplacée par une invitation plus récente\u00a0: utilisez le lien du dernier e-mail reçu."
)


def invitation_from_token(token):
    """The invitation a link names, with its space and inviter, if the link still works; else InvitationRefused."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
        pk, nonce = payload["i"], payload["n"]
    except (signing.BadSignature, TypeError, KeyError):
        pk = nonce = None
    if type(pk) is not int or not isinstance(nonce, str):
        raise InvitationRefused(
            InvitationRefused.FORGED,
            "Ce lien d’invitation n’est pas valide\u00a0: il a peut-être été coupé ou modifié. Ouvrez-le à nouveau "
            "depuis l’e-mail reçu, en entier, ou demandez une nouvelle invitation.",
        )
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by__profile").filter(pk=pk).first()
    )
    if invitation is None:
        space = payload.get("o")  # links sent before it was written there do not say
        raise InvitationRefused(InvitationRefused.GONE, GONE_MESSAGE, space if type(space) is int else None)
    if not secrets.compare_digest(invitation.nonce, nonce):
        raise InvitationRefused(InvitationRefused.SUPERSEDED, SUPERSEDED_MESSAGE)
    if invitation.expires_at <= timezone.now():
        raise _refused_expired(invitation)
    return invitation


def _fresh(invitation, *, role=None, invited_by=None):
    invitation.nonce = secrets.token_urlsafe(24)
    invitation.expires_at = timezone.now() + timedelta(days=INVITATION_DAYS)
    invitation.sent_at = None  # until the new e-mail leaves
    if role is not None:
        invitation.role, invitation.invited_by = role, invited_by
    return invitation


@transaction.atomic
def invitation_create(*, organisation, email, role, invited_by):
    """Invite ``email`` to ``organisation`` with ``role``; an invitation already waiting for that address is renewed
    (new link, role and expiry). Raises ValidationError (French) for a member's address or a full list."""
    email = normalise_email(email)
    space_lock(organisation.pk)
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": "Cette adresse est déjà celle d’un membre de l’espace."})
    invitation = Invitation.objects.filter(organisation=organisation, email=email).first()
    if invitation is None:
        if Invitation.objects.filter(organisation=organisation).count() >= MAX_PENDING:
            raise ValidationError(
                f"Un espace garde au plus {MAX_PENDING} invitations en attente\u00a0: retirez celles qui ont expiré "
                "ou ne servent plus avant d’en envoyer une autre."
            )
        invitation = Invitation(organisation=organisation, email=email)
        space_event_record(
            organisation=organisation, actor=invited_by,
            summary=f"a invité une personne comme {Role(role).label.lower()}",
        )
    _fresh(invitation, role=role, invited_by=invited_by).save()
    return invitation


@transaction.atomic
def invitation_renew(*, invitation):
    """« Renvoyer »: a new link and expiry; the links sent before stop working. None if the invitation is gone."""
    space_lock(invitation.organisation_id)
    current = Invitation.objects.filter(pk=invitation.pk).first()
    if current is None:
        return None
    _fresh(current).save(update_fields=["nonce", "expires_at", "sent_at"])
    return current


@transaction.atomic
def invitation_withdraw(*, invitation, actor):
    """Delete the invitation: its link stops working. False if it was already gone (accepted, withdrawn)."""
    space_lock(invitation.organisation_id)
    deleted, _ = Invitation.objects.filter(pk=invitation.pk).delete()
    if deleted:
        space_event_record(organisation=invitation.organisation, actor=actor, summary="a retiré une invitation")
    return bool(deleted)


@transaction.atomic
def invitation_accept(*, invitation, user):
    """``user`` joins the space with the invitation's role, and the invitation is used up: (membership, created).

    Two clicks (two tabs, a double submission) make one membership: the space is locked, then the invitation's row
    (select_for_update); the second finds it gone and ``user`` already a member. A member keeps their role.
    Raises InvitationRefused if the invitation went meanwhile (withdrawn, renewed, expired).
    """
    space_lock(invitation.organisation_id)
    current = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    membership = Membership.objects.filter(organisation_id=invitation.organisation_id, user=user).first()
    if current is None or current.nonce != invitation.nonce:
        if membership is not None:
            return membership, False
        if current is None:
            raise InvitationRefused(InvitationRefused.GONE, GONE_MESSAGE)
        raise InvitationRefused(InvitationRefused.SUPERSEDED, SUPERSEDED_MESSAGE)
    if current.expires_at <= timezone.now():
        raise _refused_expired(invitation)
    current.delete()
    if membership is not None:
        return membership, False
    membership = Membership.objects.create(organisation_id=invitation.organisation_id, user=user, role=current.role)
    space_event_record(
        organisation=invitation.organisation, actor=user,
        summary=f"a rejoint l’espace comme {Role(current.role).label.lower()}, invité·e par {inviter_name(invitation)}",
    )
    return membership, True
