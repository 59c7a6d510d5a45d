"""`make bench`: the hub under load, as production serves it, compared with a floor view.

The run seeds the demo data at 1x, counts the SQL queries of every scenario in this process, seeds again at
10x (the size that is loaded), counts again, then serves the database with gunicorn (2 workers, production
settings, the Redis cache) and loads each scenario with wrk from another process on loopback, several times: the
runs are interleaved (run 1 of every scenario, then run 2…) so that a slow minute of the shared machine does not hit
one scenario in every run. A scenario's requests per second are compared with the floor view's of the same run (the
same middleware, no query, no template); the table gives the median and the spread over the runs.
"""

import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
# Bandit: starts gunicorn and wrk with fixed argument lists, never through a shell.
import subprocess  # nosec B404
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from tools.send_benchmark import kept_section

# Every request says it came through the TLS proxy, as production's do (the server trusts one: HUB_PROXY_COUNT=1):
# no redirect, secure cookies accepted.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


@dataclass
class Scenario:
    key: str
    label: str
    path: str
    kind: str  # "plancher", "cache" (anonymous page served from the cache), "page", "liste", "recherche", "personnel"
    logged_in: bool = False
    cold: bool = False  # served with the page and content caches off: every request is computed from the database
    target: float | None = None  # share of the floor's requests per second to reach
    queries: dict = field(default_factory=dict)  # "1x froid", "10x servi"… -> SQL queries of one request
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    errors: int = 0
    ratio: float = 0.0  # median over the runs of the share of that run's floor
    runs: list = field(default_factory=list)  # one dict a run: rps, p50_ms, p99_ms, requests, errors, ratio

    @property
    def met(self):
        """The verdict: the median share meets the target."""
        return None if self.target is None else self.ratio >= self.target

    @property
    def met_every_run(self):
        return None if self.target is None else all(run["ratio"] >= self.target for run in self.runs)

    @property
    def spread(self):
        """Lowest and highest requests per second and share of the floor over the runs."""
        if not self.runs:
            return {}
        rps, ratios = [run["rps"] for run in self.runs], [run["ratio"] for run in self.runs]
        return {"rps_min": min(rps), "rps_max": max(rps), "ratio_min": min(ratios), "ratio_max": max(ratios)}


def summarise(items):
    """Each run's share against that run's floor (items[0]), then each scenario's median: the median requests per
    second and share, and the latencies of the median run (the lower middle one for an even count)."""
    floor = items[0]
    for item in items:
        for number, run in enumerate(item.runs):
            floor_rps = floor.runs[number]["rps"] if number < len(floor.runs) else 0.0
            run["ratio"] = run["rps"] / floor_rps if floor_rps else 0.0
        if not item.runs:
            continue
        middle = sorted(item.runs, key=lambda run: run["rps"])[(len(item.runs) - 1) // 2]
        item.rps = statistics.median(run["rps"] for run in item.runs)
        item.ratio = statistics.median(run["ratio"] for run in item.runs)
        item.p50_ms, item.p99_ms = middle["p50_ms"], middle["p99_ms"]
        item.requests = sum(run["requests"] for run in item.runs)
        item.errors = sum(run["errors"] for run in item.runs)


USAGE_PATH = "/par-ou-commencer/?profil=association&objectif=diversifier&maturite=j-ai-commence&temps=2-h"


def scenarios(person):
    """What is measured; ``person`` gives the logged-in user's own pages (their parcours, step, diagnostic, space)."""
    from django.db.models import Count

    from resources.models import Fiche, GlossaryTerm

    fiche = Fiche.objects.published().filter(slug__startswith="demo-").order_by("slug").first()
    term = GlossaryTerm.objects.annotate(n=Count("related_fiches")).order_by("-n", "slug").first()
    facets = "/fiches/?famille=action&levier=financement&region=bretagne"
    return [
        Scenario("floor", "Vue plancher (même middleware, ni requête ni gabarit)", "/bench/plancher/", "plancher"),
        Scenario("floor_member", "Vue plancher, connecté (session et personne lues)", "/bench/plancher/", "plancher",
                 logged_in=True),
        Scenario("home", "Accueil", "/", "cache", target=0.5),
        Scenario("lever", "Page d’un levier", "/leviers/financement/", "cache", target=0.5),
        Scenario("list", "Liste des fiches, sans filtre", "/fiches/", "cache", target=0.5),
        Scenario("list_facets", "Liste, trois facettes", facets, "liste", target=0.1),
        Scenario("search_word", "Recherche, un mot", "/recherche/?q=b%C3%A9n%C3%A9voles", "recherche", target=0.1),
        Scenario("search_phrase", "Recherche, une expression", "/recherche/?q=%22alliance+de+moyens%22", "recherche",
                 target=0.1),
        Scenario("search_typo", "Recherche avec une faute de frappe", "/recherche/?q=subventoins+publiques", "recherche",
                 target=0.1),
        Scenario("fiche", "Fiche (détail)", f"/fiches/{fiche.slug}/", "page", target=0.2),
        Scenario("parcours", "Page d’un parcours (connecté)", person["parcours_url"], "personnel", logged_in=True,
                 target=0.2),
        Scenario("step", "Étape d’un parcours (connecté)", person["step_url"], "personnel", logged_in=True, target=0.2),
        Scenario("dashboard", "« Mon espace » (connecté)", "/mon-espace/", "personnel", logged_in=True, target=0.1),
        Scenario("diagnostic", "Résultat d’un diagnostic (connecté)", person["diagnostic_url"], "personnel",
                 logged_in=True, target=0.1),
        # Pages measured without a target: their cost is watched, and their query counts must not grow.
        Scenario("usage", "« Par où commencer ? », questionnaire", "/par-ou-commencer/", "page"),
        Scenario("usage_path", "« Par où commencer ? », un parcours d’usage", USAGE_PATH, "page"),
        Scenario("agenda", "Agenda des rendez-vous", "/agenda/", "page"),
        Scenario("glossary", "Glossaire", "/glossaire/", "page"),
        Scenario("glossary_term", "Terme du glossaire", f"/glossaire/{term.slug}/", "page"),
        Scenario("space", "Espace partagé, page principale (connecté)", person["space_url"], "personnel",
                 logged_in=True),
        Scenario("space_method", "Espace partagé, démarche (connecté)", person["method_url"], "personnel",
                 logged_in=True),
    ]


COLD = ("home", "lever", "list", "list_facets", "search_word", "search_phrase", "search_typo", "fiche", "step",
        "usage", "usage_path", "agenda", "glossary", "glossary_term")
# Targets of the pages computed from the database at every request (issue 21), as a share of the floor.
COLD_TARGETS = {"home": 0.05, "lever": 0.05, "fiche": 0.05, "list_facets": 0.03, "search_word": 0.03}


def cold_twins(items):
    """The same scenarios on a server with every cache off: what a query nobody asked before costs."""
    twins = []
    for item in items:
        if item.key in COLD:
            twins.append(Scenario(f"{item.key}_cold", f"{item.label}, caches coupés", item.path, item.kind,
                                  logged_in=item.logged_in, cold=True, target=COLD_TARGETS.get(item.key),
                                  queries={scale: item.queries[f"{scale.split()[0]} froid"] for scale in item.queries}))
    return twins


def bench_person():
    """The demo person with the most progress, and their pages (the richest pages to render)."""
    from django.db.models import Count

    from diagnostic.models import Organisation
    from parcours.models import StepProgress
    from tools.demo.spaces import bench_owner

    user = bench_owner()
    progress = StepProgress.objects.filter(user=user).select_related("step__parcours").order_by("-updated_at").first()
    organisation = Organisation.objects.filter(user=user).annotate(n=Count("snapshots")).order_by("-n", "pk").first()
    # seed_demo makes this person the responsable of the first demo space: the richest of theirs is measured.
    space = (Organisation.objects.filter(is_space=True, memberships__user=user)
             .annotate(n=Count("comments", distinct=True)).order_by("-n", "pk").first())
    if space is None:
        raise RuntimeError("La personne mesurée n’est membre d’aucun espace : lancez seed_demo avec --spaces.")
    step = progress.step
    return {
        "user": user,
        "parcours_url": f"/parcours/{step.parcours.slug}/",
        "step_url": f"/parcours/{step.parcours.slug}/{step.slug}/",
        "diagnostic_url": f"/mon-modele/{organisation.pk}/",
        "space_url": f"/mon-modele/{space.pk}/",
        "method_url": f"/mon-modele/{space.pk}/demarche/",
    }


def count_queries(items, person):
    """SQL queries of one request to each page: rendered from scratch (page and content caches off), then as
    served (caches on and warm). The second request is counted each time, so that the per-process indexes
    (facets, search lexicon) built by the first do not count."""
    counts = {}
    anonymous, member = Client(headers=PROXY_HEADERS), Client(headers=PROXY_HEADERS)
    member.force_login(person["user"])
    for mode, seconds in (("froid", 0), ("servi", 600)):
        with override_settings(HUB_PAGE_CACHE_SECONDS=seconds, ALLOWED_HOSTS=["testserver"]):
            for item in items:
                client = member if item.logged_in else anonymous
                client.get(item.path)
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(item.path)
                if response.status_code != 200:
                    raise RuntimeError(f"{item.path} a répondu {response.status_code} au lieu de 200")
                counts[f"{item.key}:{mode}"] = len(captured)
    return counts


def seed(fiches, people, diagnostics, out):
    """The demo data at one scale; one shared space for ten diagnostics and one event for 200 fiches (100 at 10x),
    at least one of each so that every page has content."""
    started = time.monotonic()
    spaces = max(1, diagnostics // 10) if diagnostics else 0
    events = max(1, fiches // 200) if fiches else 0
    call_command("seed_demo", fiches=fiches, people=people, diagnostics=diagnostics, spaces=spaces, events=events,
                 stdout=out)
    # As autovacuum leaves a production database (it runs on its own after this many inserts): a table loaded a
    # moment ago has no visibility map and unset hint bits, and a search then reads about 30 % longer.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.monotonic() - started


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving this database, 2 workers, with the production settings of the environment."""

    def __init__(self, workers=2, **env):
        self.port = _free_port()
        self.workers = workers
        self.env = env
        self.process = None

    def __enter__(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tools.settings", **self.env}
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        # Bandit: fixed arguments, no shell.
        self.process = subprocess.Popen(  # nosec B603
            [gunicorn, "hub.wsgi", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--no-control-socket"],
            env=env, cwd=settings.BASE_DIR,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.get("/bench/plancher/")
                return self
            except OSError:  # refused, reset or timed out while gunicorn starts (URLError is one too)
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn n’a pas répondu en 30 secondes")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, cookie=None):
        headers = {**PROXY_HEADERS, **({"Cookie": cookie} if cookie else {})}
        request = urllib.request.Request(self.url(path), headers=headers)
        # Bandit: an http:// address of our own loopback server.
        with urllib.request.urlopen(request, timeout=10) as response:  # nosec B310
            return response.status, dict(response.headers)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output):
    """Requests per second, p50 and p99 in ms, request count and errors (non-2xx and socket errors)."""
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": errors,
    }


WARM_UP_SECONDS = 2


def load(server, item, seconds, connections, cookie, warm_up=True):
    """Warm up (the first run only: the servers stay up between runs), then load one scenario with wrk (1 thread:
    the client leaves the cores to the server)."""
    wrk = shutil.which("wrk")
    headers = [arg for name, value in PROXY_HEADERS.items() for arg in ("-H", f"{name}: {value}")]
    if item.logged_in:
        headers += ["-H", f"Cookie: {cookie}"]
    base = [wrk, "-t1", f"-c{connections}", "--latency", *headers]
    if warm_up:
        # Bandit: wrk with fixed arguments, no shell.
        subprocess.run([*base, f"-d{WARM_UP_SECONDS}s", server.url(item.path)],  # nosec B603
                       check=True, capture_output=True)
    # Bandit: wrk with fixed arguments, no shell.
    measure = [*base, f"-d{seconds}s", "--timeout", "10s", server.url(item.path)]
    done = subprocess.run(measure, check=True, capture_output=True, text=True)  # nosec B603
    return parse_wrk(done.stdout)


def machine():
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    wrk = subprocess.run([shutil.which("wrk"), "--version"], capture_output=True, text=True)  # nosec B603
    return {
        "processeur": cpu or platform.processor(),
        "coeurs": os.cpu_count(),
        "systeme": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": server_version.split()[0],
        "wrk": (wrk.stdout or wrk.stderr).split("[")[0].strip(),
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    }


def _fmt(number, digits=0):
    text = f"{number:,.{digits}f}".replace(",", " ").replace(".", ",")
    return text


def _spread(item):
    """« 1 480–1 620 req/s ; 45–49 % »: the lowest and highest of the runs."""
    spread = item.spread
    if not spread:
        return "—"
    return (f"{_fmt(spread['rps_min'])}–{_fmt(spread['rps_max'])} req/s\u00a0; "
            f"{_fmt(spread['ratio_min'] * 100)}–{_fmt(spread['ratio_max'] * 100)} %")


def _verdict(item):
    if item.target is None:
        return "—"
    verdict = f"≥ {_fmt(item.target * 100)} % {'✓' if item.met else '✗'}"
    if item.met and len(item.runs) > 1 and not item.met_every_run:
        verdict += " (pas à chaque passage)"
    return verdict


def write_report(markdown_path, json_path, items, context):
    """docs/benchmarks.md (French) and the same figures as JSON."""
    floor = items[0]
    runs = context.get("runs", 1)
    passages = f"{runs} passage{'s' if runs > 1 else ''}"
    lines = [
        "# Mesures de charge (`make bench`)",
        "",
        f"Mesuré le {context['date']} sur {context['machine']['processeur']} ({context['machine']['coeurs']} cœurs), "
        f"{context['machine']['systeme']}, Python {context['machine']['python']}, PostgreSQL "
        f"{context['machine']['postgresql']}, cache {context['machine']['cache']}, {context['machine']['wrk']}.",
        "",
        f"- **Données (10x, chargées)** : {_fmt(context['data']['10x']['fiches'])} fiches "
        f"({_fmt(context['data']['10x']['publiees'])} publiées), {_fmt(context['data']['10x']['personnes'])} personnes "
        f"avec leur progression, leurs notes et leurs fiches sauvegardées, {_fmt(context['data']['10x']['diagnostics'])} "
        f"diagnostics. **1x** : le dixième ({_fmt(context['data']['1x']['fiches'])} fiches, "
        f"{_fmt(context['data']['1x']['personnes'])} personnes, {_fmt(context['data']['1x']['diagnostics'])} diagnostics). "
        "Chaque chargement est suivi de `VACUUM ANALYZE`, comme autovacuum le fait de lui-même sur une base en service.",
        f"- **Serveur** : gunicorn, {context['workers']} workers synchrones, réglages de production (DEBUG désactivé, "
        "en-têtes de sécurité, sessions et cache dans Redis, connexions PostgreSQL réutilisées). Les lignes « caches "
        "coupés » viennent d’un second serveur lancé avec `HUB_PAGE_CACHE_SECONDS=0` : chaque requête y est calculée "
        "depuis la base, comme une recherche que personne n’a encore faite.",
        f"- **Charge** : wrk, 1 fil, {context['connections']} connexions, {context['seconds']} s par scénario et par "
        f"passage, {passages} ; 2 s de chauffe avant chaque scénario au premier passage seulement (les serveurs restent "
        "lancés d’un passage à l’autre) ; depuis un autre processus sur la boucle locale (il partage les 2 cœurs "
        "avec le serveur). Les passages alternent : le premier de tous les scénarios, puis le deuxième…, pour "
        "qu’une minute lente de la machine ne pèse pas sur un seul scénario.",
        f"- **Chiffres** : req/s et part du plancher sont les médianes des {passages}, la part de chaque passage "
        "étant calculée contre le plancher du même passage ; p50 et p99 sont ceux du passage médian. La colonne "
        f"« écart sur {passages} » donne le plus bas et le plus haut des passages. Une cible est atteinte quand la "
        "part médiane l’atteint ; « pas à chaque passage » signale qu’un passage est resté en dessous.",
        "- **Requêtes SQL** d’une requête, à 1x et à 10x : *à froid*, caches des pages et des contenus coupés (tout "
        "est lu en base) ; *servie*, caches en place, comme pendant la charge.",
        "",
        f"| scénario | adresse | req/s | p50 (ms) | p99 (ms) | part du plancher | écart sur {passages} | cible "
        "| SQL à froid 1x / 10x | SQL servie 1x / 10x |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for item in items:
        errors = f" ({item.errors} erreurs)" if item.errors else ""
        lines.append(
            f"| {item.label} | `{item.path}` | {_fmt(item.rps)}{errors} | {_fmt(item.p50_ms, 1)} | {_fmt(item.p99_ms, 1)} "
            f"| {_fmt(item.ratio * 100)} % | {_spread(item)} | {_verdict(item)} "
            f"| {item.queries['1x froid']} / {item.queries['10x froid']} "
            f"| {item.queries['1x servi']} / {item.queries['10x servi']} |"
        )
    grown = [item.label for item in items
             if any(item.queries[f"10x {mode}"] > item.queries[f"1x {mode}"] for mode in ("froid", "servi"))]
    met = [item for item in items if item.target is not None]
    every = f" (dont {sum(1 for item in met if item.met_every_run)} à chaque passage)" if runs > 1 else ""
    lines += [
        "",
        f"Cibles atteintes : {sum(1 for item in met if item.met)} sur {len(met)}{every}. "
        + ("Aucune page ne fait plus de requêtes à 10x qu’à 1x." if not grown
           else "Requêtes en hausse entre 1x et 10x : " + ", ".join(grown) + "."),
        f"Plancher : {_fmt(floor.rps)} requêtes par seconde (médiane ; écart sur {passages} : "
        f"{_fmt(floor.spread.get('rps_min', floor.rps))}–{_fmt(floor.spread.get('rps_max', floor.rps))}). "
        f"Durée de la mesure : {_fmt(context['duration_s'])} s "
        f"(dont {_fmt(context['seed_s'])} s de génération des données).",
        "",
    ]
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    # The section of `make bench-send` (tools/send_benchmark.py), measured apart, stays as it was.
    markdown_path.write_text("\n".join(lines) + kept_section(markdown_path), encoding="utf-8")
    payload = {**context, "scenarios": [{**asdict(item), "met": item.met, "met_every_run": item.met_every_run,
                                         "spread": item.spread} for item in items]}
    json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def now_label():
    return datetime.now(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y à %H h %M")
