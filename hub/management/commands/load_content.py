from django.core.management.base import BaseCommand

from core.content_cache import bump_content_version
from diagnostic.content_loader import diagnostic_load
from parcours.content_loader import parcours_load, usage_rules_load, worksheets_load
from rendezvous.events_loader import events_load
from resources.content_loader import content_load


class Command(BaseCommand):
    help = (
        "Charge les références bibliographiques, les vocabulaires, le glossaire, les fiches, les parcours, les "
        "feuilles de travail, les règles de «\u00a0Par où commencer\u00a0?\u00a0», le contenu du diagnostic "
        "et les rendez-vous d’exemple de l’agenda livrés dans fixtures/. "
        "Ne crée que ce qui manque "
        "(sans écraser les modifications faites dans l’administration), sauf avec --update."
    )

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="Réécrit aussi les contenus déjà présents.")

    def handle(self, *args, update=False, **options):
        created = content_load(update=update)
        parcours = parcours_load(update=update)
        worksheets = worksheets_load(update=update)
        usage_rules = usage_rules_load(update=update)
        diagnostic = diagnostic_load(update=update)
        events = events_load(update=update)
        # Every deployment runs this command: pages rendered by the previous release (its templates, its hashed
        # static files) must not outlive it, even when no content changed.
        bump_content_version()
        self.stdout.write(
            f"{created['références']} références, {created['vocabulaires']} valeurs de vocabulaire, "
            f"{created['termes']} termes du glossaire, {created['fiches']} fiches, "
            f"{parcours['parcours']} parcours, {parcours['étapes']} étapes, {worksheets} feuilles de travail, "
            f"{usage_rules} règles de parcours d’usage, "
            f"{diagnostic['descriptions']} descriptions de "
            f"niveaux, {diagnostic['règles']} règles de recommandation et {events} rendez-vous d’exemple créés."
        )
