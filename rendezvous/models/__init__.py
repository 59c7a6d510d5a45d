from rendezvous.models.mail import MailStatus, OutgoingMail

__all__ = ["MailStatus", "OutgoingMail"]
