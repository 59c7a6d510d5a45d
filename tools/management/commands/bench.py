import io
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from diagnostic.models import Organisation
from tools import benchmark
from resources.models import Fiche


def _sizes():
    return {
        "fiches": Fiche.objects.count(),
        "publiees": Fiche.objects.published().count(),
        "personnes": get_user_model().objects.filter(username__startswith="demo-personne-").count(),
        "diagnostics": Organisation.objects.count(),
    }


class Command(BaseCommand):
    help = (
        "Mesure le hub sous charge (gunicorn 2 workers, wrk) sur une base PostgreSQL qu’elle remplit de données de "
        "démonstration, à 1x puis 10x, puis charge chaque scénario --runs fois (passages alternés) ; écrit "
        "docs/benchmarks.md et docs/benchmarks.json avec la médiane et l’écart des passages. Lancée par `make bench`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fiches", type=int, default=20_000, help="Fiches à 10x (défaut : 20 000).")
        parser.add_argument("--people", type=int, default=5_000, help="Personnes à 10x (défaut : 5 000).")
        parser.add_argument("--diagnostics", type=int, default=1_000, help="Diagnostics à 10x (défaut : 1 000).")
        parser.add_argument("--seconds", type=int, default=8,
                            help="Durée de charge par scénario et par passage (défaut : 8).")
        parser.add_argument("--runs", type=int, default=3,
                            help="Passages de charge, alternés entre les scénarios (défaut : 3).")
        parser.add_argument("--connections", type=int, default=4, help="Connexions simultanées de wrk (défaut : 4).")
        parser.add_argument("--workers", type=int, default=2, help="Workers gunicorn (défaut : 2).")
        parser.add_argument("--output", default="docs/benchmarks.md", help="Tableau Markdown.")
        parser.add_argument("--json", default="docs/benchmarks.json", help="Mêmes chiffres en JSON.")

    def _load(self, server, items, cookie, options, run):
        for item in items:
            if run == 0:
                status, _ = server.get(item.path, cookie if item.logged_in else None)
                if status != 200:
                    raise CommandError(f"{item.path} a répondu {status}")
            figures = benchmark.load(server, item, options["seconds"], options["connections"], cookie,
                                     warm_up=run == 0)
            item.runs.append(figures)
            self.stdout.write(f"{run + 1}/{options['runs']} {item.label:70} {figures['rps']:8.0f} req/s  "
                              f"p50 {figures['p50_ms']:6.1f} ms  p99 {figures['p99_ms']:6.1f} ms  SQL {item.queries}")

    def handle(self, *args, **options):
        if settings.DEBUG:
            raise CommandError("Mesurez avec DJANGO_DEBUG=0 : le mode débogage enregistre chaque requête SQL.")
        if connection.vendor != "postgresql":
            raise CommandError("La mesure se fait sur PostgreSQL : définissez DATABASE_URL.")
        if options["runs"] < 1 or options["seconds"] < 1:
            raise CommandError("--runs et --seconds valent au moins 1.")
        if not shutil.which("wrk"):
            raise CommandError("wrk est introuvable : apt-get install -y wrk (make bench l’installe).")
        started = time.monotonic()
        log = io.StringIO()
        data, counts = {}, {}
        seed_s = 0.0
        for scale, divisor in (("1x", 10), ("10x", 1)):
            self.stdout.write(f"Données {scale}…")
            seed_s += benchmark.seed(options["fiches"] // divisor, options["people"] // divisor,
                                     options["diagnostics"] // divisor, log)
            data[scale] = _sizes()
            person = benchmark.bench_person()
            items = benchmark.scenarios(person)
            counts[scale] = benchmark.count_queries(items, person)
        for item in items:
            item.queries = {f"{scale} {mode}": counts[scale][f"{item.key}:{mode}"]
                            for scale in counts for mode in ("froid", "servi")}

        member = Client()
        member.force_login(person["user"])
        cookie = f"{settings.SESSION_COOKIE_NAME}={member.cookies[settings.SESSION_COOKIE_NAME].value}"
        twins = benchmark.cold_twins(items)
        # Both servers stay up through every run (an idle one takes no CPU): the per-process indexes built while
        # warming up are not rebuilt, and the runs interleave, so a slow minute of the machine is shared out.
        with (benchmark.Server(workers=options["workers"]) as served,
              benchmark.Server(workers=options["workers"], HUB_PAGE_CACHE_SECONDS="0") as cold):
            for run in range(options["runs"]):
                self._load(served, items, cookie, options, run)
                self._load(cold, twins, cookie, options, run)
        items += twins
        benchmark.summarise(items)
        context = {
            "date": benchmark.now_label(),
            "machine": benchmark.machine(),
            "data": data,
            "workers": options["workers"],
            "connections": options["connections"],
            "seconds": options["seconds"],
            "runs": options["runs"],
            "seed_s": seed_s,
            "duration_s": time.monotonic() - started,
        }
        benchmark.write_report(Path(options["output"]), Path(options["json"]), items, context)
        met = [item for item in items if item.target is not None]
        self.stdout.write(f"Cibles atteintes : {sum(1 for item in met if item.met)} sur {len(met)} "
                          f"(dont {sum(1 for item in met if item.met_every_run)} à chaque passage) ; "
                          f"tableau dans {options['output']}.")
