"""The members of a space, their roles, leaving it, and the invitations that bring people in.

Every view goes through diagnostic.access with the action it needs; the writes and their rules (a space keeps at
least one responsable; one membership per link, however many clicks) are in diagnostic.spaces and
diagnostic.invitations.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.after_response import after_response
from core.redirects import posted
from diagnostic.access import Action, get_organisation_for, get_space_for
from diagnostic.forms import InvitationForm, RoleForm
from diagnostic.invitations import (
    INVITATION_DAYS,
    InvitationRefused,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_renew,
    invitation_withdraw,
    inviter_name,
    role_allows,
)
from diagnostic.models import Invitation, Membership, Role
from diagnostic.space_mail import invitation_accepted_notify, invitation_send
from diagnostic.spaces import SpaceWithoutResponsable, member_remove, member_role_change, person_name

NOT_SENT = (
    "L’invitation est enregistrée, mais l’e-mail n’a pas pu partir (le serveur d’envoi ne répond pas)\u00a0: utilisez "
    "«\u00a0Renvoyer\u00a0» dans un moment."
)


def _render_members(request, organisation, *, form=None, refusal="", status=200):
    memberships = list(organisation.memberships.select_related("user__profile"))
    for membership in memberships:
        membership.name = person_name(membership.user)
        # Others see a name, or the start of an address: the full one is for those who invite (who typed it).
        membership.address = membership.user.email if organisation.can["invite"] else ""
    invitations = []
    if organisation.can["invite"]:  # the addresses of people not in the space yet are for those who invite
        invitations = list(organisation.invitations.select_related("invited_by__profile"))
        for invitation in invitations:
            invitation.inviter = person_name(invitation.invited_by) if invitation.invited_by_id else ""
    responsables = [membership for membership in memberships if membership.role == Role.RESPONSABLE]
    ctx = {
        "sole_responsable": len(responsables) == 1 and responsables[0].user_id == request.user.pk,
        "organisation": organisation, "memberships": memberships, "invitations": invitations, "roles": Role.choices,
        "form": form or InvitationForm(), "refusal": refusal, "invitation_days": INVITATION_DAYS, "now": timezone.now(),
    }
    return render(request, "diagnostic/space_members.html", ctx, status=status)


def _send(request, invitation):
    if invitation_send(invitation=invitation):
        messages.success(request, f"Invitation envoyée à {invitation.email}.")
    else:
        messages.warning(request, NOT_SENT)


@never_cache
def members(request, pk):
    """GET: the members, the invitations waiting, the invitation form; POST: invite (responsables)."""
    if request.method == "GET":
        organisation = get_organisation_for(request, pk)
        if not organisation.is_space:  # its owner may share it first
            return redirect("diagnostic:space_share", pk=organisation.pk)
        return _render_members(request, organisation)
    organisation = get_space_for(request, pk, Action.INVITE)
    form = InvitationForm(posted(request))
    if form.is_valid():
        try:
            invitation = invitation_create(organisation=organisation, invited_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _send(request, invitation)
            return redirect("diagnostic:members", pk=organisation.pk)
    return _render_members(request, organisation, form=form, status=400)


@require_POST
def role(request, pk, member_pk):
    organisation = get_space_for(request, pk, Action.MANAGE)
    membership = get_object_or_404(organisation.memberships.select_related("user__profile"), pk=member_pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _render_members(request, organisation, refusal="Choisissez l’un des rôles proposés.", status=400)
    try:
        member_role_change(membership=membership, role=form.cleaned_data["role"], actor=request.user)
    except SpaceWithoutResponsable as refusal:
        return _render_members(request, organisation, refusal=refusal.message, status=400)
    messages.success(
        request, f"{person_name(membership.user)} est désormais {Role(membership.role).label.lower()} de l’espace."
    )
    return redirect("diagnostic:members", pk=organisation.pk)


def remove(request, pk, member_pk):
    """GET: what removing the member changes; POST: remove them."""
    organisation = get_space_for(request, pk, Action.MANAGE)
    membership = get_object_or_404(organisation.memberships.select_related("user__profile"), pk=member_pk)
    if membership.user_id == request.user.pk:
        return redirect("diagnostic:space_leave", pk=organisation.pk)
    ctx = {"organisation": organisation, "membership": membership, "name": person_name(membership.user)}
    if request.method == "POST":
        try:
            member_remove(membership=membership, actor=request.user)
        except SpaceWithoutResponsable as refusal:
            return render(request, "diagnostic/member_remove.html", {**ctx, "refusal": refusal.message}, status=400)
        messages.success(request, f"{ctx['name']} ne fait plus partie de l’espace.")
        return redirect("diagnostic:members", pk=organisation.pk)
    return render(request, "diagnostic/member_remove.html", ctx)


def leave(request, pk):
    """GET: what leaving changes; POST: leave. The last responsable is refused (the space would have none)."""
    organisation = get_space_for(request, pk, Action.READ)
    membership = get_object_or_404(Membership, organisation=organisation, user=request.user)
    if request.method == "POST":
        try:
            member_remove(membership=membership, actor=request.user)
        except SpaceWithoutResponsable as refusal:
            ctx = {"organisation": organisation, "refusal": refusal.message}
            return render(request, "diagnostic/space_leave.html", ctx, status=400)
        messages.success(request, f"Vous avez quitté l’espace «\u00a0{organisation.name}\u00a0».")
        return redirect("diagnostic:index")
    ctx = {"organisation": organisation, "sole_responsable": _sole_responsable(organisation, membership)}
    return render(request, "diagnostic/space_leave.html", ctx)


def _sole_responsable(organisation, membership):
    """True when ``membership`` is the space's only responsable: leaving or stepping down would be refused."""
    return membership.role == Role.RESPONSABLE and not organisation.memberships.filter(
        role=Role.RESPONSABLE).exclude(pk=membership.pk).exists()


def _invitation_of(organisation, invitation_pk):
    queryset = Invitation.objects.select_related("organisation", "invited_by__profile")
    return get_object_or_404(queryset, pk=invitation_pk, organisation=organisation)


@require_POST
def resend(request, pk, invitation_pk):
    """A new link and a new expiry, e-mailed again; the link sent before stops working."""
    organisation = get_space_for(request, pk, Action.INVITE)
    invitation = invitation_renew(invitation=_invitation_of(organisation, invitation_pk))
    if invitation is None:
        raise Http404("Invitation introuvable")
    _send(request, invitation)
    return redirect("diagnostic:members", pk=organisation.pk)


def withdraw(request, pk, invitation_pk):
    """GET: what withdrawing changes; POST: withdraw (the link stops working)."""
    organisation = get_space_for(request, pk, Action.INVITE)
    invitation = _invitation_of(organisation, invitation_pk)
    if request.method == "POST":
        invitation_withdraw(invitation=invitation, actor=request.user)
        messages.success(request, f"L’invitation de {invitation.email} est retirée\u00a0: son lien ne fonctionne plus.")
        return redirect("diagnostic:members", pk=organisation.pk)
    return render(request, "diagnostic/invitation_withdraw.html", {"organisation": organisation, "invitation": invitation})


def _refused(request, refusal):
    return render(request, "diagnostic/invitation_refused.html", {"refusal": refusal}, status=refusal.status)


def _membership_of_used_link(request, refusal):
    """The person's membership of the space a used-up link led to, or None."""
    if refusal.reason != InvitationRefused.GONE or refusal.organisation_id is None or not request.user.is_authenticated:
        return None
    return Membership.objects.select_related("organisation").filter(
        organisation_id=refusal.organisation_id, user=request.user).first()


@never_cache
def accept(request, token):
    """GET shows the invitation and changes nothing (mail scanners open links); POST, logged in, joins the space."""
    try:
        invitation = invitation_from_token(token)
    except InvitationRefused as refusal:
        membership = _membership_of_used_link(request, refusal)
        if membership is None:
            return _refused(request, refusal)
        # The person joined with this link (another tab, a second click, a later visit): into the space.
        space, role = membership.organisation.name, Role(membership.role).label.lower()
        messages.info(request, f"Vous êtes membre de l’espace «\u00a0{space}\u00a0» ({role})\u00a0: ce lien a déjà servi.")
        return redirect(membership.organisation)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            membership, created = invitation_accept(invitation=invitation, user=request.user)
        except InvitationRefused as refusal:
            return _refused(request, refusal)
        _tell_joined(request, invitation, membership, created)
        return redirect(invitation.organisation)
    membership = None
    if request.user.is_authenticated:
        membership = Membership.objects.filter(organisation=invitation.organisation, user=request.user).first()
    ctx = {
        "invitation": invitation, "space": invitation.organisation, "inviter": inviter_name(invitation),
        "role": Role(invitation.role).label.lower(), "allows": role_allows(invitation.role),
        "membership": membership, "here": request.path,
    }
    return render(request, "diagnostic/invitation_accept.html", ctx)


def _tell_joined(request, invitation, membership, created):
    space, role = invitation.organisation.name, Role(membership.role).label.lower()
    if not created:
        messages.info(
            request, f"Vous étiez déjà membre de l’espace «\u00a0{space}\u00a0»\u00a0: votre rôle ({role}) est inchangé."
        )
        return
    messages.success(request, f"Bienvenue dans l’espace «\u00a0{space}\u00a0»\u00a0: vous en êtes {role}.")
    inviter = invitation.invited_by
    if inviter is not None and inviter.email:
        after_response(
            # The inviter typed the address: they may read it, and know whom « bob » is.
            invitation_accepted_notify, to=inviter.email, member=person_name(request.user, address=True), space=space,
            role=role,
            space_id=invitation.organisation_id,
        )
