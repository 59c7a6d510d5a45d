import platform
import statistics
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from resources.models import Fiche

SCENARIOS = [
    ("Liste sans filtre", "/fiches/", 80),
    ("Liste, trois facettes (avec comptes)", "/fiches/?famille=action&levier=financement&region=bretagne", 80),
    (
        "Liste, trois facettes et une recherche",
        "/fiches/?famille=action&levier=financement&region=bretagne&q=b%C3%A9n%C3%A9voles",
        80,
    ),
    ("Recherche, un mot", "/recherche/?q=b%C3%A9n%C3%A9voles", 60),
    ("Recherche, une expression", "/recherche/?q=%22alliance+de+moyens%22", 60),
    ("Recherche avec une faute de frappe", "/recherche/?q=subventoins+publiques", 60),
]


def _percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = (
        "Mesure dans le processus (client de test Django) les temps de réponse p50/p95 de la liste des fiches "
        "et de la recherche, et écrit le tableau dans docs/benchmarks-recherche.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200, help="Requêtes mesurées par scénario (défaut : 200).")
        parser.add_argument("--output", default="docs/benchmarks-recherche.md", help="Fichier Markdown de résultats.")

    def handle(self, *args, requests, output, **options):
        if settings.DEBUG:
            raise CommandError("Mesurez avec DJANGO_DEBUG=0 : le mode débogage enregistre chaque requête SQL.")
        client = Client()
        fiches = Fiche.objects.published().count()
        rows = []
        for label, url, target in SCENARIOS:
            for _ in range(10):  # warm-up: connection, caches, plans
                client.get(url)
            queries = []

            def count_query(execute, sql, *args, log=queries):
                log.append(sql)
                return execute(sql, *args)

            with connection.execute_wrapper(count_query):
                status = client.get(url).status_code
            timings = []
            for _ in range(requests):
                start = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            p50, p95 = statistics.median(timings), _percentile(timings, 0.95)
            rows.append((label, url, status, len(queries), p50, p95, target))
            self.stdout.write(f"{label:45} {status} {len(queries):3} requêtes  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
        self._write(Path(output), rows, fiches, requests)
        self.stdout.write(f"{len(rows)} scénarios mesurés sur {fiches} fiches publiées ; résultats dans {output}.")

    def _write(self, path, rows, fiches, requests):
        lines = [
            "# Mesures de performance",
            "",
            f"Mesuré le {date.today():%d/%m/%Y} par `make bench-search` : {connection.vendor} "
            f"{connection.cursor().connection.info.server_version if connection.vendor == 'postgresql' else ''}, "
            f"{fiches} fiches publiées (`seed_demo --fiches 20000`), {requests} requêtes par scénario après 10 "
            f"requêtes de chauffe, client de test Django dans le processus, DEBUG désactivé.",
            f"Machine : {platform.machine()}, {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, {__import__('os').cpu_count()} cœurs.",
            "",
            "| scénario | adresse | statut | requêtes SQL | p50 (ms) | p95 (ms) | cible p95 (ms) |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for label, url, status, queries, p50, p95, target in rows:
            verdict = "✓" if p95 < target else "✗"
            lines.append(f"| {label} | `{url}` | {status} | {queries} | {p50:.1f} | {p95:.1f} | {target} {verdict} |")
        lines += [
            "",
            "Les fiches de démonstration sont déterministes (`tools/demo/fiches.py`) : titres et corps assemblés à "
            "partir de leurs propres valeurs de vocabulaire, 95 % publiées, 2 à 4 mots-clés chacune. Les comptes "
            "des facettes viennent de l’index en bitmaps de `resources/facet_index.py`, reconstruit quand le "
            "catalogue change ; la recherche utilise la colonne générée `search_vector` et son index GIN.",
        ]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
