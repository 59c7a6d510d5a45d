"""Registrations to an event: create, cancel, fill freed places from the waiting list, erase, write to them.

Every change that depends on the number of places runs under the event's lock (``event_lock``), so that two
people registering for the last place at once get one place and one rank on the waiting list, and a freed place
goes to exactly one person. E-mails are rows of the outbox queued under the lock (their keys count sends and
ranks), sent once the transaction is over (``mail_send_soon``).

What staff need afterwards is counts: a cancelled registration keeps its event, status and dates, its name,
address and organisation are erased at once; ``registrations_prune`` erases those of every registration 30 days
after its event has ended.
"""

import logging
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F

from core.text import normalise_email
from rendezvous import event_dates
from rendezvous.event_mail import confirmation_queue, message_queue, promotion_queue
from rendezvous.models import Event, Registration, RegistrationStatus
from rendezvous.outbox import mail_send_soon

logger = logging.getLogger(__name__)

KEPT_AFTER_EVENT = timedelta(days=30)


class RegistrationClosed(Exception):
    """The event has started (or is no longer published): nobody registers any more."""


def event_lock(event_id):
    """The event's row, locked until the transaction ends (call inside ``transaction.atomic``).

    PostgreSQL locks the row (SELECT … FOR UPDATE). SQLite has no row locks and ignores FOR UPDATE: a first
    statement that writes (a no-op UPDATE) takes the database's write lock, so a concurrent registration waits for
    its turn instead of reading the same count of places, or failing at its first write."""
    if connection.vendor == "sqlite":
        Event._base_manager.filter(pk=event_id).update(duration=F("duration"))  # no content change: no version bump
    return Event._base_manager.select_for_update().get(pk=event_id)


def _confirmed_count(event):
    return event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def _has_room(event):
    return event.capacity is None or _confirmed_count(event) < event.capacity


def registration_create(*, event, name, email, organisation="", consent):
    """Register an address: a place if one is left, else a rank on the waiting list; an address already registered
    gets no second row, its confirmation is sent again. Returns ``(registration, created)``. Raises
    RegistrationClosed once the event has started."""
    if not consent:
        raise ValueError("Une inscription demande l’accord de la personne.")
    email = normalise_email(email)
    with transaction.atomic():
        event = event_lock(event.pk)
        if not event.is_published or event.has_started(event_dates.now()):
            raise RegistrationClosed
        registration = event.registrations.filter(email=email).first()
        created = registration is None
        if created:
            status = RegistrationStatus.CONFIRMED if _has_room(event) else RegistrationStatus.WAITING
            registration = Registration.objects.create(
                event=event, name=" ".join(name.split()), email=email, organisation=" ".join(organisation.split()),
                consent=True, status=status,
            )
        registration.event = event
        row = confirmation_queue(registration)
    mail_send_soon(row)
    return registration, created


def registration_request(*, event_id, name, email, organisation):
    """What the registration form does once its answer has left (core.after_response): the page is the same
    whatever happens here (no enumeration); a registration closed meanwhile is only logged."""
    try:
        registration_create(event=Event(pk=event_id), name=name, email=email, organisation=organisation, consent=True)
    except RegistrationClosed:
        logger.info("Rendez-vous %s : inscription arrivée après la clôture, ignorée.", event_id)


def _fill(event, now):
    """Give free places to the waiting list, in order; returns the registrations promoted. Under the lock."""
    if event.has_started(now):
        return []
    promoted = []
    free = None if event.capacity is None else event.capacity - _confirmed_count(event)
    for registration in event.registrations.waiting_in_order():
        if free is not None and free <= 0:
            break
        registration.status, registration.promoted_at = RegistrationStatus.CONFIRMED, now
        registration.save(update_fields=["status", "promoted_at"])
        registration.event = event
        promoted.append(registration)
        free = None if free is None else free - 1
    return promoted


def registration_cancel(*, registration):
    """Cancel: the name, address and organisation are erased, a confirmed place goes to the first person waiting
    (told by e-mail, with the .ics). Returns the registrations promoted; nothing happens to one already cancelled."""
    now = event_dates.now()
    with transaction.atomic():
        event = event_lock(registration.event_id)
        current = Registration.objects.filter(pk=registration.pk).exclude(status=RegistrationStatus.CANCELLED).first()
        if current is None:
            return []
        Registration.objects.filter(pk=current.pk).update(
            status=RegistrationStatus.CANCELLED, cancelled_at=now, name="", email="", organisation="",
        )
        promoted = _fill(event, now) if current.is_confirmed else []
        rows = [promotion_queue(person) for person in promoted]
    for row in rows:
        mail_send_soon(row)
    return promoted


def event_places_fill(*, event):
    """After staff raised the capacity (or removed it): the waiting list gets the new places, each person told."""
    with transaction.atomic():
        locked = event_lock(event.pk)
        promoted = _fill(locked, event_dates.now())
        rows = [promotion_queue(person) for person in promoted]
    for row in rows:
        mail_send_soon(row)
    return promoted


def event_message_queue(*, event, message_id, subject, text):
    """Staff's message to every confirmed place: one outbox row each, sent by the job (manage.py send_due). The
    keys carry ``message_id``: the same form sent twice queues nothing more. Returns how many rows are new."""
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).order_by("pk")
    return message_queue(event, message_id, subject, text, confirmed)


def registrations_prune(*, now):
    """Erase the name, address and organisation of the registrations of events ended 30 days ago or more (the
    counts stay); returns how many were erased."""
    old = Registration.objects.filter(event__ends_at__lte=now - KEPT_AFTER_EVENT).exclude(email="")
    return old.update(name="", email="", organisation="")
