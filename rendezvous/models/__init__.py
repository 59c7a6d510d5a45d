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
from rendezvous.models.alerts import AlertFrequency, SearchAlert

__all__ = ["MailStatus", "OutgoingMail"]
__all__ += ["Event", "EventFormat", "EventKind", "EventStatus", "Registration", "RegistrationStatus"]
__all__ += ["Letter", "LetterSubscriber"]
__all__ += ["AlertFrequency", "SearchAlert"]
