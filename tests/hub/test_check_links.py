"""``check_links`` against a web server of the test's own (127.0.0.1, never the internet): what it stores, where
each address is used, a rerun, addresses gone, the stale-only runs and the rate it keeps (on a fake clock)."""

import threading
from itertools import pairwise
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from hub import link_checker
from core.content_cache import content_version
from hub.link_checker import Throttle
from hub.link_sources import collect_links, content_link_models
from resources.models import FicheSource, LinkCheck, Region
from tests.factories import make_event, make_fiche, make_parcours, make_reference, make_step, make_vocabulary
from tests.smtp import free_port

pytestmark = pytest.mark.django_db

TIMEOUT = 0.2


class Handler(BaseHTTPRequestHandler):
    """/ok 200, /missing 404, /error 500, /moved → /ok, /loop → /loop, /head-refused (405 to HEAD, 200 to GET),
    /slow (no answer before the client's timeout)."""

    def do_HEAD(self):
        self.server.requests.append(("HEAD", self.path))
        if self.path == "/head-refused":
            return self.answer(405)
        self.route()

    def do_GET(self):
        self.server.requests.append(("GET", self.path))
        self.route()

    def route(self):
        path = self.path.partition("?")[0]
        if path == "/slow":
            self.server.release.wait(2)  # the client gave up long before; released at teardown
            return self.answer(200)
        if path == "/moved":
            return self.answer(302, Location="/ok")
        if path == "/loop":
            return self.answer(301, Location="/loop")
        codes = {"/ok": 200, "/head-refused": 200, "/missing": 404, "/error": 500}
        self.answer(codes.get(path, 404))

    def answer(self, code, **headers):
        try:
            self.send_response(code)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except OSError:  # the client closed first (/slow)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def web():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.requests, server.release = [], threading.Event()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def site(web):
    web.requests.clear()
    return f"http://127.0.0.1:{web.server_address[1]}"


class FakeClock:
    """Time that passes only when someone sleeps: the schedule is measured, never waited for."""

    def __init__(self):
        self.now = 0.0
        self.lock = threading.Lock()

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        with self.lock:
            self.now += seconds


@pytest.fixture
def slots(monkeypatch):
    """Every start time the command's throttle hands out, as (host, time), on a fake clock."""
    taken = []
    clock = FakeClock()

    class RecordingThrottle(Throttle):
        def __init__(self, **kwargs):
            super().__init__(**kwargs, clock=clock, sleep=clock.sleep)

        def wait(self, host):
            slot = super().wait(host)
            taken.append((host, slot))
            return slot

    monkeypatch.setattr("hub.management.commands.check_links.Throttle", RecordingThrottle)
    return taken


def run(*args):
    out = StringIO()
    with override_settings(HUB_LINK_CHECK_TIMEOUT=TIMEOUT, HUB_LINK_CHECK_RATE=1000, HUB_LINK_CHECK_HOST_DELAY=0):
        call_command("check_links", *args, stdout=out)
    return out.getvalue()


def checks():
    return {check.url: check for check in LinkCheck.objects.all()}


def content(site):
    """One address of each kind of answer, each written somewhere else in the content."""
    closed = f"http://127.0.0.1:{free_port()}/"
    fiche = make_fiche(
        title="Le mécénat",
        body=f"[Guide]({site}/ok) et [ancien]({site}/missing#partie), [écrire](mailto:a@example.org), "
        f"[la liste](/fiches/).",
    )
    FicheSource.objects.create(fiche=fiche, kind=FicheSource.Kind.INFERENCE, label="Déduit", url=f"{site}/error")
    reference = make_reference(url=f"{site}/moved")
    make_reference(url=f"{site}/loop")
    region = make_vocabulary(Region, label="Bretagne", source_url=f"{site}/head-refused")
    event = make_event(title="Jeudi de l’ODD 17", online_url=closed, replay_url=f"{site}/slow")
    parcours = make_parcours(source_url=f"{site}/ok")
    step = make_step(parcours, title="Première étape", body=f"Voir [la page]({site}/missing).")
    return {"fiche": fiche, "reference": reference, "region": region, "event": event, "parcours": parcours,
            "step": step, "closed": closed}


def test_every_address_of_the_content_is_checked_once_and_stored_with_where_it_is_used(site, web, slots):
    objects = content(site)

    out = run()

    found = checks()
    assert {url: (check.status, check.code) for url, check in found.items()} == {
        f"{site}/ok": ("ok", 200),
        f"{site}/missing": ("broken", 404),
        f"{site}/error": ("broken", 500),
        f"{site}/moved": ("ok", 200),
        f"{site}/head-refused": ("ok", 200),
        f"{site}/slow": ("unreachable", None),
        f"{site}/loop": ("unreachable", None),
        objects["closed"]: ("unreachable", None),
    }
    assert found[f"{site}/missing"].reason == "page introuvable"
    assert found[f"{site}/slow"].reason == "aucune réponse en 0,2\u00a0s"
    assert found[objects["closed"]].reason == "connexion refusée"
    assert found[f"{site}/loop"].reason == "plus de 5\u00a0redirections"
    assert web.requests.count(("HEAD", "/loop")) == 6
    assert found[f"{site}/missing"].failures == 1 and found[f"{site}/missing"].first_failed_at is not None
    assert found[f"{site}/ok"].first_failed_at is None
    # HEAD first, GET only when HEAD is refused; the redirect followed; /ok asked once for two places.
    assert web.requests.count(("HEAD", "/ok")) == 2  # itself, and the end of /moved
    assert ("GET", "/head-refused") in web.requests and ("GET", "/ok") not in web.requests
    assert len(slots) == len(web.requests) + 1  # every request went through the throttle (+1: the closed port)
    fiche, step = objects["fiche"], objects["step"]
    assert found[f"{site}/missing"].used_in == [
        {"model": "resources.fiche", "pk": fiche.pk, "anchor": "", "label": "Fiche «\u00a0Le mécénat\u00a0»",
         "field": "corps (Markdown)"},
        {"model": "parcours.step", "pk": step.pk, "anchor": "", "label": "Étape «\u00a0Première étape\u00a0»",
         "field": "contenu (Markdown)"},
    ]
    assert found[f"{site}/error"].used_in[0] | {"pk": None} == {
        "model": "resources.fiche", "pk": None, "anchor": "sources-group", "label": "Fiche «\u00a0Le mécénat\u00a0»",
        "field": "source\u00a0: adresse",
    }
    assert [place["model"] for place in found[f"{site}/slow"].used_in] == ["rendezvous.event"]
    assert out.strip() == ("8 adresses vérifiées (3 valides, 2 cassées, 3 injoignables), 0 déjà vérifiée récemment, "
                           "0 retirée des contenus.")


def test_a_rerun_changes_nothing_but_the_count_of_failures_and_addresses_gone_disappear(site, web, slots):
    objects = content(site)
    run()
    before = {url: (check.status, check.code, check.reason, check.first_failed_at, check.used_in)
              for url, check in checks().items()}

    run()

    after = checks()
    assert {url: (check.status, check.code, check.reason, check.first_failed_at, check.used_in)
            for url, check in after.items()} == before
    assert after[f"{site}/missing"].failures == 2 and after[f"{site}/ok"].failures == 0

    objects["reference"].url = ""
    objects["reference"].save()
    objects["event"].delete()
    out = run("--only-stale")

    assert set(checks()) == {f"{site}/ok", f"{site}/missing", f"{site}/error", f"{site}/head-refused", f"{site}/loop"}
    assert out.strip().endswith("3 retirées des contenus.")


def test_a_stale_only_run_asks_again_about_failing_links_and_old_ones_only(site, web, slots):
    make_fiche(body=f"[a]({site}/ok) [b]({site}/missing) [c]({site}/head-refused)")
    run()
    LinkCheck.objects.filter(url=f"{site}/head-refused").update(checked_at=LinkCheck.objects.get(
        url=f"{site}/head-refused").checked_at.replace(year=2020))
    web.requests.clear()

    out = run("--older-than", "30")

    assert sorted(path for _method, path in web.requests) == ["/head-refused", "/head-refused", "/missing"]
    assert out.strip().startswith("2 adresses vérifiées (1 valide, 1 cassée, 0 injoignable), 1 déjà vérifiée")


def test_the_collector_reads_each_model_once_and_a_run_leaves_the_content_version_alone(
    site, web, slots, django_assert_num_queries
):
    for n in range(3):
        fiche = make_fiche(body=f"[a]({site}/ok?f={n}) [b](https://hub.example.org/x)")
        FicheSource.objects.create(fiche=fiche, kind=FicheSource.Kind.INFERENCE, label="Déduit", url=f"{site}/ok")
    version = content_version()

    with override_settings(HUB_SITE_URL="https://hub.example.org"):
        with django_assert_num_queries(len(content_link_models())):
            links = collect_links()
        run()

    assert sorted(links) == [f"{site}/ok", *(f"{site}/ok?f={n}" for n in range(3))]  # the hub's own link left out
    assert LinkCheck.objects.count() == 4
    assert content_version() == version  # checks are not content: no cached page is dropped


def test_a_negative_number_of_days_is_refused_with_a_message():
    with pytest.raises(CommandError, match="positif"):
        call_command("check_links", "--older-than", "-1", stdout=StringIO())


def test_requests_keep_to_the_rate_overall_and_to_the_pause_per_site(site, web, slots):
    other_site = site.replace("127.0.0.1", "localhost")  # the same server under a second name: a second site
    make_fiche(body=" ".join(f"[{n}]({base}/ok?n={n})" for n in range(4) for base in (site, other_site)))

    with override_settings(HUB_LINK_CHECK_RATE=4, HUB_LINK_CHECK_HOST_DELAY=1):
        call_command("check_links", stdout=StringIO())

    assert LinkCheck.objects.filter(status="ok").count() == 8 and len(slots) == 8
    times = sorted(time for _host, time in slots)
    assert all(later - earlier >= 0.25 - 1e-9 for earlier, later in pairwise(times))
    for host in {host for host, _time in slots}:
        mine = sorted(time for other, time in slots if other == host)
        assert len(mine) == 4 and all(later - earlier >= 1 - 1e-9 for earlier, later in pairwise(mine))


def test_the_reasons_for_no_answer_are_said_in_french():
    import socket
    import ssl
    import urllib.error

    reason = link_checker.unreachable_reason
    assert reason(urllib.error.URLError(socket.gaierror(-2, "Name or service not known")), 10) == (
        "nom de domaine introuvable")
    assert reason(urllib.error.URLError(ssl.SSLCertVerificationError(1, "bad")), 10) == "certificat TLS invalide"
    assert reason(TimeoutError("timed out"), 10) == "aucune réponse en 10\u00a0s"
    assert link_checker.by_alternate_host(["http://a/1", "http://a/2", "http://b/1"]) == [
        "http://a/1", "http://b/1", "http://a/2"]
