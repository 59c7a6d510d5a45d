from django.core.management.base import BaseCommand

from diagnostic.services import UNCLAIMED_DAYS, diagnostic_prune_unclaimed


class Command(BaseCommand):
    help = (
        f"Supprime les diagnostics créés sans compte et inchangés depuis {UNCLAIMED_DAYS} jours "
        "(leur session a expiré\u00a0: personne ne peut plus les ouvrir). À lancer chaque jour."
    )

    def handle(self, *args, **options):
        deleted = diagnostic_prune_unclaimed()
        self.stdout.write(f"{deleted} ligne{'s' if deleted > 1 else ''} de diagnostic supprimée{'s' if deleted > 1 else ''}.")
