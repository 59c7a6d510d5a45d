from django.core.management.base import BaseCommand

from resources.corrections import corrections_erase_emails


class Command(BaseCommand):
    help = ("Efface l’adresse e-mail des corrections proposées traitées depuis plus de 30\u00a0jours (la correction "
            "reste). À lancer chaque jour.")

    def handle(self, *args, **options):
        erased = corrections_erase_emails()
        self.stdout.write(f"{erased} adresse{'s' if erased > 1 else ''} effacée{'s' if erased > 1 else ''}.")
