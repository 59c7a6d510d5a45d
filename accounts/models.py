"""What the hub keeps about a person besides their work: an optional profile."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models

from resources.models import ActorProfile, Region


class Profile(models.Model):
    """Optional: the name printed on attestations, and what suggests fiches in « Mon espace »."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name="compte"
    )
    display_name = models.CharField("nom affiché", max_length=150, blank=True)
    actor_profile = models.ForeignKey(
        ActorProfile, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="type d’organisation"
    )
    region = models.ForeignKey(Region, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="région")

    class Meta:
        verbose_name = "profil"
        verbose_name_plural = "profils"


class AttemptCount(models.Model):
    """Recent failed password checks under one key (an account from one address, an address, an account), for the
    log-in limits of accounts/throttle.py. In the database, not the cache: the limits hold while Redis is away,
    and each count changes under a row lock, so parallel attempts cannot slip past a limit."""

    key = models.CharField("clé", max_length=64, primary_key=True)  # an HMAC: no address or e-mail in clear
    account = models.CharField("compte", max_length=64, blank=True, db_index=True)  # HMAC too; a reset clears
    count = models.PositiveIntegerField("échecs", default=0)
    last_at = models.DateTimeField("dernier échec")
    expires_at = models.DateTimeField("oublié le", db_index=True)

    class Meta:
        verbose_name = "compteur d’échecs de connexion"
        verbose_name_plural = "compteurs d’échecs de connexion"


class Session(AbstractBaseSession):
    """Django's database session, plus the account it is logged in to, so that one query reads both
    (accounts.sessions). The account is only a shortcut: the session's data stays what says who is logged in, and
    Django's checks (the backend, the password hash) still run on every request."""

    # No database constraint: a session saved at the end of a request whose account was deleted during it must not
    # fail; the ORM still deletes an account's sessions with it (CASCADE), and a stale id reads as no account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, db_constraint=False,
        related_name="+", verbose_name="compte",
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = "session"
        verbose_name_plural = "sessions"

    @classmethod
    def get_session_store_class(cls):
        return import_module(settings.SESSION_ENGINE).SessionStore  # accounts.sessions, which imports this module
