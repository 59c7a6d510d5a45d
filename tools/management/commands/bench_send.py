from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from rendezvous.models import Letter, LetterSubscriber, OutgoingMail
from tools import send_benchmark
from tools.benchmark import now_label


class Command(BaseCommand):
    help = ("Mesure la durée de `send_due` pour une lettre envoyée à 10 000 abonnés (mise en file puis envoi, "
            "backend locmem) sur une base PostgreSQL vide qu’elle remplit ; écrit sa section de docs/benchmarks.md. "
            "Lancée par `make bench-send`.")

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=10_000, help="Abonnés confirmés (défaut : 10 000).")
        parser.add_argument("--output", default="docs/benchmarks.md",
                            help="Fichier où écrire la section ; vide : ne rien écrire.")

    def handle(self, *args, subscribers, output, **options):
        if settings.DEBUG:
            raise CommandError("Mesurez avec DJANGO_DEBUG=0 : le mode débogage enregistre chaque requête SQL.")
        if LetterSubscriber.objects.exists() or Letter.objects.exists() or OutgoingMail.objects.exists():
            raise CommandError("La mesure part d’une base sans lettre, sans abonné et sans e-mail en file.")
        send_benchmark.seed(subscribers)
        figures = send_benchmark.measure()
        if figures["delivered"] != subscribers or figures["again"] != (0, 0, 0):
            raise CommandError(f"Envoi incomplet ou en double : {figures}")
        self.stdout.write(f"Mise en file : {figures['queued']} e-mails en {figures['queued_s']:.1f} s ; envoi : "
                          f"{figures['sent']} en {figures['sent_s']:.1f} s ; second passage : "
                          f"{figures['again_s']:.2f} s.")
        if output:
            text = send_benchmark.section(figures, subscribers, now_label(), send_benchmark.machine_label())
            send_benchmark.write_section(Path(output), text)
            self.stdout.write(f"Section écrite dans {output}.")
        if connection.vendor != "postgresql":
            self.stdout.write("Base autre que PostgreSQL : chiffres indicatifs seulement.")
