from django.core.management.base import BaseCommand

from accounts.throttle import purge


class Command(BaseCommand):
    help = "Efface les compteurs d’échecs de connexion expirés (ils ne limitent plus rien). À lancer chaque jour."

    def handle(self, *args, **options):
        deleted = purge()
        self.stdout.write(f"{deleted} compteur{'s' if deleted > 1 else ''} d’échecs effacé{'s' if deleted > 1 else ''}.")
