"""Services of readers' corrections and reviewers' remarks (resources.models.correction)."""

import datetime

from django.db import transaction
from django.utils import timezone

from resources.models import Correction, ReviewNote

# How long a reader's e-mail address is kept once the correction is handled: time to answer, then erased.
EMAIL_KEPT_AFTER_HANDLING = datetime.timedelta(days=30)


def correction_submit(*, fiche, message, proposed_text="", email=""):
    """Store a reader's correction, new, unpublished (staff read it in the admin)."""
    return Correction.objects.create(fiche=fiche, message=message, proposed_text=proposed_text, email=email)


def corrections_mark_handled(*, corrections, user):
    """Mark the given corrections handled by ``user`` now; those already handled keep who handled them and when.
    Returns how many changed."""
    return corrections.filter(status=Correction.Status.NEW).update(
        status=Correction.Status.HANDLED, handled_by=user, handled_at=timezone.now()
    )


def corrections_erase_emails(*, now=None):
    """Erase the e-mail addresses of corrections handled more than 30 days ago (manage.py prune_corrections);
    returns how many. The correction itself stays: it is the fiche's history, and says nothing of its author."""
    limit = (now or timezone.now()) - EMAIL_KEPT_AFTER_HANDLING
    with transaction.atomic():
        return Correction.objects.filter(status=Correction.Status.HANDLED, handled_at__lte=limit).exclude(
            email=""
        ).update(email="")


def review_note_add(*, fiche, author, text):
    return ReviewNote.objects.create(fiche=fiche, author=author, text=text)
