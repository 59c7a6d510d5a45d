"""Writes of the diagnostic that span several rows."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from diagnostic.models import Organisation

UNCLAIMED_DAYS = 30


def diagnostic_claim_session(*, user, ids):
    """At sign-up or log-in: the visitor's diagnostics become the account's. Returns how many."""
    if not ids:
        return 0
    return Organisation.objects.filter(pk__in=ids, user__isnull=True).update(user=user)


@transaction.atomic
def diagnostic_prune_unclaimed(*, now=None, days=UNCLAIMED_DAYS):
    """Delete visitors' diagnostics nobody touched for ``days`` (their session has expired by then)."""
    limit = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = Organisation.objects.filter(user__isnull=True, updated_at__lt=limit).delete()
    return deleted
