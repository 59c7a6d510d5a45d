"""The editors' weekly e-mail « Fiches à relire » (resources.review_dates), a producer of ``manage.py send_due``
(rendezvous.jobs PRODUCERS).

- **Who**: every editor, that is every active staff member with an e-mail address who may change fiches
  (``resources.change_fiche``, given to them or to one of their groups; superusers included).
- **When**: once a week, on Monday morning: the runs from 7:00 in Europe/Paris (alerts.period_start) until
  WINDOW later may queue it; the other runs of the week do nothing, without a query. A job stopped that whole time
  skips a week: the next e-mail lists the same fiches, still to re-read.
- **What**: the published fiches whose review date is past or within NOTICE_DAYS days. Nothing to re-read, no
  e-mail (a fiche whose date comes near on Wednesday waits for Monday).
- **Once**: the key ``review-digest:<ISO week>:<user id>`` is the mark; the outbox keeps a row 30 days, longer than
  the window, so a second run finds every key and queues nothing (two queries: the editors, the keys). An editor
  named on Monday morning gets that week's e-mail at the next run.

The e-mail is the same for every editor: rendered once. Links are absolute, on HUB_SITE_URL (core.site): the admin
« À relire » page (hub.admin_reread) and each fiche's change page.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.site import site_address
from diagnostic.numbers import format_day
from rendezvous.alerts import period_start
from rendezvous.models import AlertFrequency, OutgoingMail
from rendezvous.outbox import mails_queue
from resources.models import Fiche
from resources.review_dates import NOTICE_DAYS, delay_label

LISTED = 50  # fiches written out in the e-mail, most overdue first; the others are counted, with the page's link
FIELDS = ("pk", "title", "family", "review_by")
WINDOW = timedelta(hours=12)  # after Monday 7:00, the time the runs have to queue the week's e-mails


def editors():
    """(id, e-mail) of the users who may change fiches and can be written to; one query."""
    User = get_user_model()
    permission = Permission.objects.filter(content_type__app_label="resources", codename="change_fiche")
    own = User.user_permissions.through.objects.filter(permission__in=permission).values("user_id")
    groups = Group.objects.filter(permissions__in=permission).values("pk")
    by_group = User.groups.through.objects.filter(group__in=groups).values("user_id")
    return list(
        User.objects.filter(is_active=True, is_staff=True).exclude(email="")
        .filter(Q(is_superuser=True) | Q(pk__in=own) | Q(pk__in=by_group))
        .order_by("pk").values_list("pk", "email")
    )


def digest_key(week_start, user_id):
    year, week, _ = week_start.isocalendar()
    return f"review-digest:{year}-W{week:02d}:{user_id}"


def _plural(count):
    return "s" if count > 1 else ""


def digest_mail(today):
    """(subject, text, html) of this week's e-mail, or None when no fiche is to re-read; two queries."""
    fiches = Fiche.objects.to_reread(today)
    listed = list(fiches.only(*FIELDS)[:LISTED])
    if not listed:
        return None
    counts = fiches.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(review_by__lt=today)))
    total, overdue = counts["total"], counts["overdue"]
    soon = total - overdue
    rows = [{"title": fiche.title, "family": fiche.get_family_display(), "delay": delay_label(fiche.review_by, today),
             "review_by": format_day(fiche.review_by), "overdue": fiche.review_by < today,
             "link": site_address(reverse("admin:resources_fiche_change", args=[fiche.pk]))} for fiche in listed]
    parts = []
    if overdue:
        parts.append(f"{overdue} en retard")
    if soon:
        parts.append(f"{soon} à relire dans les {NOTICE_DAYS}\u00a0jours")
    summary = ", ".join(parts)
    context = {"fiches": rows, "total": total, "plural": _plural(total), "overdue": overdue, "soon": soon,
               "summary": summary, "others": total - len(rows), "notice_days": NOTICE_DAYS,
               "today": format_day(today), "page_link": site_address(reverse("admin:reread"))}
    text = render_to_string("rendezvous/email/review_digest.txt", context)
    html = render_to_string("rendezvous/email/review_digest.html", context)
    return f"{total} fiche{_plural(total)} à relire\u00a0: {summary}", text, html


def review_digest_due(now):
    """The job's producer: queue this week's e-mail for each editor who has not had it; returns how many."""
    start = period_start(now, AlertFrequency.WEEKLY)  # this week's Monday, 7:00 in Paris
    if now >= start + WINDOW:
        return 0
    week_start = start.date()
    keys = {user_id: (digest_key(week_start, user_id), email) for user_id, email in editors()}
    if not keys:
        return 0
    known = set(OutgoingMail.objects.filter(key__in=[key for key, _ in keys.values()])
                .values_list("key", flat=True))
    waiting = [(key, email) for key, email in keys.values() if key not in known]
    if not waiting:
        return 0
    mail = digest_mail(timezone.localdate(now))
    if mail is None:
        return 0
    subject, text, html = mail
    return mails_queue([(key, email, subject, text, html) for key, email in waiting])
