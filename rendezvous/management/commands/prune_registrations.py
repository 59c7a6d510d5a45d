from django.core.management.base import BaseCommand

from rendezvous import event_dates
from rendezvous.registrations import registrations_prune


class Command(BaseCommand):
    help = ("Efface le nom, l’adresse et l’organisation des inscriptions aux rendez-vous terminés depuis 30 jours "
            "(les comptes d’inscrits restent). À lancer chaque jour.")

    def handle(self, *args, **options):
        erased = registrations_prune(now=event_dates.now())
        self.stdout.write(f"{erased} inscription{'s' if erased > 1 else ''} effacée{'s' if erased > 1 else ''}.")
