from django.core.management.base import BaseCommand, CommandError

from hub.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Sauvegarde la base (contenus, comptes, progression, notes, fiches sauvegardées, diagnostics, "
        "mots-clés, historique de l’administration) dans un fichier JSON compressé (.json.gz), que "
        "backup_restore recharge sur SQLite comme sur PostgreSQL. Les sessions n’y figurent pas."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier à écrire, par exemple backups/hub-2025-01-31.json.gz.")

    def handle(self, *args, path, **options):
        try:
            count = backup_write(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{count} objets sauvegardés dans {path}.")
