"""Writes of the diagnostic that span several rows."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from diagnostic.models import Organisation, Snapshot, Visitor
from diagnostic.spaces import space_event_record

UNCLAIMED_DAYS = 30
VISITOR_LIMIT = 20  # diagnostics one browser may keep without an account


class VisitorLimitReached(Exception):
    """This browser already keeps VISITOR_LIMIT diagnostics without an account."""


class VisitorClaimed(Exception):
    """This browser logged in (in another tab) while the creation was on its way: its diagnostics went to the
    account, and the session the request came with is no longer the browser's."""


def _lock_visitor(key, **fields):
    """The visitor's row, created or touched by an upsert that must be the transaction's first statement.

    PostgreSQL: the upsert locks the row until the commit, so a second transaction on the same browser waits
    there, then sees what the first committed. SQLite: a first statement that writes takes the database's write
    lock (waiting for it if need be), so nobody writes between our count and our insert; a transaction that began
    by reading would fail at once with « database is locked » when it came to write.
    """
    now = timezone.now()
    Visitor.objects.bulk_create(
        [Visitor(key=key, seen_at=now, **fields)],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["seen_at", *fields],
    )
    return Visitor.objects.get(key=key)


@transaction.atomic
def diagnostic_create(*, organisation, user=None, visitor_key="", legacy_ids=()):
    """Save ``organisation`` (new, unsaved) for an account, or for a browser without one within VISITOR_LIMIT.

    A browser's count and creation happen under its locked Visitor row (``_lock_visitor``): parallel tabs take
    turns, the 21st is refused, none is created behind the count's back. ``legacy_ids``: an old-style session
    list (diagnostic.ownership.SESSION_KEY), moved to the visitor so that it counts.
    Raises VisitorLimitReached, or VisitorClaimed when the browser logged in meanwhile.
    """
    if user is not None:
        organisation.user, organisation.visitor = user, None
        organisation.save()
        return organisation
    if not visitor_key:
        raise ValueError("A visitor's diagnostic needs the visitor's key.")
    visitor = _lock_visitor(visitor_key)
    if visitor.claimed_at is not None:
        raise VisitorClaimed
    if legacy_ids:
        Organisation.objects.filter(
            pk__in=legacy_ids, user__isnull=True, visitor__isnull=True, is_space=False
        ).update(visitor=visitor)
    if Organisation.objects.filter(visitor=visitor, user__isnull=True).count() >= VISITOR_LIMIT:
        raise VisitorLimitReached
    organisation.user, organisation.visitor = None, visitor
    organisation.save()
    return organisation


@transaction.atomic
def diagnostic_claim_session(*, user, visitor_key="", ids=()):
    """At sign-up or log-in: the browser's diagnostics become the account's. Returns how many.

    The visitor's row is marked claimed under the lock creations take (and made if it does not exist yet): a
    creation racing the log-in in another tab commits before the claim, and is claimed, or after it, and is
    refused; never in between, where it would belong to a session the log-in replaced. ``ids``: an old-style
    session list.
    """
    claimed = 0
    if visitor_key:
        visitor = _lock_visitor(visitor_key, claimed_at=timezone.now())
        claimed += Organisation.objects.filter(visitor=visitor, user__isnull=True).update(user=user, visitor=None)
    if ids:
        claimed += Organisation.objects.filter(
            pk__in=ids, user__isnull=True, visitor__isnull=True, is_space=False
        ).update(user=user)
    return claimed


@transaction.atomic
def diagnostic_prune_unclaimed(*, now=None, days=UNCLAIMED_DAYS):
    """Delete visitors' diagnostics nobody touched for ``days`` (their session has expired by then), then the
    visitors' rows that own nothing and saw no creation nor log-in for as long. Returns the rows deleted.

    A visitor's row is locked before it is deleted, skipping those a creation holds: a creation either waits for
    the deletion and makes the row anew, or has touched ``seen_at`` and the row no longer qualifies.
    """
    limit = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = Organisation.objects.filter(user__isnull=True, is_space=False, updated_at__lt=limit).delete()
    idle = (
        Visitor.objects.filter(seen_at__lt=limit)
        .exclude(Exists(Organisation.objects.filter(visitor=OuterRef("pk"))))
        .select_for_update(skip_locked=True)
    )
    visitors, _ = Visitor.objects.filter(pk__in=list(idle.values_list("pk", flat=True))).delete()
    return deleted + visitors


@transaction.atomic
def organisation_update(*, organisation, actor=None):
    """Save the organisation's name, type and region (edited in a form)."""
    organisation.save()
    space_event_record(organisation=organisation, actor=actor, summary="a modifié le nom, le type ou la région")
    return organisation


def snapshot_year_problem(*, organisation, year, is_target, exclude_pk=None):
    """Why ``year`` cannot be saved, in French, or "": a real year appears once and comes before the target, the
    target comes after every real year, and there is one target. Reads the organisation's other years: only
    under snapshot_save's lock does the answer still hold when the row is written."""
    others = Snapshot.objects.filter(organisation=organisation).exclude(pk=exclude_pk)
    real_years = set(others.filter(is_target=False).values_list("year", flat=True))
    target_year = others.filter(is_target=True).values_list("year", flat=True).first()
    if is_target:
        if target_year is not None:
            return "Votre cible existe déjà\u00a0: modifiez-la."
        if real_years and year <= max(real_years):
            return f"La cible doit viser une année après votre dernière année réelle ({max(real_years)})."
    elif year in real_years:
        return f"Les chiffres de {year} existent déjà\u00a0: modifiez-les plutôt que d’en ajouter."
    elif target_year is not None and year >= target_year:
        return f"Votre cible vise {target_year}\u00a0: une année réelle doit la précéder (modifiez la cible d’abord)."
    return ""


@transaction.atomic
def snapshot_save(*, snapshot, organisation, is_target, actor=None):
    """Save one year of figures, new or edited, and touch the organisation (visitors' diagnostics are pruned when
    left untouched). Raises ValidationError on the year.

    The touch comes first: it locks the organisation's row (PostgreSQL) or takes the write lock (SQLite), so two
    saves for one organisation take turns, and the year rule, checked again here, sees what the other one wrote
    (checked only by the form, a target and a later real year posted at once both passed).
    """
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=timezone.now())
    problem = snapshot_year_problem(
        organisation=organisation, year=snapshot.year, is_target=is_target, exclude_pk=snapshot.pk
    )
    if problem:
        raise ValidationError({"year": problem})
    is_new = snapshot.pk is None
    snapshot.organisation, snapshot.is_target = organisation, is_target
    snapshot.save()
    what = f"la cible {snapshot.year}" if is_target else f"les chiffres de {snapshot.year}"
    space_event_record(organisation=organisation, actor=actor, summary=f"a {'saisi' if is_new else 'modifié'} {what}")
    return snapshot


@transaction.atomic
def snapshot_delete(*, snapshot, organisation, actor=None):
    """Delete one year of figures (its comments go with it) and touch the organisation."""
    snapshot.delete()
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=timezone.now())
    what = f"la cible {snapshot.year}" if snapshot.is_target else f"les chiffres de {snapshot.year}"
    space_event_record(organisation=organisation, actor=actor, summary=f"a supprimé {what}")
