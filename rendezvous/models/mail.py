"""The outbox: every e-mail the rendez-vous send (confirmations, alerts, the letter) is first a row here.

A row's ``key`` names what it is for (« alert:12:2026-12-07 », « lettre:5:42 »): it is unique, so whatever creates
e-mails twice (a job run twice, two requests at once) creates one row, and one e-mail. The job (``manage.py
send_due``) sends the pending rows; a row is claimed (``sending``, committed) before its SMTP call and marked
``sent`` after: a process killed between the two leaves the row ``sending``, never sent again on its own (at most
once: the reader gets no duplicate; staff see it in admin). rendezvous/outbox.py has the rules in full.

The key protects for as long as the row exists: sent rows are deleted after 30 days (outbox_prune), so a producer
also keeps its own mark of what it has done (a letter's ``queued_at``, an alert's high-water mark).
"""

from django.db import models


class MailStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENDING = "sending", "Envoi en cours ou interrompu"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec"


class OutgoingMail(models.Model):
    key = models.CharField("clé", max_length=200, unique=True)
    to = models.EmailField("destinataire", max_length=254)
    subject = models.CharField("objet", max_length=250)
    text = models.TextField("texte")
    html = models.TextField("HTML", blank=True)
    # [{"filename": …, "content": …(text), "mimetype": …}]: an .ics is a few hundred bytes of text.
    attachments = models.JSONField("pièces jointes", default=list, blank=True)
    # Extra headers, {"List-Unsubscribe": "<https://…>"}; never From, To or Subject (the row has those).
    headers = models.JSONField("en-têtes", default=dict, blank=True)
    status = models.CharField("état", max_length=10, choices=MailStatus, default=MailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    error = models.CharField("dernière erreur", max_length=300, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    claimed_at = models.DateTimeField("pris le", null=True, blank=True)
    # Which run took the row (a random value per batch): the run sends the rows that carry its own claim.
    claim = models.CharField("pris par", max_length=32, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "e-mail sortant"
        verbose_name_plural = "e-mails sortants"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "id"], name="outgoing_mail_status_idx")]

    def __str__(self):
        return f"{self.subject} → {self.to}"
