"""The admin page « À relire »: published fiches whose review date is past or within NOTICE_DAYS days, most overdue
first, each with its delay in words and a link to its change page (resources.review_dates).

Three queries whatever the number of fiches (the overdue count, the paginator's count, the page), PER_PAGE fiches a page.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils import timezone

from resources.models import Fiche
from resources.pagination import paginate
from resources.review_dates import NOTICE_DAYS, delay_label

PER_PAGE = 100
FIELDS = ("pk", "title", "family", "review_by", "last_reviewed", "published_at")


def reread_rows(page, today):
    """(fiche, delay in words, overdue) for each fiche of the page."""
    return [(fiche, delay_label(fiche.review_by, today), fiche.review_by < today) for fiche in page]


def reread_view(request, site):
    if not request.user.has_perm("resources.view_fiche"):
        raise PermissionDenied
    today = timezone.localdate()
    fiches = Fiche.objects.to_reread(today)
    page = paginate(request.GET, fiches.only(*FIELDS), PER_PAGE)
    overdue = fiches.aggregate(overdue=Count("pk", filter=Q(review_by__lt=today)))["overdue"]
    ctx = {
        **site.each_context(request),
        "title": "À relire",
        "page": page,
        "rows": reread_rows(page, today),
        "total": page.paginator.count,
        "overdue": overdue,
        "notice_days": NOTICE_DAYS,
        "today": today,
    }
    return TemplateResponse(request, "admin/reread.html", ctx)
