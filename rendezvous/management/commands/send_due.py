from django.core.management.base import BaseCommand
from django.utils import timezone

from rendezvous.jobs import PRODUCERS
from rendezvous.outbox import outbox_send


class Command(BaseCommand):
    help = ("Met en file les e-mails dus (alertes, lettre, listes d’attente) puis envoie ceux qui attendent ; "
            "relancée, elle n’envoie rien deux fois. À lancer toutes les 5 minutes (cron ou minuterie systemd).")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Envoyer au plus ce nombre d’e-mails.")

    def handle(self, *args, limit=None, **options):
        now = timezone.now()
        queued = [f"{producer(now)} {label}" for label, producer in PRODUCERS]
        sent, failed = outbox_send(limit=limit)
        parts = ", ".join(queued) if queued else "rien à préparer"
        self.stdout.write(f"Préparés : {parts}. Envoyés : {sent}, refusés : {failed}.")
