from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hub.link_checker import Throttle, check_urls
from hub.link_sources import collect_links
from resources.link_checks import link_check_record, link_checks_due, link_checks_sync
from resources.models import LinkCheck

STALE_DAYS = 7  # --only-stale without --older-than: each valid link is asked about once a week


class Command(BaseCommand):
    help = (
        "Vérifie les adresses externes des contenus (fiches et leurs sources, références, vocabulaires, glossaire, "
        "parcours et étapes, rendez-vous) et range le résultat dans l’administration, «\u00a0Liens cassés\u00a0». "
        "Efface les vérifications des adresses qui ne sont plus dans les contenus."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only-stale", action="store_true",
            help=f"Ne revérifie que les liens en échec, nouveaux ou vérifiés il y a {STALE_DAYS} jours ou plus.",
        )
        parser.add_argument(
            "--older-than", type=int, metavar="JOURS",
            help=f"Comme --only-stale, avec ce nombre de jours au lieu de {STALE_DAYS}.",
        )

    def handle(self, *args, only_stale=False, older_than=None, **options):
        if older_than is not None and older_than < 0:
            raise CommandError("--older-than attend un nombre de jours positif ou nul.")
        days = older_than if older_than is not None else (STALE_DAYS if only_stale else None)
        places = {url: [place.as_json() for place in found] for url, found in collect_links().items()}
        due = link_checks_due(list(places), now=timezone.now(), older_than_days=days)
        throttle = Throttle(rate=settings.HUB_LINK_CHECK_RATE, host_delay=settings.HUB_LINK_CHECK_HOST_DELAY)
        user_agent = f"LeHub-verification-des-liens/1.0 (+{settings.HUB_SITE_URL}; {settings.HUB_CONTACT_EMAIL})"
        counts = dict.fromkeys(LinkCheck.Status.values, 0)
        results = check_urls(due, timeout=settings.HUB_LINK_CHECK_TIMEOUT, throttle=throttle, user_agent=user_agent)
        for url, result in results:
            link_check_record(url=url, status=result.status, code=result.code, reason=result.reason,
                              used_in=places[url], now=timezone.now())
            counts[result.status] += 1
        removed = link_checks_sync(used_in_by_url=places)
        self.stdout.write(
            f"{_count(len(due), 'adresse vérifiée', 'adresses vérifiées')} ({_count(counts['ok'], 'valide', 'valides')}, "
            f"{_count(counts['broken'], 'cassée', 'cassées')}, "
            f"{_count(counts['unreachable'], 'injoignable', 'injoignables')}), "
            f"{_count(len(places) - len(due), 'déjà vérifiée récemment', 'déjà vérifiées récemment')}, "
            f"{_count(removed, 'retirée des contenus', 'retirées des contenus')}."
        )


def _count(number, singular, plural):
    return f"{number} {singular if number < 2 else plural}"  # 0 and 1 take the singular in French
