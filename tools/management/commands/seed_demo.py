from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from parcours.content_loader import usage_rules_load, worksheets_load
from rendezvous.events_loader import events_load
from tools.demo.agenda import demo_events
from tools.demo.diagnostics import demo_diagnostics
from tools.demo.people import PASSWORD, demo_people
from tools.demo.fiches import demo_seed
from tools.demo.spaces import demo_spaces

LIMITS = {"fiches": 200_000, "people": 50_000, "diagnostics": 50_000, "events": 10_000, "spaces": 10_000}


def _created(count, singular, plural):
    """« 0 fiche créée », « 1 fiche créée », « 2 fiches créées »: French takes the singular below two."""
    return f"{count} {singular if count < 2 else plural}."


class Command(BaseCommand):
    help = (
        "Remplace les données de démonstration par des données synthétiques déterministes, pour mesurer les "
        "performances : N fiches (adresse « demo-… »), puis N personnes (comptes « demo-personne-… » avec "
        "profil, parcours, notes et fiches sauvegardées), puis N diagnostics (organisations « Démo … »), N espaces "
        "partagés (« Espace démo … », avec membres, étapes de la démarche, décisions et commentaires) et N "
        "rendez-vous de l’agenda (« demo-rdv-… »). Charge d’abord les contenus livrés."
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
        parser.add_argument(
            "--spaces", type=int, default=0,
            help="Nombre d’espaces partagés à créer entre personnes de démonstration (défaut : 0).",
        )
        parser.add_argument("--events", type=int, default=0, help="Nombre de rendez-vous à créer (défaut : 0).")
        parser.add_argument("--seed", type=int, default=2019, help="Graine du générateur (défaut : 2019).")

    def handle(self, *args, fiches, people, diagnostics, spaces, events, seed, **options):
        for name, value in (("fiches", fiches), ("people", people), ("diagnostics", diagnostics),
                            ("spaces", spaces), ("events", events)):
            if not 0 <= value <= LIMITS[name]:
                raise CommandError(f"--{name} doit être compris entre 0 et {LIMITS[name]:,}.".replace(",", " "))
        created = demo_seed(fiches, seed=seed)
        self.stdout.write(_created(created, "fiche de démonstration créée", "fiches de démonstration créées"))
        created_people = demo_people(people, seed=seed)
        line = _created(created_people, "personne de démonstration créée", "personnes de démonstration créées")
        self.stdout.write(f"{line[:-1]} (mot de passe commun : « {PASSWORD} »)." if created_people else line)
        organisations = demo_diagnostics(diagnostics, seed=seed)
        self.stdout.write(_created(organisations, "diagnostic de démonstration créé", "diagnostics de démonstration créés"))
        created_spaces = demo_spaces(spaces, seed=seed)
        self.stdout.write(_created(created_spaces, "espace partagé de démonstration créé",
                                   "espaces partagés de démonstration créés"))
        # The rest of the shipped content the pages show: « Par où commencer ? », worksheets, the example events.
        worksheets_load()
        usage_rules_load()
        events_load()
        created_events = demo_events(events, seed=seed)
        self.stdout.write(_created(created_events, "rendez-vous de démonstration créé",
                                   "rendez-vous de démonstration créés"))
        if (created_people or organisations or created_spaces or created_events) and connection.vendor == "postgresql":
            # demo_seed analysed the database after the fiches; the people and diagnostics came later.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
