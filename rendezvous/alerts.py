"""Alerts on a search: what may be followed, the double opt-in, the links, and the job that sends the news.

- **What may be followed**: a list of fiches (``/fiches/?…``, read by the catalogue's FilterSet) or a search
  (``/recherche/?q=…``, the same FilterSet's text query), nothing else: ``followed_search`` normalises the address
  (valid filters only, in a fixed order, no sort nor page) or refuses it with a French sentence.
- **Double opt-in**: ``alert_request`` answers the same whatever the address (the caller shows one page): a new
  or unconfirmed alert gets a confirmation e-mail (link valid CONFIRM_DAYS days), a confirmed one an e-mail saying
  so with its management link; nothing else is sent before the confirmation. ``alert_confirm`` starts the alert
  (its mark is the confirmation: what was there before is no news). Unconfirmed requests are deleted after
  CONFIRM_DAYS days by the job (``alerts_prune``, in rendezvous.jobs PRUNERS).
- **Links**: signed tokens (rendezvous.tokens) with the row's id and nonce; the management link of each e-mail is
  valid MANAGE_DAYS days from that e-mail, so every new e-mail renews it. Stopping deletes the row.
- **The job** (``alerts_due``, in rendezvous.jobs PRODUCERS): an alert is due once per period (a day, or a week
  from Monday), from SEND_HOUR in Europe/Paris. Its news are the fiches of its search published or updated after
  its mark, up to a few minutes ago (SETTLE: a fiche whose save is still being committed is not skipped); the
  e-mail (key ``alert:<id>:<first day of the period>``) and the new mark are written in the same transaction
  (one for up to BATCH alerts of a search that share their mark), the mark moving only from the value read: a
  second run, or a run at the same time, sends nothing twice, and a crash loses nothing. Alerts following the
  same search share one query, and their e-mails one rendering (alert_mail.NewsMails).
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import groupby
from urllib.parse import urlsplit

from django.core.exceptions import TooManyFieldsSent
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone

from core.text import guillemets, normalise_email
from rendezvous.alert_mail import NewsMails, confirmation_mail, known_mail
from rendezvous.models import AlertFrequency, SearchAlert
from rendezvous.outbox import mail_queue, mails_queue
from rendezvous.tokens import TokenInvalid, token_make, token_read
from resources.catalogue import catalogue_filterset, catalogue_params, filters_query_string, filters_summary
from resources.feeds import search_params
from resources.models import Fiche

logger = logging.getLogger(__name__)

CONFIRM_DAYS = 7
MANAGE_DAYS = 365
SEND_HOUR = 7  # a period starts at 7:00 in Europe/Paris: news arrive in the morning, not at midnight
SETTLE = timedelta(minutes=5)
MAX_RAW_LENGTH = 2000  # characters of a followed address read at all
NEWS_FETCHED = 100  # newest changed fiches read per search and run; an e-mail says « plus de 100 » beyond
NEWS_FIELDS = ("pk", "slug", "title", "chapeau", "family", "published_at", "updated_at")
BATCH = 500  # alerts whose marks move, and e-mails queued, in one transaction
CONFIRM, MANAGE = "alert-confirm", "alert-manage"


class Unfollowable(Exception):
    """An address that cannot be followed; the message says why, in French, for the 400 page."""


@dataclass(frozen=True, eq=False)
class Followed:
    query: str  # the normalised address: what SearchAlert.query keeps, and where its e-mails link
    summary: str  # « Fiches Actions, levier Financement, recherche « bénévoles » »
    filterset: object  # the catalogue's FilterSet of the search, over the published fiches

    @property
    def page_label(self):
        """The page it follows, for a breadcrumb."""
        return "Recherche" if self.query.startswith(reverse("hub:search")) else "Fiches"


def followed_search(raw, at=None):
    """The search that ``raw`` (« /fiches/?famille=action », « /recherche/?q=… ») names, or Unfollowable."""
    raw = (raw or "").strip()
    if not raw:
        raise Unfollowable("Aucune recherche à suivre n’est indiquée.")
    if len(raw) > MAX_RAW_LENGTH:
        raise Unfollowable("Cette adresse est trop longue pour être suivie.")
    parts = urlsplit(raw)
    lists, search = reverse("resources:fiche_list"), reverse("hub:search")
    if parts.scheme or parts.netloc or parts.path not in (lists, search):
        raise Unfollowable("Seules la liste des fiches et la recherche du hub peuvent être suivies.")
    try:
        given = QueryDict(parts.query)
    except TooManyFieldsSent as error:
        raise Unfollowable("Cette adresse porte trop de paramètres pour être suivie.") from error
    if parts.path == search:
        params = search_params(given)
        if not params.get("q", "").strip():
            raise Unfollowable("Indiquez les mots à rechercher avant de suivre la recherche.")
    else:
        params = catalogue_params(given)
        for name in ("tri", "page"):  # they change the order of a list, not its fiches
            params.pop(name, None)
    fiches = Fiche.objects.published() if at is None else Fiche.objects.visible_at(at)
    filterset, ignored = catalogue_filterset(params, fiches)
    if ignored:
        details = "\u00a0; ".join(f"{guillemets(name[:40])}\u00a0: {message[:200]}" for name, message in ignored)
        raise Unfollowable(f"Une partie de cette recherche n’a pas été comprise\u00a0: {details}")
    query_string = filters_query_string(filterset)
    query = parts.path + (f"?{query_string}" if query_string else "")
    if len(query) > SearchAlert._meta.get_field("query").max_length:
        raise Unfollowable("Cette recherche a trop de filtres pour être suivie\u00a0: retirez-en quelques-uns.")
    if parts.path == search:
        summary = f"Recherche {guillemets(filterset.form.cleaned_data['q'])}"
    else:
        summary = filters_summary(filterset)
    return Followed(query, summary, filterset)


def summary_of(alert):
    """The followed search in words, or a plain sentence when it no longer reads (a vocabulary value deleted)."""
    try:
        return followed_search(alert.query).summary
    except Unfollowable:
        return f"La recherche {guillemets(alert.query)}"


# Tokens ---------------------------------------------------------------------------------------------------------


def alert_token(purpose, alert):
    return token_make(purpose, alert.pk, alert.nonce)


def alert_for_token(purpose, token):
    """The alert a link names, or Http404 (forged, another purpose, an alert deleted or drawn anew);
    rendezvous.tokens.TokenExpired when it is genuine but too old."""
    days = CONFIRM_DAYS if purpose == CONFIRM else MANAGE_DAYS
    try:
        values = token_read(purpose, token, max_age=timedelta(days=days))
    except TokenInvalid as error:
        raise Http404("Lien inconnu") from error
    if not (isinstance(values, list) and len(values) == 2 and isinstance(values[0], int)):
        raise Http404("Lien inconnu")
    alert = SearchAlert.objects.filter(pk=values[0]).first()
    if alert is None or not secrets.compare_digest(alert.nonce, str(values[1])):
        raise Http404("Lien inconnu")
    return alert


# Services -------------------------------------------------------------------------------------------------------


def _new_alert(email, query, frequency, now):
    """The alert of (email, query), created unconfirmed if there is none (two requests at once make one)."""
    try:
        with transaction.atomic():
            return SearchAlert.objects.create(email=email, query=query, frequency=frequency, created_at=now,
                                              nonce=secrets.token_hex(16)), True
    except IntegrityError:
        return SearchAlert.objects.get(email=email, query=query), False


def alert_request(*, email, followed, frequency, now):
    """Someone asked to follow ``followed`` at ``email``: the e-mail row to send (the caller answers the same page
    whatever happened here). Unconfirmed, the request starts again (new choice, CONFIRM_DAYS days more)."""
    email = normalise_email(email)
    alert, created = _new_alert(email, followed.query, frequency, now)
    if alert.is_confirmed:
        return mail_queue(**known_mail(alert, followed.summary, alert_token(MANAGE, alert)))
    if not created:
        SearchAlert.objects.filter(pk=alert.pk, confirmed_at__isnull=True).update(frequency=frequency, created_at=now)
        alert.frequency = frequency
    return mail_queue(**confirmation_mail(alert, followed.summary, alert_token(CONFIRM, alert), days=CONFIRM_DAYS))


def alert_confirm(*, alert, now):
    """Start the alert (once: a second confirmation changes nothing); what exists now is no news."""
    SearchAlert.objects.filter(pk=alert.pk, confirmed_at__isnull=True).update(confirmed_at=now, checked_until=now)


def alert_set_frequency(*, alert, frequency):
    SearchAlert.objects.filter(pk=alert.pk).update(frequency=frequency)


def alert_stop(*, alert):
    """Delete the alert: the address and the search are gone, and every link to them dies."""
    SearchAlert.objects.filter(pk=alert.pk).delete()


def alerts_prune(now):
    """Delete the requests never confirmed within CONFIRM_DAYS days; returns how many."""
    stale = SearchAlert.objects.filter(confirmed_at__isnull=True, created_at__lt=now - timedelta(days=CONFIRM_DAYS))
    return stale.delete()[0]


# The job --------------------------------------------------------------------------------------------------------


def period_start(now, frequency):
    """When the period holding ``now`` began: today's (or yesterday's) SEND_HOUR, or Monday's for a week."""
    local = timezone.localtime(now)
    day = local.date() if local.hour >= SEND_HOUR else local.date() - timedelta(days=1)
    if frequency == AlertFrequency.WEEKLY:
        day -= timedelta(days=day.weekday())
    return datetime.combine(day, time(SEND_HOUR), tzinfo=timezone.get_current_timezone())


def _due(now):
    """The confirmed alerts whose period has come, grouped by search (ordered by query)."""
    due = []
    for frequency in AlertFrequency:
        # A mark moved by this period's run is at least its start minus SETTLE: such an alert is not due again.
        start = period_start(now, frequency)
        due += SearchAlert.objects.filter(frequency=frequency, checked_until__lt=start - SETTLE).only(
            "pk", "email", "query", "frequency", "nonce", "checked_until")
    due.sort(key=lambda alert: (alert.query, alert.pk))
    return due


def _news(followed, since, until):
    """The newest fiches of the search changed in (since, until], NEWS_FETCHED + 1 at most (newest first). A fiche
    scheduled ahead changes when it appears (its publication date), even if it was last saved long before."""
    changed = followed.filterset.qs.filter(Q(updated_at__gt=since, updated_at__lte=until)
                                           | Q(published_at__gt=since, published_at__lte=until))
    changed = changed.annotate(changed_at=Greatest("updated_at", Coalesce("published_at", "updated_at")))
    return list(changed.order_by("-changed_at", "-pk").only(*NEWS_FIELDS)[: NEWS_FETCHED + 1])


def _send_batch(alerts, followed, fetched, until, now, mails):
    """Queue the news of alerts that share a search, a frequency and a mark, and move their marks, in one
    transaction: a crash leaves both undone. Only the alerts whose mark is still the one read are taken (another
    run took them, or they were stopped meanwhile). Returns how many e-mails were queued."""
    mark, frequency = alerts[0].checked_until, alerts[0].frequency
    news = [fiche for fiche in fetched if fiche.changed_at > mark]
    more = len(news) > NEWS_FETCHED  # the fetch stopped before this mark
    news = news[:NEWS_FETCHED]
    period = period_start(now, frequency).date()
    with transaction.atomic():
        taken = set(SearchAlert.objects.select_for_update().filter(pk__in=[alert.pk for alert in alerts],
                                                                   checked_until=mark).values_list("pk", flat=True))
        changes = {"checked_until": until} | ({"last_sent_at": now} if news else {})
        SearchAlert.objects.filter(pk__in=taken).update(**changes)
        if not news:
            return 0
        rows = [mails.mail(alert, followed, news, more, alert_token(MANAGE, alert), period)
                for alert in alerts if alert.pk in taken]
        return mails_queue([(row["key"], row["to"], row["subject"], row["text"], row["html"], row["headers"])
                            for row in rows])


def _batches(group):
    """The alerts of one search by frequency and mark (alerts confirmed or sent together), BATCH at a time."""
    def same(alert):
        return alert.frequency, alert.checked_until

    for _, alike in groupby(sorted(group, key=same), key=same):
        alike = list(alike)
        for start in range(0, len(alike), BATCH):
            yield alike[start:start + BATCH]


def alerts_due(now):
    """The job's producer: queue each due alert's news; returns how many e-mails were queued."""
    until = now - SETTLE
    queued, mails = 0, NewsMails()
    for query, group in groupby(_due(now), key=lambda alert: alert.query):
        group = list(group)
        try:
            followed = followed_search(query, at=until)  # the fiches online at the end of the period
        except Unfollowable as refusal:
            # A vocabulary value was deleted, a tag has no published fiche left: the mark stays, news wait.
            logger.warning("Alertes sur %s non traitées : %s", query, refusal)
            continue
        fetched = _news(followed, min(alert.checked_until for alert in group), until)
        for batch in _batches(group):
            queued += _send_batch(batch, followed, fetched, until, now, mails)
    return queued

