from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tools.demo.space import OTHERS, demo_space


class Command(BaseCommand):
    help = (
        "Crée, pour le compte dont l’adresse est donnée, un espace partagé de démonstration (association fictive "
        "«\u00a0Les Jardins du Val Fleuri\u00a0»)\u00a0: trois années de chiffres et une cible, trois membres, les "
        "8 étapes de la démarche dans divers états, des réponses, trois décisions et quelques commentaires. "
        "Relancée, elle remplace l’espace de démonstration de ce compte par un neuf. Charge d’abord les contenus "
        "livrés s’ils manquent."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="Adresse du compte qui sera responsable de l’espace.")

    def handle(self, *args, email, **options):
        users = list(get_user_model().objects.filter(email__iexact=email.strip())[:2])
        if len(users) != 1:
            raise CommandError(f"Aucun compte, ou plusieurs, avec l’adresse «\u00a0{email}\u00a0»\u00a0: créez-le d’abord.")
        if users[0].username in {spec[0] for spec in OTHERS}:
            raise CommandError("Ce compte est l’un des deux membres de démonstration\u00a0: donnez un autre compte.")
        made = demo_space(user=users[0])
        self.stdout.write(
            f"1 espace de démonstration créé (n°\u00a0{made['espace'].pk})\u00a0: {made['membres']} membres, "
            f"{made['années']} années et une cible, {made['étapes']} étapes, {made['réponses']} réponses, "
            f"{made['décisions']} décisions, {made['commentaires']} commentaires."
        )
