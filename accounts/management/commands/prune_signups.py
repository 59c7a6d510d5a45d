from django.core.management.base import BaseCommand

from accounts.services import UNCONFIRMED_DAYS, signup_prune_unconfirmed


class Command(BaseCommand):
    help = (
        f"Supprime les inscriptions jamais activées, {UNCONFIRMED_DAYS} jours après la dernière demande (leur lien ne "
        "vaut plus rien depuis longtemps). À lancer chaque jour."
    )

    def handle(self, *args, **options):
        deleted = signup_prune_unconfirmed()
        plural = "s" if deleted > 1 else ""
        self.stdout.write(f"{deleted} inscription{plural} non activée{plural} supprimée{plural}.")
