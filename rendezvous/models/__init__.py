from rendezvous.models.mail import MailStatus, OutgoingMail
from rendezvous.models.letter import Letter, LetterSubscriber

__all__ = ["MailStatus", "OutgoingMail", "Letter", "LetterSubscriber"]
