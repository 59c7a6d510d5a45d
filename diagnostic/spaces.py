"""Writes of a shared space: creating it, its members and their roles, and the history line every change leaves.

The rule that holds throughout: a space is never left without a « responsable ». Every change of role or
membership locks the space's row first, so that two responsables who demote each other at once take turns and the
second one is refused (SpaceWithoutResponsable), never both granted.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from diagnostic.models import Membership, Organisation, Role, SpaceEvent

HISTORY_LENGTH = 100  # lines shown on the history page


class SpaceWithoutResponsable(Exception):
    """The change would leave the space without a responsable."""

    message = (
        "Un espace garde toujours au moins un·e responsable\u00a0: confiez d’abord ce rôle à un autre membre, ou "
        "supprimez l’espace."
    )


def person_name(user, *, address=False):
    """How a member is named to the others: the name of their profile, else the part of their address before « @ »,
    or the whole address with ``address`` (only for those who may invite: they typed it). Reads ``user.profile``:
    select_related it (``user__profile``) when naming many."""
    if user is None:
        return "Un compte supprimé"
    profile = getattr(user, "profile", None)  # accounts.Profile, read through its reverse relation (a layer above)
    name = (getattr(profile, "display_name", "") or "").strip()
    if name:
        return name
    whole = user.email or user.get_username()
    return whole if address else whole.partition("@")[0] or whole


def current_name(user, copied):
    """The name on a line a member wrote (a comment, an answer, a decision, the history): their name today while
    their account exists, else ``copied``, the one copied when the line was written."""
    return copied if user is None else person_name(user)


def space_event_record(*, organisation, actor, summary):
    """One line of history in a space; nothing for a personal diagnostic."""
    if not organisation.is_space:
        return None
    return SpaceEvent.objects.create(
        organisation=organisation, actor=actor, actor_name=person_name(actor)[:200], summary=summary[:300]
    )


def space_lock(organisation_id):
    """Lock the space's row (PostgreSQL) or take the write lock (SQLite) before reading its members: the first
    statement writes, so that SQLite waits for its lock instead of failing, and concurrent changes take turns."""
    Organisation.objects.filter(pk=organisation_id).update(updated_at=timezone.now())


def _responsables(organisation):
    return Membership.objects.filter(organisation=organisation, role=Role.RESPONSABLE)


@transaction.atomic
def space_create(*, organisation, user):
    """Save ``organisation`` (new, unsaved) as a space whose first responsable is ``user``."""
    organisation.user, organisation.visitor, organisation.is_space = None, None, True
    organisation.save()
    Membership.objects.create(organisation=organisation, user=user, role=Role.RESPONSABLE)
    space_event_record(organisation=organisation, actor=user, summary="a créé l’espace")
    return organisation


@transaction.atomic
def space_from_diagnostic(*, organisation, user):
    """Turn ``user``'s personal diagnostic into a space, with its years of figures; ``user`` becomes its
    responsable. Returns False when it was no longer theirs (already shared, deleted, another account's)."""
    changed = Organisation.objects.filter(pk=organisation.pk, user=user, is_space=False).update(
        user=None, visitor=None, is_space=True, updated_at=timezone.now()
    )
    if not changed:
        return False
    organisation.user, organisation.is_space = None, True
    Membership.objects.create(organisation=organisation, user=user, role=Role.RESPONSABLE)
    space_event_record(organisation=organisation, actor=user, summary="a créé l’espace à partir de son diagnostic")
    return True


@transaction.atomic
def member_role_change(*, membership, role, actor):
    """Give ``membership`` another role. Raises SpaceWithoutResponsable if it was the last responsable's."""
    organisation = membership.organisation
    space_lock(organisation.pk)
    membership.refresh_from_db()
    if membership.role == role:
        return membership
    if membership.role == Role.RESPONSABLE and _responsables(organisation).count() <= 1:
        raise SpaceWithoutResponsable
    membership.role = role
    membership.save(update_fields=["role"])
    space_event_record(
        organisation=organisation, actor=actor,
        summary=f"a donné le rôle {Role(role).label.lower()} à {person_name(membership.user)}",
    )
    return membership


@transaction.atomic
def member_remove(*, membership, actor):
    """Remove a member (``actor`` is the member when they leave). Raises SpaceWithoutResponsable if they were the
    last responsable."""
    organisation = membership.organisation
    space_lock(organisation.pk)
    current = Membership.objects.filter(pk=membership.pk).first()
    if current is None:
        return False
    if current.role == Role.RESPONSABLE and _responsables(organisation).count() <= 1:
        raise SpaceWithoutResponsable
    current.delete()
    leaving = actor is not None and actor.pk == membership.user_id
    summary = "a quitté l’espace" if leaving else f"a retiré {person_name(membership.user)} de l’espace"
    space_event_record(organisation=organisation, actor=actor, summary=summary)
    return True


def spaces_blocking_account_deletion(user):
    """The spaces where ``user`` is the only responsable while others are members: deleting the account would
    leave them without one."""
    sole = []
    for membership in Membership.objects.filter(user=user, role=Role.RESPONSABLE).select_related("organisation"):
        others = Membership.objects.filter(organisation=membership.organisation).exclude(user=user)
        if not _responsables(membership.organisation).exclude(user=user).exists() and others.exists():
            sole.append(membership.organisation)
    return sole


def spaces_alone(user):
    """The spaces whose only member is ``user``: they go with the account (spaces_delete_alone)."""
    others = Membership.objects.filter(organisation=OuterRef("pk")).exclude(user=user)
    return Organisation.objects.filter(is_space=True, memberships__user=user).exclude(Exists(others)).order_by("name")


@transaction.atomic
def spaces_delete_alone(*, user):
    """Delete the spaces whose only member is ``user`` (before their account goes). Returns how many."""
    alone = list(spaces_alone(user).values_list("pk", flat=True))
    Organisation.objects.filter(pk__in=alone).delete()
    return len(alone)
