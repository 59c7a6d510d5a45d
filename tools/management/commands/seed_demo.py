from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tools.demo.diagnostics import demo_diagnostics
from tools.demo.people import PASSWORD, demo_people
from tools.demo.fiches import demo_seed

LIMITS = {"fiches": 200_000, "people": 50_000, "diagnostics": 50_000}


def _created(count, singular, plural):
    """« 0 fiche créée », « 1 fiche créée », « 2 fiches créées »: French takes the singular below two."""
    return f"{count} {singular if count < 2 else plural}."


class Command(BaseCommand):
    help = (
        "Remplace les données de démonstration par des données synthétiques déterministes, pour mesurer les "
        "performances : N fiches (adresse « demo-… »), puis N personnes (comptes « demo-personne-… » avec "
        "profil, parcours, notes et fiches sauvegardées), puis N diagnostics (organisations « Démo … »). "
        "Charge d’abord les contenus livrés."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fiches", type=int, default=1000, help="Nombre de fiches à créer (défaut : 1000).")
        parser.add_argument(
            "--people", type=int, default=0,
            help="Nombre de comptes de démonstration à créer, avec leur progression (défaut : 0).",
        )
        parser.add_argument(
            "--diagnostics", type=int, default=0,
            help="Nombre d’organisations diagnostiquées à créer, avec leurs années de chiffres (défaut : 0).",
        )
        parser.add_argument("--seed", type=int, default=2019, help="Graine du générateur (défaut : 2019).")

    def handle(self, *args, fiches, people, diagnostics, seed, **options):
        for name, value in (("fiches", fiches), ("people", people), ("diagnostics", diagnostics)):
            if not 0 <= value <= LIMITS[name]:
                raise CommandError(f"--{name} doit être compris entre 0 et {LIMITS[name]:,}.".replace(",", " "))
        created = demo_seed(fiches, seed=seed)
        self.stdout.write(_created(created, "fiche de démonstration créée", "fiches de démonstration créées"))
        created_people = demo_people(people, seed=seed)
        line = _created(created_people, "personne de démonstration créée", "personnes de démonstration créées")
        self.stdout.write(f"{line[:-1]} (mot de passe commun : « {PASSWORD} »)." if created_people else line)
        organisations = demo_diagnostics(diagnostics, seed=seed)
        self.stdout.write(_created(organisations, "diagnostic de démonstration créé", "diagnostics de démonstration créés"))
        if (created_people or organisations) and connection.vendor == "postgresql":
            # demo_seed analysed the database after the fiches; the people and diagnostics came later.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
