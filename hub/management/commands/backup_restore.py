from django.core.management.base import BaseCommand, CommandError

from hub.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restaure un fichier écrit par backup_write dans une base migrée. Refuse une base qui contient déjà "
        "des données, sauf avec --replace, qui la vide d’abord. Tout se fait dans une transaction : en cas "
        "d’erreur, la base reste telle qu’elle était."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier .json.gz écrit par backup_write.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Vide la base (flush : toutes les données et les sessions) avant de restaurer.",
        )

    def handle(self, *args, path, replace=False, **options):
        try:
            count = backup_restore(path, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{count} objets restaurés depuis {path}.")
