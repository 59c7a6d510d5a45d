"""Signed links of the rendez-vous (confirm a subscription, manage it, cancel a registration).

A token is ``django.core.signing`` over a purpose and a few values (a row's id and its nonce, kept in base: a link
dies when the nonce is redrawn or the row deleted). It says nothing readable about the person, and it expires.
"""

from django.core import signing


class TokenInvalid(Exception):
    """Forged, altered, or for another purpose: answer 404."""


class TokenExpired(Exception):
    """Genuine but too old: answer 410 with what to do."""


def token_make(purpose, *values):
    return signing.dumps(list(values), salt=f"rendezvous.{purpose}", compress=False)


def token_read(purpose, token, *, max_age):
    """The values signed in ``token`` for ``purpose``, if it is younger than ``max_age`` (a timedelta)."""
    try:
        return signing.loads(token, salt=f"rendezvous.{purpose}", max_age=max_age)
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except signing.BadSignature as error:
        raise TokenInvalid from error
