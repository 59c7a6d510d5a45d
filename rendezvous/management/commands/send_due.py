import signal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rendezvous.jobs import PRODUCERS, PRUNERS
from rendezvous.outbox import MailServerAway, outbox_interrupted, outbox_prune, outbox_send


class Command(BaseCommand):
    help = ("Supprime ce qui n’est plus à garder (e-mails envoyés depuis 30 jours, abonnements jamais confirmés), "
            "met en file les e-mails dus (alertes, lettre, listes d’attente, résumé « À relire » du lundi aux "
            "éditeurs) puis envoie ceux qui attendent ; "
            "relancée, elle n’envoie rien deux fois. À lancer toutes les 5 minutes (cron ou minuterie systemd).")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Envoyer au plus ce nombre d’e-mails.")

    def handle(self, *args, limit=None, **options):
        # Stopped by systemd or kill (SIGTERM), the run still gives back the e-mails it had claimed and not reached
        # (rendezvous.outbox): SIGTERM would otherwise end the process without running any ``finally``.
        previous = signal.signal(signal.SIGTERM, _stop)
        try:
            self._run(limit)
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _run(self, limit):
        now = timezone.now()
        old_mails = (("e-mail ancien", "e-mails anciens"), outbox_prune)
        pruned = [_counted(pruner(now), labels) for labels, pruner in [*PRUNERS, old_mails]]
        queued = [_counted(producer(now), labels) for labels, producer in PRODUCERS]
        prepared = ", ".join(queued) if queued else "rien à préparer"
        try:
            sent, failed = outbox_send(limit=limit)
        except MailServerAway as error:
            self.stdout.write(f"Préparés : {prepared}. Supprimés : {', '.join(pruned)}.")
            raise CommandError(f"Serveur d’e-mail injoignable ({error}) : les e-mails attendent le prochain "
                               "passage.") from error
        interrupted = outbox_interrupted()
        check = (f" À vérifier dans l’administration (« E-mails sortants ») : {interrupted} envoi"
                 f"{'s' if interrupted > 1 else ''} en cours ou interrompu{'s' if interrupted > 1 else ''}."
                 if interrupted else "")
        self.stdout.write(f"Préparés : {prepared}. Envoyés : {sent}, refusés : {failed}. "
                          f"Supprimés : {', '.join(pruned)}.{check}")


def _counted(number, labels):
    singular, plural = labels
    return f"{number} {singular if number < 2 else plural}"


def _stop(signum, frame):
    raise SystemExit(128 + signum)
