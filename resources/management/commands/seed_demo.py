from django.core.management.base import BaseCommand, CommandError

from resources.demo import demo_seed


class Command(BaseCommand):
    help = (
        "Remplace les fiches de démonstration (adresse « demo-… ») par N fiches synthétiques déterministes, "
        "réparties sur tous les vocabulaires, pour mesurer les performances. Charge d’abord les contenus livrés."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fiches", type=int, default=1000, help="Nombre de fiches à créer (défaut : 1000).")
        parser.add_argument("--seed", type=int, default=2019, help="Graine du générateur (défaut : 2019).")

    def handle(self, *args, fiches, seed, **options):
        if not 0 <= fiches <= 200_000:
            raise CommandError("--fiches doit être compris entre 0 et 200 000.")
        created = demo_seed(fiches, seed=seed)
        self.stdout.write(f"{created} fiches de démonstration créées.")
