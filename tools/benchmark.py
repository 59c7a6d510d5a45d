"""`make bench`: the hub under load, as production serves it, compared with a floor view.

The run seeds the demo data at 1x, counts the SQL queries of every scenario in this process, seeds again at
10x (the size that is loaded), counts again, then serves the database with gunicorn (2 workers, production
settings, the Redis cache) and loads each scenario with wrk from another process on loopback. A scenario's
requests per second are compared with the floor view's: the same middleware, no query, no template.
"""

import json
import os
import platform
import re
import shutil
import signal
import socket
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
    ratio: float = 0.0

    @property
    def met(self):
        return None if self.target is None else self.ratio >= self.target


def scenarios(person):
    """What is measured; ``person`` gives the logged-in user's own pages (their parcours, step, diagnostic)."""
    from resources.models import Fiche

    fiche = Fiche.objects.published().filter(slug__startswith="demo-").order_by("slug").first()
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
        Scenario("parcours", "Page d’un parcours (connecté)", person["parcours_url"], "personnel", logged_in=True),
        Scenario("step", "Étape d’un parcours (connecté)", person["step_url"], "personnel", logged_in=True, target=0.2),
        Scenario("dashboard", "« Mon espace » (connecté)", "/mon-espace/", "personnel", logged_in=True),
        Scenario("diagnostic", "Résultat d’un diagnostic (connecté)", person["diagnostic_url"], "personnel",
                 logged_in=True),
    ]


COLD = ("home", "lever", "list", "list_facets", "search_word", "search_phrase", "search_typo", "fiche", "step")


def cold_twins(items):
    """The same scenarios on a server with every cache off: what a query nobody asked before costs."""
    twins = []
    for item in items:
        if item.key in COLD:
            twins.append(Scenario(f"{item.key}_cold", f"{item.label}, caches coupés", item.path, item.kind,
                                  logged_in=item.logged_in, cold=True,
                                  queries={scale: item.queries[f"{scale.split()[0]} froid"] for scale in item.queries}))
    return twins


def bench_person():
    """The demo person with the most progress, and their pages (the richest pages to render)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from diagnostic.models import Organisation
    from parcours.models import StepProgress

    users = get_user_model().objects.filter(username__startswith="demo-personne-")
    user = (
        users.annotate(n=Count("organisations", distinct=True), steps=Count("step_progress", distinct=True))
        .filter(n__gt=0)
        .order_by("-steps", "pk")
        .first()
    )
    progress = StepProgress.objects.filter(user=user).select_related("step__parcours").order_by("-updated_at").first()
    organisation = Organisation.objects.filter(user=user).annotate(n=Count("snapshots")).order_by("-n", "pk").first()
    step = progress.step
    return {
        "user": user,
        "parcours_url": f"/parcours/{step.parcours.slug}/",
        "step_url": f"/parcours/{step.parcours.slug}/{step.slug}/",
        "diagnostic_url": f"/mon-modele/{organisation.pk}/",
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
    started = time.monotonic()
    call_command("seed_demo", fiches=fiches, people=people, diagnostics=diagnostics, stdout=out)
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


def load(server, item, seconds, connections, cookie):
    """Warm up, then load one scenario with wrk (1 thread: the client leaves the cores to the server)."""
    wrk = shutil.which("wrk")
    headers = [arg for name, value in PROXY_HEADERS.items() for arg in ("-H", f"{name}: {value}")]
    if item.logged_in:
        headers += ["-H", f"Cookie: {cookie}"]
    base = [wrk, "-t1", f"-c{connections}", "--latency", *headers]
    subprocess.run([*base, "-d2s", server.url(item.path)], check=True, capture_output=True)  # nosec B603
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


def write_report(markdown_path, json_path, items, context):
    """docs/benchmarks.md (French) and the same figures as JSON."""
    floor = items[0]
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
        f"{_fmt(context['data']['1x']['personnes'])} personnes, {_fmt(context['data']['1x']['diagnostics'])} diagnostics).",
        f"- **Serveur** : gunicorn, {context['workers']} workers synchrones, réglages de production (DEBUG désactivé, "
        "en-têtes de sécurité, sessions et cache dans Redis, connexions PostgreSQL réutilisées). Les lignes « caches "
        "coupés » viennent d’un second serveur lancé avec `HUB_PAGE_CACHE_SECONDS=0` : chaque requête y est calculée "
        "depuis la base, comme une recherche que personne n’a encore faite.",
        f"- **Charge** : wrk, 1 fil, {context['connections']} connexions, {context['seconds']} s par scénario après "
        "2 s de chauffe, depuis un autre processus sur la boucle locale (il partage les 2 cœurs avec le serveur).",
        "- **Requêtes SQL** d’une requête, à 1x et à 10x : *à froid*, caches des pages et des contenus coupés (tout "
        "est lu en base) ; *servie*, caches en place, comme pendant la charge.",
        "",
        "| scénario | adresse | req/s | p50 (ms) | p99 (ms) | part du plancher | cible | SQL à froid 1x / 10x "
        "| SQL servie 1x / 10x |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for item in items:
        if item.target is None:
            target = "—"
        else:
            target = f"≥ {item.target:.0%} {'✓' if item.met else '✗'}".replace("%", " %")
        errors = f" ({item.errors} erreurs)" if item.errors else ""
        lines.append(
            f"| {item.label} | `{item.path}` | {_fmt(item.rps)}{errors} | {_fmt(item.p50_ms, 1)} | {_fmt(item.p99_ms, 1)} "
            f"| {_fmt(item.ratio * 100)} % | {target} | {item.queries['1x froid']} / {item.queries['10x froid']} "
            f"| {item.queries['1x servi']} / {item.queries['10x servi']} |"
        )
    grown = [item.label for item in items
             if any(item.queries[f"10x {mode}"] > item.queries[f"1x {mode}"] for mode in ("froid", "servi"))]
    met = [item for item in items if item.target is not None]
    lines += [
        "",
        f"Cibles atteintes : {sum(1 for item in met if item.met)} sur {len(met)}. "
        + ("Aucune page ne fait plus de requêtes à 10x qu’à 1x." if not grown
           else "Requêtes en hausse entre 1x et 10x : " + ", ".join(grown) + "."),
        f"Plancher : {_fmt(floor.rps)} requêtes par seconde. Durée de la mesure : {_fmt(context['duration_s'])} s "
        f"(dont {_fmt(context['seed_s'])} s de génération des données).",
        "",
    ]
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    # The section of `make bench-send` (tools/send_benchmark.py), measured apart, stays as it was.
    markdown_path.write_text("\n".join(lines) + kept_section(markdown_path), encoding="utf-8")
    payload = {**context, "scenarios": [{**asdict(item), "met": item.met} for item in items]}
    json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def now_label():
    return datetime.now(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y à %H h %M")
