"""The e-mails of the alerts, text and HTML (templates/rendezvous/email/alert_*): each function returns the
keyword arguments of rendezvous.outbox.mail_queue, key included.

- the confirmation (double opt-in), one per request (the throttle bounds them): its key ends with a random part;
- « already following »: the answer to a request for an alert that is already confirmed (the page said the same
  as for a new address), with the management link;
- the news of one period (NewsMails), with the management link (renewed: valid MANAGE_DAYS days from this e-mail).

The last two carry ``List-Unsubscribe`` headers (stop_headers): a mail program's « Se désabonner » stops the alert.

Links are on HUB_SITE_URL (core.site), never on the request's Host. Subjects hold one line (the outbox joins them).
"""

import secrets

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator

from core.site import site_address
from diagnostic.numbers import format_day
from rendezvous.models import AlertFrequency

LISTED = 20  # fiches written out in one e-mail; the others are counted, with a link to the search
SUMMARY_IN_SUBJECT = 120


def _short(summary):
    return Truncator(summary).chars(SUMMARY_IN_SUBJECT)


def _render(name, context):
    return (render_to_string(f"rendezvous/email/{name}.txt", context),
            render_to_string(f"rendezvous/email/{name}.html", context))


def _links(alert, token, purpose_url):
    return {"page_link": site_address(alert.query), "link": site_address(reverse(purpose_url, args=[token]))}


def stop_headers(manage_link):
    """RFC 2369 and 8058 for the management page at ``manage_link``: mail programs show « Se désabonner » and may
    stop the alert in one click (a POST to rendezvous:alert_stop_one_click)."""
    return {"List-Unsubscribe": f"<{manage_link}un-clic/>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _request_key(alert, kind):
    """The key of an e-mail someone asked for: each request is one e-mail (accounts.throttle counts them)."""
    return f"alert:{alert.pk}:{kind}:{secrets.token_hex(8)}"


def confirmation_mail(alert, summary, token, *, days=7):
    context = {"summary": summary, "frequency": AlertFrequency(alert.frequency).label.lower(), "days": days,
               **_links(alert, token, "rendezvous:alert_confirm")}
    text, html = _render("alert_confirm", context)
    return {"key": _request_key(alert, "confirmation"), "to": alert.email,
            "subject": f"Confirmez votre alerte\u00a0: {_short(summary)}", "text": text, "html": html}


def known_mail(alert, summary, token):
    context = {"summary": summary, "frequency": AlertFrequency(alert.frequency).label.lower(),
               **_links(alert, token, "rendezvous:alert_manage")}
    text, html = _render("alert_known", context)
    return {"key": _request_key(alert, "deja-active"), "to": alert.email,
            "subject": f"Votre alerte est déjà active\u00a0: {_short(summary)}", "text": text, "html": html,
            "headers": stop_headers(context["link"])}


def _period_label(frequency, first_day):
    if frequency == AlertFrequency.WEEKLY:
        return f"de la semaine du {format_day(first_day)}"
    return f"du {format_day(first_day)}"


class NewsMails:
    """The news e-mails of one run of the job. Alerts that follow the same search and have the same news (most of
    them: their marks moved together) share one rendering of the templates, in which each e-mail's own management
    link then replaces a marker drawn at random for the run (no text of a fiche can hold it): 10,000 alerts on 50
    searches are 50 renderings, not 10,000."""

    def __init__(self):
        self.marker = f"lien-de-gestion-{secrets.token_hex(8)}"
        self.entries = {}  # fiche pk: what the e-mails show of it
        self.rendered = {}

    def _entry(self, fiche):
        if fiche.pk not in self.entries:
            self.entries[fiche.pk] = {"title": fiche.title, "family": fiche.get_family_display(),
                                      "chapeau": fiche.chapeau, "link": site_address(fiche.get_absolute_url()),
                                      "published_at": fiche.published_at or fiche.updated_at}
        return self.entries[fiche.pk]

    def mail(self, alert, followed, news, more, token, period):
        """The mail_queue arguments of ``alert``'s news: ``news`` the changed fiches, newest first; ``more``: there
        were more than those; ``period``: the first day of the period (the key names it)."""
        listed = [{**self._entry(fiche)} for fiche in news[:LISTED]]
        for entry in listed:
            entry["is_new"] = entry["published_at"] > alert.checked_until
        count = len(news)
        shape = (followed.query, alert.frequency, period, count, more,
                 tuple((entry["link"], entry["is_new"]) for entry in listed))
        if shape not in self.rendered:
            self.rendered[shape] = self._render(followed, listed, count, more, alert.frequency, period)
        subject, text, html = self.rendered[shape]
        link = site_address(reverse("rendezvous:alert_manage", args=[token]))
        return {"key": f"alert:{alert.pk}:{period.isoformat()}", "to": alert.email, "subject": subject,
                "text": text.replace(self.marker, link), "html": html.replace(self.marker, link),
                "headers": stop_headers(link)}

    def _render(self, followed, listed, count, more, frequency, period):
        count_label = f"plus de {count}" if more else str(count)
        plural = "s" if count > 1 else ""
        context = {"summary": followed.summary, "fiches": listed, "count_label": count_label, "plural": plural,
                   "others": count - len(listed), "more": more, "period": _period_label(frequency, period),
                   "frequency": AlertFrequency(frequency).label.lower(), "page_link": site_address(followed.query),
                   "link": self.marker}
        text, html = _render("alert_news", context)
        subject = (f"{count_label} fiche{plural} nouvelle{plural} ou mise{plural} à jour\u00a0: "
                   f"{_short(followed.summary)}")
        return subject, text, html
