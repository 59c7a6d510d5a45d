import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_int, env_list, env_site_url, parse_database_url

ROOT = Path(__file__).resolve().parents[2]


def test_bool_reader_accepts_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False


def test_bool_reader_rejects_garbage_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("X_FLAG", "peut-être")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_missing_bool_gives_the_default(monkeypatch):
    monkeypatch.delenv("X_FLAG", raising=False)
    assert env_bool("X_FLAG", True) is True


def test_list_reader_splits_and_trims(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.fr, b.fr ,,")
    assert env_list("X_HOSTS", []) == ["a.fr", "b.fr"]


def test_empty_list_is_refused(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured, match="X_HOSTS"):
        env_list("X_HOSTS", [])


def test_int_reader_names_the_variable(monkeypatch):
    monkeypatch.setenv("X_AGE", "soixante")
    with pytest.raises(ImproperlyConfigured, match="X_AGE"):
        env_int("X_AGE", 0)


@pytest.mark.parametrize("raw, expected", [
    ("https://hub.example.org", "https://hub.example.org"),
    (" https://Hub.Example.org/ ", "https://hub.example.org"),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
])
def test_site_url_reader_keeps_scheme_and_host(monkeypatch, raw, expected):
    monkeypatch.setenv("X_SITE", raw)
    assert env_site_url("X_SITE", "http://ignored") == expected


@pytest.mark.parametrize("raw", [
    "hub.example.org", "ftp://hub.example.org", "https://", "https://hub.example.org/compte/", "https://hub.example.org?a=1",
    "https://moi:secret@hub.example.org", "https://hub.example.org:http", "https://hub.example.org:99999", "",
])
def test_site_url_reader_refuses_anything_but_an_address_and_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("X_SITE", raw)
    with pytest.raises(ImproperlyConfigured, match="X_SITE"):
        env_site_url("X_SITE", "http://ignored")


def test_sqlite_url_is_relative_to_the_project():
    db = parse_database_url("sqlite:///db.sqlite3", base_dir=Path("/srv/hub"))
    assert db == {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/hub/db.sqlite3"}


def test_sqlite_url_with_four_slashes_is_absolute():
    assert parse_database_url("sqlite:////var/hub.db", base_dir=Path("/srv"))["NAME"] == "/var/hub.db"


def test_postgres_url_is_parsed_with_credentials_and_options():
    db = parse_database_url("postgres://hub:s%40cret@db.local:5433/hub_prod?sslmode=require", base_dir=Path("/"))
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "hub", "s@cret", "db.local", "5433", "hub_prod"
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/hub", "postgres://localhost:5432/", "postgres://h:port/db", "sqlite:///", "nonsense"]
)
def test_bad_database_urls_are_refused_with_the_variable_named(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        parse_database_url(url, base_dir=Path("/"))


def _start_django(**env):
    """Import the real settings in a fresh interpreter, as gunicorn would at start."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='hub.settings'; django.setup()"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60,
    )


def test_production_start_without_secret_key_fails_naming_it():
    result = _start_django(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="hub.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_start_without_allowed_hosts_fails_naming_it():
    result = _start_django(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_start_with_a_bad_debug_value_fails_naming_it():
    result = _start_django(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_production_start_with_good_values_succeeds():
    result = _start_django(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="k" * 60, DJANGO_ALLOWED_HOSTS="hub.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/hub",
    )
    assert result.returncode == 0, result.stderr


def _settings_printed(statements, dropped, **env):
    """What ``statements`` print (split on spaces) once hub.settings is loaded under ``env`` alone, in a fresh
    process: the shell's own variables starting with ``dropped`` are left out."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    clean.update(env)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='hub.settings'; django.setup();"
        f"from django.conf import settings as s; {statements}"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def _email_settings(**env):
    return _settings_printed("print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)",
                             ("DJANGO_", "DATABASE_URL", "EMAIL_"), **env)


def test_development_prints_password_reset_emails_to_the_console():
    assert _email_settings(DJANGO_DEBUG="1")[0] == "django.core.mail.backends.console.EmailBackend"


def test_production_sends_email_through_the_smtp_server_of_the_environment():
    backend, host, port, tls = _email_settings(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="k" * 60, DJANGO_ALLOWED_HOSTS="hub.example.org",
        EMAIL_HOST="smtp.example.org", EMAIL_PORT="465", EMAIL_USE_TLS="0",
    )
    assert (backend, host, port, tls) == ("django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", "465", "False")


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def test_manage_py_in_a_checkout_without_secret_runs_in_development_mode():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_manage_py_with_a_secret_key_stays_in_production_mode():
    result = _manage("check", DJANGO_SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def _cache_settings(**env):
    production = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "hub.example.org"}
    return _settings_printed(
        "c = s.CACHES['default'];"
        "print(c['BACKEND'], c.get('LOCATION'), c.get('KEY_PREFIX', '-'), s.SESSION_ENGINE, s.HUB_PAGE_CACHE_SECONDS)",
        ("DJANGO_", "DATABASE_URL", "REDIS_URL", "HUB_"), **production, **env,
    )


def test_with_redis_every_app_server_shares_cache_sessions_and_pages():
    backend, location, prefix, sessions, seconds = _cache_settings(REDIS_URL="redis://cache:6379/0", HUB_CACHE_PREFIX="hub-prod")
    assert (backend, location, prefix) == ("core.redis_cache.HubRedisCache", "redis://cache:6379/0", "hub-prod")
    assert sessions == "accounts.sessions"  # a log-out is final even while Redis is away
    assert seconds == "600"


def test_without_redis_the_cache_is_the_process_own_and_pages_are_not_cached():
    backend, _, _, sessions, seconds = _cache_settings()
    assert backend == "django.core.cache.backends.locmem.LocMemCache"
    assert sessions == "accounts.sessions"  # shared through the database all the same
    assert seconds == "0"


def test_the_page_cache_duration_can_be_set_either_way():
    assert _cache_settings(HUB_PAGE_CACHE_SECONDS="120")[-1] == "120"
    assert _cache_settings(REDIS_URL="redis://cache:6379/0", HUB_PAGE_CACHE_SECONDS="0")[-1] == "0"


def _proxy_header(**env):
    production = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "hub.example.org"}
    return _settings_printed(
        "h = s.SECURE_PROXY_SSL_HEADER; print('|'.join(h) if h else '-')",
        ("DJANGO_", "DATABASE_URL", "HUB_"), **production, **env,
    )[0]


@pytest.mark.parametrize("proxies", [None, "0"])
def test_without_a_proxy_no_forwarded_header_is_trusted_for_https(proxies):
    assert _proxy_header(**({"HUB_PROXY_COUNT": proxies} if proxies else {})) == "-"


def test_behind_a_proxy_its_forwarded_proto_header_says_https():
    assert _proxy_header(HUB_PROXY_COUNT="1") == "HTTP_X_FORWARDED_PROTO|https"
    assert _proxy_header(HUB_PROXY_COUNT="1", DJANGO_HTTPS="0") == "-"  # a plain-HTTP test server


def _site_url(**env):
    return _settings_printed("print(s.HUB_SITE_URL)", ("DJANGO_", "DATABASE_URL", "HUB_"), **env)[0]


PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 60}


def test_links_in_e_mails_go_to_the_first_allowed_host_in_production_and_to_make_run_in_development():
    assert _site_url(**PRODUCTION, DJANGO_ALLOWED_HOSTS="hub.example.org,www.hub.example.org") == "https://hub.example.org"
    assert _site_url(**PRODUCTION, DJANGO_ALLOWED_HOSTS="hub.example.org", DJANGO_HTTPS="0") == "http://hub.example.org"
    assert _site_url(DJANGO_DEBUG="1") == "http://127.0.0.1:8000"
    assert _site_url(**PRODUCTION, DJANGO_ALLOWED_HOSTS="*", HUB_SITE_URL="https://hub.example.org") == "https://hub.example.org"


@pytest.mark.parametrize("env", [
    {"DJANGO_ALLOWED_HOSTS": ".example.org"},
    {"DJANGO_ALLOWED_HOSTS": "*"},
    {"DJANGO_ALLOWED_HOSTS": "hub.example.org", "HUB_SITE_URL": "https://hub.example.org/hub/"},
])
def test_production_start_without_a_usable_site_address_fails_naming_hub_site_url(env):
    result = _start_django(**PRODUCTION, **env)
    assert result.returncode != 0
    assert "HUB_SITE_URL" in result.stderr
