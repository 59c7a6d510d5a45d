"""What the history keeps of the agenda (core.history): events, their fields and links; never their registrations,
which are people's. Called by rendezvous/event_admin.py before its admin is built, and by RendezvousConfig."""

from core.history import history_register
from rendezvous.models import Event


def history_register_rendezvous():
    """Idempotent: the admin module and the app's ready() both call it, whichever comes first."""
    history_register(Event)
