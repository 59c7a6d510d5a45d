"""Two app servers behind one proxy: real gunicorn processes, real HTTP, one PostgreSQL and one Redis.

Each test starts two `gunicorn hub.wsgi` processes (instances A and B) with the production settings
(DJANGO_DEBUG=0, static files collected once for the module, with hashed names) on the pytest-django test
database, where rows are committed for real (transactional_db) so that they cross processes both ways. With
Redis reachable on 127.0.0.1:6379 both instances share it under a cache prefix of their own; without it the
tests that need a shared cache are skipped (sessions then live in the shared database, as in production
without Redis).

A browser is a urllib opener with a cookie jar: cookies are scoped by host, not port, so one jar talks to
both instances exactly as a browser behind the proxy would. Like the proxy, it sends the public host name
(PROXY_HOST) to both: the page cache keys pages by host, so instances share pages only under one name.
Redirects are never followed.
"""

import gzip
import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from parcours.models import Parcours, Status, StepProgress
from parcours.outline import depth_includes, resolve_depth
from resources.models import Lever
from tests.html_forms import forms_in
from tests.shipped import restore

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
SECRET_KEY = "instances-test-only-" + "k" * 50
PROXY_HOST = "hub.test"
# Production's first hasher: the test settings' MD5 one is unknown to the app servers, whose check would fail.
PRODUCTION_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
ONE_YEAR = 365 * 24 * 60 * 60
HASHED = re.compile(r"\.[0-9a-f]{12}\.(?:css|js|svg)$")


def _redis_reachable():
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5):
            return True
    except OSError:
        return False


REDIS = _redis_reachable()
# In CI Redis is always there (.ci/run starts it): a missing one is a failure, never a skip.
requires_redis = pytest.mark.skipif(
    not REDIS and not os.environ.get("CI"),
    reason=f"Redis injoignable sur {REDIS_HOST}:{REDIS_PORT} : sans cache partagé, ce scénario n’a pas d’objet "
    "(en CI Redis est toujours là).",
)

pytestmark = pytest.mark.postgres_only(
    reason="Les serveurs gunicorn doivent partager la base de test : PostgreSQL seulement."
)


# --- HTTP: a browser made of urllib and a cookie jar -------------------------------------------------------------


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError: the test sees the 3xx itself


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    @property
    def cache(self):
        return self.headers.get("X-Hub-Cache")

    def __repr__(self):
        return f"<Response {self.status} {self.headers.get('Location', '')} cache={self.cache}>"


class Browser:
    """One visitor: a cookie jar shared by every instance (cookies are per host, not per port)."""

    def __init__(self, host=PROXY_HOST):
        self.host = host
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar), _NoRedirect())

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def request(self, url, data=None, headers=None):
        body = urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Host": self.host, **(headers or {})}
        request = Request(url, data=body, headers=headers, method="POST" if data is not None else "GET")
        try:
            with self.opener.open(request, timeout=30) as answer:
                return Response(answer.status, answer.headers, answer.read())
        except HTTPError as error:
            with error:
                return Response(error.code, error.headers, error.read())

    def get(self, url, headers=None):
        return self.request(url, headers=headers)

    def post(self, url, data, headers=None):
        return self.request(url, data=data, headers=headers)


def forms_of(page):
    return forms_in(page.text)


def form_where(page, **wanted):
    """The one form whose attributes (action=…, id=…) match, or whose fields include ``field``."""
    field = wanted.pop("field", None)
    for form in forms_of(page):
        if all(form["attrs"].get(k) == v for k, v in wanted.items()) and (
            field is None or field in dict(form["fields"])
        ):
            return form
    raise AssertionError(f"Aucun formulaire {wanted or ''} {field or ''} dans la page ({page}):\n{page.text[:3000]}")


def csrf_token(page, **wanted):
    return dict(form_where(page, **wanted)["fields"])["csrfmiddlewaretoken"]


# --- The two app servers -----------------------------------------------------------------------------------------


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url():
    """The pytest-django test database, as the app servers read it from DATABASE_URL."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    host = (db["HOST"] or "") + (f":{db['PORT']}" if db["PORT"] else "")
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


def _production_env(static_root, **values):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "HUB_")) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="hub.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS=PROXY_HOST,
        DJANGO_HTTPS="0",
        DJANGO_STATIC_ROOT=str(static_root),
        **values,
    )
    return env


class Server:
    """One `gunicorn hub.wsgi --workers 1` on a free port of the loopback, its output in a file."""

    def __init__(self, name, env, log_dir):
        self.name, self.port = name, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"gunicorn-{name}.log"
        self._log = open(self.log_path, "wb")  # closed in stop()
        # No control socket: two instances (and parallel runs) would fight over the default ~/.gunicorn path.
        command = [
            str(GUNICORN), "hub.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{self.port}", "--no-control-socket",
            "--access-logfile", "-",  # every request in the log shown on failure
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, deadline):
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn {self.name} s’est arrêté (code {self.process.returncode}) :\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.05)
                continue
            if Browser().get(f"{self.url}/robots.txt").status == 200:
                return
            time.sleep(0.05)
        pytest.fail(f"gunicorn {self.name} ne répond pas sur {self.url} :\n{self.log()}")

    def interrupt(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown

    def stop(self):
        self.interrupt()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        self._log.close()


class Instances:
    def __init__(self, a, b):
        self.a, self.b = a, b


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """`collectstatic` once, with the production storage (hashed names, .gz files)."""
    root = tmp_path_factory.mktemp("static")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=_production_env(root), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "staticfiles.json").exists()
    return root


def _forget_redis_keys(prefix):
    """Every key of this run's cache prefix (Django writes them as « prefix:version:key »), nothing else."""
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=0)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _start_instances(request, static_root, log_dir, shipped_rows):
    """Start A and B (writing the shipped content meanwhile if given), stop them whatever happens."""
    values = {"DATABASE_URL": _database_url()}
    prefix = f"hub-inst-{uuid.uuid4().hex}"
    if REDIS:
        values.update(REDIS_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/0", HUB_CACHE_PREFIX=prefix)
    else:
        # Each instance's own memory: the page cache still runs on A (production turns it off without Redis).
        values["HUB_PAGE_CACHE_SECONDS"] = "600"
    env = _production_env(static_root, **values)
    failed_before = request.session.testsfailed
    servers = []
    try:
        for name in ("A", "B"):  # one by one: if B cannot start, A is still stopped below
            servers.append(Server(name, env, log_dir))
        if shipped_rows is not None:  # committed before the first request; the servers boot meanwhile
            restore(shipped_rows)  # what `load_content` writes (tests/shipped.py)
        deadline = time.monotonic() + 30
        for server in servers:
            server.wait_ready(deadline)
        yield Instances(*servers)
    finally:
        for server in servers:
            server.interrupt()
        for server in servers:
            server.stop()
        if REDIS:
            _forget_redis_keys(prefix)
        if servers and request.session.testsfailed > failed_before:
            # Written past the capture: pytest does not show what a passing teardown prints.
            capture = request.config.pluginmanager.getplugin("capturemanager")
            with capture.global_and_fixture_disabled():
                for server in servers:
                    sys.stderr.write(f"\n----- gunicorn {server.name} ({server.url}) -----\n{server.log()}")


# Two fresh servers for each test (about half a second): transactional_db empties the database after each
# test, and content types, vocabularies… come back under new ids that long-lived processes would not know.


@pytest.fixture
def hub(request, transactional_db, static_root, tmp_path):
    """Instances A and B on the committed test database, without content (pages that need none)."""
    yield from _start_instances(request, static_root, tmp_path, shipped_rows=None)


@pytest.fixture
def hub_with_content(request, transactional_db, static_root, tmp_path, shipped_rows):
    """Instances A and B, with the shipped vocabularies, fiches and parcours (`load_content`) committed."""
    yield from _start_instances(request, static_root, tmp_path, shipped_rows=shipped_rows)


# --- Scenario helpers ---------------------------------------------------------------------------------------------


def make_user(django_user_model, name, staff=False):
    """An account (committed: the servers read it), its password hashed the way production hashes them."""
    users = django_user_model.objects
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        create = users.create_superuser if staff else users.create_user
        return create(username=f"{name}@example.org", email=f"{name}@example.org", password=f"pw-{name}-4821")


def password_of(user):
    return f"pw-{user.username.split('@')[0]}-4821"


def site_login(browser, server, email, password):
    page = browser.get(server.url + reverse("accounts:login"))
    assert page.status == 200, page
    fields = dict(form_where(page, field="password")["fields"])
    return browser.post(
        server.url + reverse("accounts:login"),
        {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"], "next": fields.get("next", ""),
         "username": email, "password": password},
    )


def logged_in(django_user_model, server, name):
    user = make_user(django_user_model, name)
    browser = Browser()
    answer = site_login(browser, server, user.email, password_of(user))
    assert answer.status == 302, (answer, answer.text[:2000])
    assert answer.headers["Location"] == reverse("hub:dashboard")
    return user, browser


def first_step():
    """The first step of the first parcours at its first level, and how many steps that level counts."""
    parcours = Parcours.objects.filter(steps__isnull=False).distinct().order_by("order", "pk").first()
    steps = list(parcours.steps.all())
    depth = resolve_depth(steps)
    in_depth = [step for step in steps if depth_includes(depth, step)]
    return parcours, in_depth[0], len(in_depth)


def progress_of(page):
    """(done, total) from « 1 sur 8 étapes »."""
    found = re.search(r"(\d+) sur (\d+) étapes?", page.text)
    assert found, f"Pas de progression « n sur N étapes » dans la page :\n{page.text[:3000]}"
    return int(found[1]), int(found[2])


LOGOUT_BUTTON = "Se déconnecter"


# --- The scenarios ------------------------------------------------------------------------------------------------


def test_progress_made_on_one_instance_shows_on_the_other(hub_with_content, django_user_model):
    hub = hub_with_content
    parcours, step, total = first_step()
    user, browser = logged_in(django_user_model, hub.a, "alice")
    assert browser.cookie("sessionid")

    # The very first request B ever gets from this browser is already logged in: the session is shared.
    step_url = reverse("parcours:step", args=[parcours.slug, step.slug])
    status_url = reverse("parcours:step_status", args=[parcours.slug, step.slug])
    page = browser.get(hub.b.url + step_url)
    assert page.status == 200, page
    assert LOGOUT_BUTTON in page.text
    done = browser.post(
        hub.b.url + status_url,
        # The status buttons belong to the notes form (they send the note with the status).
        {"csrfmiddlewaretoken": csrf_token(page, id="notes-form"), "statut": Status.DONE.value},
    )
    assert done.status == 302, (done, done.text[:2000])

    outline_page = browser.get(hub.a.url + parcours.get_absolute_url())
    assert outline_page.status == 200
    assert progress_of(outline_page) == (1, total)
    dashboard = browser.get(hub.a.url + reverse("hub:dashboard"))
    assert progress_of(dashboard) == (1, total)
    assert html.escape(parcours.title) in dashboard.text

    rows = StepProgress.objects.filter(user=user)
    assert [(row.step_id, row.status) for row in rows] == [(step.pk, Status.DONE.value)]


def test_logging_out_on_one_instance_ends_the_session_on_the_other(hub, django_user_model):
    from accounts.models import Session

    user, browser = logged_in(django_user_model, hub.a, "alice")
    account_url = reverse("accounts:account")
    account = browser.get(hub.a.url + account_url)
    assert account.status == 200 and html.escape(user.email) in account.text
    session_key = browser.cookie("sessionid")

    home = browser.get(hub.b.url + reverse("hub:home"))
    logout_url = reverse("accounts:logout")
    bye = browser.post(hub.b.url + logout_url, {"csrfmiddlewaretoken": csrf_token(home, action=logout_url)})
    assert bye.status == 302, bye

    after = browser.get(hub.a.url + account_url)
    assert after.status == 302 and after.headers["Location"].startswith(reverse("accounts:login")), after
    # Not only the browser forgetting its cookie: the old session key itself no longer opens anything on A
    # (a cached copy of the session kept by A would still let it in).
    replay = Browser().get(hub.a.url + account_url, headers={"Cookie": f"sessionid={session_key}"})
    assert replay.status == 302 and replay.headers["Location"].startswith(reverse("accounts:login")), replay
    assert not Session.objects.filter(session_key=session_key).exists()


@requires_redis
def test_a_content_change_through_the_admin_of_one_instance_shows_at_once_on_the_other(hub_with_content, django_user_model):
    hub = hub_with_content
    lever = Lever.objects.order_by("order", "pk").first()
    page_url = reverse("resources:lever_detail", args=[lever.slug])
    visitor = Browser()
    first, second = visitor.get(hub.a.url + page_url), visitor.get(hub.a.url + page_url)
    assert (first.status, first.cache, second.status, second.cache) == (200, "miss", 200, "hit")
    assert html.escape(lever.label) in second.text
    # A stored it, B serves it: the page cache is shared.
    assert visitor.get(hub.b.url + page_url).cache == "hit"

    staff = make_user(django_user_model, "charlie", staff=True)
    admin = Browser()
    login_page = admin.get(hub.b.url + "/admin/login/")
    signed_in = admin.post(
        hub.b.url + "/admin/login/",
        {"csrfmiddlewaretoken": csrf_token(login_page, field="password"), "username": staff.username,
         "password": password_of(staff), "next": "/admin/"},
    )
    assert signed_in.status == 302 and signed_in.headers["Location"] == "/admin/", (signed_in, signed_in.text[:2000])

    change_url = reverse("admin:resources_lever_change", args=[lever.pk])
    change_page = admin.get(hub.b.url + change_url)
    assert change_page.status == 200, change_page
    fields = form_where(change_page, id="lever_form")["fields"]
    new_label = f"Levier renommé {uuid.uuid4().hex[:8]}"
    assert ("label", lever.label) in fields
    data = [(name, new_label if name == "label" else value) for name, value in fields] + [("_save", "Enregistrer")]
    saved = admin.post(hub.b.url + change_url, data)
    assert saved.status == 302, f"{saved}: le formulaire d’administration est refusé :\n{saved.text[:5000]}"
    assert Lever.objects.get(pk=lever.pk).label == new_label

    fresh = visitor.get(hub.a.url + page_url)
    assert fresh.status == 200
    assert fresh.cache != "hit", "A sert encore la page d’avant la modification faite sur B"
    assert new_label in fresh.text
    again = visitor.get(hub.a.url + page_url)
    assert again.cache == "hit" and new_label in again.text


def test_a_logged_in_visitor_never_gets_the_anonymous_copy_of_a_page(hub, django_user_model):
    home_url = reverse("hub:home")
    visitor = Browser()
    first, cached = visitor.get(hub.a.url + home_url), visitor.get(hub.a.url + home_url)
    assert (first.status, first.cache, cached.status, cached.cache) == (200, "miss", 200, "hit")
    assert LOGOUT_BUTTON not in cached.text

    _, browser = logged_in(django_user_model, hub.b, "alice")
    mine = browser.get(hub.a.url + home_url)
    assert mine.status == 200
    assert mine.cache is None, mine  # neither served from nor stored in the shared cache
    assert LOGOUT_BUTTON in mine.text
    # … and the logged-in rendering did not replace the anonymous copy.
    anonymous = visitor.get(hub.a.url + home_url)
    assert anonymous.cache == "hit" and LOGOUT_BUTTON not in anonymous.text


def test_two_people_never_see_each_others_space_across_instances(hub_with_content, django_user_model):
    hub = hub_with_content
    parcours, step, _ = first_step()
    alice, alice_browser = logged_in(django_user_model, hub.a, "alice")
    bob, bob_browser = logged_in(django_user_model, hub.b, "bob")

    secret = f"Note privée d’Alice {uuid.uuid4().hex}"
    note_url = reverse("parcours:step_note", args=[parcours.slug, step.slug])
    page = alice_browser.get(hub.b.url + reverse("parcours:step", args=[parcours.slug, step.slug]))
    written = alice_browser.post(
        hub.b.url + note_url, {"csrfmiddlewaretoken": csrf_token(page, action=note_url), "note": secret}
    )
    assert written.status == 302, (written, written.text[:2000])

    dashboard_url = reverse("hub:dashboard")
    for server in (hub.a, hub.b):
        own = alice_browser.get(server.url + dashboard_url)
        assert own.status == 200 and html.escape(secret) in own.text, f"Alice ne voit pas sa note sur {server.name}"
        other = bob_browser.get(server.url + dashboard_url)
        assert other.status == 200 and other.cache is None
        assert html.escape(secret) not in other.text, f"Bob voit la note d’Alice sur {server.name}"
        assert "Aucun parcours en cours" in other.text
        account = bob_browser.get(server.url + reverse("accounts:account"))
        assert html.escape(bob.email) in account.text and html.escape(alice.email) not in account.text


def test_the_log_in_limits_are_shared_by_the_instances(hub, django_user_model):
    user = make_user(django_user_model, "alice")
    login_url = reverse("accounts:login")
    browser = Browser()
    token = csrf_token(browser.get(hub.a.url + login_url), field="password")
    for attempt in range(3):  # then the slow-down: 30 s before the 4th try
        wrong = browser.post(
            hub.a.url + login_url, {"csrfmiddlewaretoken": token, "username": user.email, "password": "mauvais"}
        )
        assert wrong.status == 400, (attempt, wrong)

    token = csrf_token(browser.get(hub.b.url + login_url), field="password")
    refused = browser.post(
        hub.b.url + login_url, {"csrfmiddlewaretoken": token, "username": user.email, "password": password_of(user)}
    )
    assert refused.status == 429, f"{refused}: B ignore les échecs comptés par A"
    assert "Trop de tentatives" in refused.text
    assert browser.cookie("sessionid") is None


def _get_static(server, url, gzip_ok):
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    return Browser().get(server.url + url, headers=headers)


def _max_age(answer):
    found = re.search(r"max-age=(\d+)", answer.headers.get("Cache-Control", ""))
    assert found, answer.headers
    return int(found[1])


def _assert_served_forever_and_gzipped(server, url, static_root, content_type):
    zipped = _get_static(server, url, gzip_ok=True)
    assert zipped.status == 200, (url, zipped)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Content-Type"].startswith(content_type)
    assert "Accept-Encoding" in zipped.headers.get("Vary", "")
    cache_control = zipped.headers["Cache-Control"]
    assert _max_age(zipped) >= ONE_YEAR and "immutable" in cache_control and "public" in cache_control
    plain = _get_static(server, url, gzip_ok=False)
    assert plain.status == 200 and plain.headers.get("Content-Encoding") is None
    assert gzip.decompress(zipped.body) == plain.body == (static_root / url.removeprefix("/static/")).read_bytes()


def test_static_files_are_served_as_in_production(hub, static_root):
    home = Browser().get(hub.a.url + reverse("hub:home"))
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', home.text)
    assert stylesheets and all(href.startswith("/static/") and HASHED.search(href) for href in stylesheets), stylesheets
    base = next(href for href in stylesheets if re.fullmatch(r"/static/css/base\.[0-9a-f]{12}\.css", href))
    _assert_served_forever_and_gzipped(hub.a, base, static_root, "text/css")

    # The unhashed name still answers (a cached old page may ask for it), for a minute only: never immutable.
    unhashed = _get_static(hub.a, "/static/css/base.css", gzip_ok=True)
    assert unhashed.status == 200
    assert unhashed.headers["Cache-Control"] == "max-age=60, public"  # WhiteNoiseMiddleware's default without debug
    assert gzip.decompress(unhashed.body) == (static_root / "css/base.css").read_bytes()

    catalogue = Browser().get(hub.a.url + reverse("resources:fiche_list"))
    scripts = re.findall(r'<script src="([^"]+)"', catalogue.text)
    script = next(src for src in scripts if src.startswith("/static/js/catalogue."))
    assert HASHED.search(script), script
    _assert_served_forever_and_gzipped(hub.a, script, static_root, "text/javascript")

    # The favicon address of the pages that declare none leads to the hashed file, which B serves as well.
    icon = Browser().get(hub.a.url + "/favicon.ico")
    assert icon.status == 301 and HASHED.search(icon.headers["Location"]), icon
    assert _get_static(hub.b, icon.headers["Location"], gzip_ok=False).status == 200
    assert _get_static(hub.a, "/static/css/nothing-here.css", gzip_ok=False).status == 404
