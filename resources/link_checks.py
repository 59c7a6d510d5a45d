"""Writes of the link checks (``check_links``): one result at a time, then the places and the addresses gone.

Each result is written as soon as it is known: a run cut short keeps what it checked, and the next one resumes
from the stalest addresses.
"""

from datetime import timedelta

from django.db import transaction

from resources.models import LinkCheck

BATCH = 500


def link_checks_due(urls, *, now, older_than_days=None):
    """The addresses of ``urls`` to check now: all of them, or with ``older_than_days`` only those never checked,
    checked that many days ago or more, or failing (a repaired link leaves the list at the next run). One query."""
    if older_than_days is None:
        return list(urls)
    limit = now - timedelta(days=older_than_days)
    # Every row rather than ``url__in=urls``: thousands of parameters would pass SQLite's limit.
    fresh = set(LinkCheck.objects.filter(status=LinkCheck.Status.OK, checked_at__gt=limit).values_list("url", flat=True))
    return [url for url in urls if url not in fresh]


def link_check_record(*, url, status, code, reason, used_in, now):
    """Store one check: a failure keeps the date of the first one in a row and counts them; a success clears both."""
    check = LinkCheck.objects.filter(url=url).first() or LinkCheck(url=url)
    check.status, check.code, check.reason, check.used_in, check.checked_at = status, code, reason, used_in, now
    if status == LinkCheck.Status.OK:
        check.first_failed_at, check.failures = None, 0
    else:
        check.first_failed_at = check.first_failed_at or now
        check.failures += 1
    check.save()
    return check


@transaction.atomic
def link_checks_sync(*, used_in_by_url):
    """Write where each address is used now, and delete the checks of addresses no longer in the content.

    Returns the number of checks deleted. A read of every row, then writes by batches (never one parameter per
    address of the content: SQLite limits them).
    """
    gone, changed = [], []
    for check in LinkCheck.objects.only("pk", "url", "used_in"):
        used_in = used_in_by_url.get(check.url)
        if used_in is None:
            gone.append(check.pk)
        elif check.used_in != used_in:
            check.used_in = used_in
            changed.append(check)
    for start in range(0, len(gone), BATCH):
        LinkCheck.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    LinkCheck.objects.bulk_update(changed, ["used_in"], batch_size=BATCH)
    return len(gone)
