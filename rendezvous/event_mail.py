"""The e-mails of a registration, as rows of the outbox (rendezvous.outbox): text and HTML, links on HUB_SITE_URL.

Keys (one row, so one e-mail, per key):
- ``event:<event>:confirmation:<registration>:<n>``: the confirmation of a place, or of a rank on the waiting list;
  ``n`` counts the sends, so that registering again deliberately sends it again;
- ``event:<event>:promotion:<registration>``: a place freed was given to them (once);
- ``event:<event>:message:<message id>:<registration>``: staff's « Écrire aux inscrits ».

The name typed in the form appears in no e-mail: anyone can type anything for anyone's address (as for accounts).
Callers hold the event's lock (rendezvous.registrations) while they count the sends and ranks.
"""

from django.db.models import Q
from django.template.loader import render_to_string

from core.site import site_address
from rendezvous.event_dates import when_label
from rendezvous.ics import event_attachment, event_summary
from rendezvous.models import OutgoingMail, Registration
from rendezvous.outbox import mail_queue, mails_queue
from rendezvous.registration_links import registration_link


def waiting_rank(registration):
    """1 for the first person on the waiting list (order of registration)."""
    before = Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, pk__lt=registration.pk)
    return Registration.objects.waiting_in_order().filter(before, event_id=registration.event_id).count() + 1


def _context(registration, **extra):
    event = registration.event
    return {
        "event": event,
        "summary": event_summary(event),
        "when": when_label(event.starts_at, event.ends_at),
        "link": registration_link(registration),
        "page": site_address(event.get_absolute_url()),
        **extra,
    }


def _render(template, context):
    return (render_to_string(f"rendezvous/email/{template}.txt", context),
            render_to_string(f"rendezvous/email/{template}.html", context))


def confirmation_queue(registration):
    """Queue the e-mail of the registration's current state (a place, with the .ics; or a rank on the list); a new
    row at each call. Returns the row."""
    prefix = f"event:{registration.event_id}:confirmation:{registration.pk}:"
    number = OutgoingMail.objects.filter(key__startswith=prefix).count() + 1
    if registration.is_confirmed:
        context = _context(registration)
        text, html = _render("registration_confirmed", context)
        subject = f"Inscription confirmée\u00a0: {context['summary']}"
        attachments = [event_attachment(registration.event)]
    else:
        context = _context(registration, rank=waiting_rank(registration))
        text, html = _render("registration_waiting", context)
        subject = f"Liste d’attente\u00a0: {context['summary']}"
        attachments = []
    return mail_queue(key=f"{prefix}{number}", to=registration.email, subject=subject, text=text, html=html,
                      attachments=attachments)


def promotion_queue(registration):
    """Queue « une place s’est libérée » (with the .ics) for a registration just moved off the waiting list."""
    context = _context(registration)
    text, html = _render("registration_promoted", context)
    return mail_queue(
        key=f"event:{registration.event_id}:promotion:{registration.pk}", to=registration.email,
        subject=f"Une place s’est libérée\u00a0: {context['summary']}", text=text, html=html,
        attachments=[event_attachment(registration.event)],
    )


def message_rows(event, message_id, subject, text, registrations):
    """The outbox rows of staff's message to ``registrations`` (each with its own link at the bottom)."""
    rows = []
    for registration in registrations:
        registration.event = event
        context = _context(registration, text=text.strip())
        rows.append((f"event:{event.pk}:message:{message_id}:{registration.pk}", registration.email, subject,
                     render_to_string("rendezvous/email/staff_message.txt", context), ""))
    return rows


def message_queue(event, message_id, subject, text, registrations):
    """Queue staff's message; returns how many rows were new (a double submit queues nothing more)."""
    return mails_queue(message_rows(event, message_id, subject, text, registrations))
