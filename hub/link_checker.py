"""Asking a web server whether an address still answers, politely: the HTTP side of ``check_links``.

- **One request at a time per slot**: ``Throttle`` hands out start times, at most ``rate`` a second overall and
  one every ``host_delay`` seconds per host, whatever the number of threads; every request counts (a redirect hop,
  the GET after a refused HEAD).
- **HEAD first**, then GET when the server refuses HEAD (405, 403, 501: some sites answer only GET); a GET reads
  the status line and headers, never the body.
- **Redirects followed by hand** (``MAX_REDIRECTS``), each hop through the throttle; a redirect out of http(s)
  stops there.
- **A verdict, not an exception**: ``Result`` is OK (a final 2xx or 3xx), broken (4xx, 5xx: the code) or
  unreachable (no HTTP answer: the reason in French, for the admin list).

No Django model here: the command stores the results (resources.link_checks) from its own thread, the worker
threads only talk HTTP.
"""

import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

OK, BROKEN, UNREACHABLE = "ok", "broken", "unreachable"  # resources.models.LinkCheck.Status values
MAX_REDIRECTS = 5
# Threads waiting on slow servers side by side; the throttle, not their number, bounds the rate.
WORKERS = 4
HEAD_REFUSED = {403, 405, 501}
REDIRECTS = {301, 302, 303, 307, 308}
# Characters a URL may carry as they are; anything else (accents, spaces) is percent-encoded before sending.
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"

HTTP_REASONS = {
    400: "requête refusée",
    401: "authentification demandée",
    403: "accès refusé",
    404: "page introuvable",
    410: "page supprimée",
    429: "trop de requêtes",
    500: "erreur du serveur",
    502: "serveur indisponible",
    503: "serveur indisponible",
    504: "serveur indisponible",
}


@dataclass(frozen=True)
class Result:
    status: str
    code: int | None = None
    reason: str = ""


class Throttle:
    """Start times for requests: ``rate`` a second at most overall, ``host_delay`` seconds apart for one host.

    A slot is reserved under a lock, then waited for outside it: threads never wait for each other's sleep, only
    for their turn. ``clock`` and ``sleep`` are injected so that tests measure the schedule without waiting.
    """

    def __init__(self, *, rate, host_delay, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1 / rate
        self.host_delay = host_delay
        self.clock, self.sleep = clock, sleep
        self._lock = threading.Lock()
        self._next_any = float("-inf")
        self._next_for_host = defaultdict(lambda: float("-inf"))

    def wait(self, host):
        """Block until this request may start; returns the start time (on ``clock``)."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next_any, self._next_for_host[host])
            self._next_any = slot + self.interval
            self._next_for_host[host] = slot + self.host_delay
        if slot > now:
            self.sleep(slot - now)
        return slot


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect comes back as an HTTPError with its Location: ``check_url`` follows it through the throttle."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def ascii_url(url):
    """The address as it goes on the wire: the host in IDNA, accents and spaces of the path and query encoded."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"no host in {url!r}")
    host = parts.hostname.encode("idna").decode("ascii")
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=_SAFE_PATH), quote(parts.query, safe=_SAFE_QUERY), ""))


def _request(url, method, *, timeout, throttle, user_agent):
    """(status code, Location header or None) of one request."""
    request = urllib.request.Request(url, method=method, headers={"User-Agent": user_agent, "Accept": "*/*"})
    throttle.wait(urlsplit(url).netloc.lower())
    try:
        # Only http(s) addresses reach here (hub.link_sources and the redirect check below): no file:// read.
        with _opener.open(request, timeout=timeout) as response:  # nosec B310
            return response.status, None
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Location")


def check_url(url, *, timeout, throttle, user_agent):
    """The Result of one http(s) address: never raises for anything the network or the server does."""
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            wire_url = ascii_url(current)
            options = {"timeout": timeout, "throttle": throttle, "user_agent": user_agent}
            code, location = _request(wire_url, "HEAD", **options)
            if code in HEAD_REFUSED:
                code, location = _request(wire_url, "GET", **options)
        except (OSError, http.client.HTTPException, ValueError, UnicodeError) as error:
            return Result(UNREACHABLE, None, unreachable_reason(error, timeout))
        if code in REDIRECTS and location:
            current = urljoin(current, location)
            if urlsplit(current).scheme not in {"http", "https"}:
                return Result(UNREACHABLE, code, "redirigée vers une adresse qui n’est pas une page web")
            continue
        if code < 400:
            return Result(OK, code)
        return Result(BROKEN, code, HTTP_REASONS.get(code, "erreur du serveur" if code >= 500 else "refusée par le serveur"))
    return Result(UNREACHABLE, None, f"plus de {MAX_REDIRECTS}\u00a0redirections")


def unreachable_reason(error, timeout):
    """Why no HTTP answer came, in French."""
    cause = error.reason if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException) else error
    if isinstance(cause, socket.gaierror):
        return "nom de domaine introuvable"
    if isinstance(cause, TimeoutError):  # socket.timeout is TimeoutError since Python 3.10
        return f"aucune réponse en {timeout:g}\u00a0s".replace(".", ",")
    if isinstance(cause, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(cause, ssl.SSLCertVerificationError):
        return "certificat TLS invalide"
    if isinstance(cause, ssl.SSLError):
        return "échec de la connexion chiffrée (TLS)"
    if isinstance(cause, (ConnectionError, http.client.RemoteDisconnected)):
        return "connexion coupée par le serveur"
    if isinstance(cause, (ValueError, UnicodeError, http.client.InvalidURL)):
        return "adresse invalide"
    if isinstance(cause, http.client.HTTPException):
        return "réponse du serveur illisible"
    return "erreur réseau"


def check_urls(urls, *, timeout, throttle, user_agent, workers=WORKERS):
    """Yield (url, Result) as each check ends, from at most ``workers`` threads.

    The addresses are handed out one site after another (``by_alternate_host``), so that the threads are not all
    waiting for the same site's pause while others could be asked.
    """
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check-links") as pool:
        futures = {
            pool.submit(check_url, url, timeout=timeout, throttle=throttle, user_agent=user_agent): url
            for url in by_alternate_host(urls)
        }
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:  # stopped early (Ctrl-C, an error while storing): the checks not started are dropped
            pool.shutdown(wait=True, cancel_futures=True)


def by_alternate_host(urls):
    """The addresses in turns, one per site: a, b, c, a, b, a… (each site's own order kept)."""
    queues = defaultdict(list)
    for url in urls:
        queues[urlsplit(url).netloc.lower()].append(url)
    ordered, turn = [], 0
    while len(ordered) < len(urls):
        ordered += [queue[turn] for queue in queues.values() if turn < len(queue)]
        turn += 1
    return ordered
