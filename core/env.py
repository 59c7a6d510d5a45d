"""Strict readers of environment variables: a bad value stops the start with a message naming it."""

import os
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} doit valoir 1/0, true/false, yes/no ou on/off (reçu : {raw!r}).")


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} est vide : donnez au moins une valeur, séparées par des virgules.")
    return items


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} doit être un nombre entier (reçu : {raw!r}).") from None


def env_site_url(name, default):
    """A site's public address, ``https://hub.example.org`` or ``http://127.0.0.1:8000``: scheme and host only.

    Links sent by e-mail start with it; a path, a query or credentials would end up in every link, so they are
    refused rather than dropped.
    """
    raw = os.environ.get(name)
    value = default if raw is None else raw.strip()
    parsed = urlparse(value.rstrip("/"))
    try:
        port_ok = parsed.port is None or 0 < parsed.port
    except ValueError:  # « :http », or a port above 65535
        port_ok = False
    if parsed.scheme not in {"http", "https"} or not parsed.hostname or parsed.username or parsed.password or not port_ok:
        raise ImproperlyConfigured(f"{name} doit être une adresse http(s)://nom-du-site[:port] (reçu : {value!r}).")
    if parsed.path or parsed.params or parsed.query or parsed.fragment:
        raise ImproperlyConfigured(f"{name} : seulement le protocole et le nom du site, sans chemin (reçu : {value!r}).")
    return f"{parsed.scheme}://{parsed.netloc.lower()}"


def parse_database_url(url, *, base_dir):
    """Turn ``sqlite:///relative.db``, ``sqlite:////abs.db`` or ``postgres://user:pw@host:port/name`` into DATABASES."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        relative = unquote(parsed.path)[1:]
        if not relative:
            raise ImproperlyConfigured("DATABASE_URL : un chemin de fichier est attendu après sqlite:///.")
        name = relative if relative.startswith("/") else str(base_dir / relative)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
    if parsed.scheme in {"postgres", "postgresql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL : le nom de la base manque (postgres://hôte:port/nom).")
        try:
            port = parsed.port
        except ValueError:
            raise ImproperlyConfigured("DATABASE_URL : le port n’est pas un nombre.") from None
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL : schéma {parsed.scheme or '(aucun)'!r} non pris en charge ; "
        "utilisez sqlite:///chemin.db ou postgres://utilisateur@hôte:port/base."
    )
