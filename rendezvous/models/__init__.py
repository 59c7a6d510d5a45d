from rendezvous.models.mail import MailStatus, OutgoingMail
from rendezvous.models.events import (
    Event,
    EventFormat,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from rendezvous.models.letter import Letter, LetterSubscriber

__all__ = ["MailStatus", "OutgoingMail"]
__all__ += ["Event", "EventFormat", "EventKind", "EventStatus", "Registration", "RegistrationStatus"]
__all__ += ["Letter", "LetterSubscriber"]
