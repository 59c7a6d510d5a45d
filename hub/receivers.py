"""Wiring across apps: what a visitor did before logging in joins their account."""

from django.contrib import messages

from diagnostic.ownership import SESSION_KEY as DIAGNOSTIC_SESSION_KEY
from diagnostic.ownership import session_ids, visitor_key_at_login
from diagnostic.services import diagnostic_claim_session
from parcours.services import progress_merge_session
from parcours.tracking import SESSION_KEY as PROGRESS_SESSION_KEY
from parcours.usage_services import SESSION_KEY as USAGE_SESSION_KEY
from parcours.usage_services import kept_paths_merge_session


def merge_visitor_work(sender, request, user, **kwargs):
    """``user_logged_in``: the visitor's progress, kept parcours d'usage and diagnostics become the account's.

    Django keeps the session's data when login() cycles its key, so they are still there. Every log-in sends the
    signal (sign-up, log-in page, admin, tests' force_login): a request without messages gets none.
    """
    if request is None or not hasattr(request, "session"):
        return
    merged = progress_merge_session(user=user, data=request.session.get(PROGRESS_SESSION_KEY))
    request.session.pop(PROGRESS_SESSION_KEY, None)  # only once merged: a failure keeps the visitor's data
    if merged:
        messages.info(
            request,
            f"Votre progression sur cet appareil a été ajoutée à votre compte ({merged} étape{'s' if merged > 1 else ''}).",
            fail_silently=True,
        )
    kept = kept_paths_merge_session(user=user, data=request.session.get(USAGE_SESSION_KEY))
    request.session.pop(USAGE_SESSION_KEY, None)
    if kept:
        messages.info(
            request,
            "Le parcours d’usage gardé sur ce navigateur a été ajouté à votre compte." if kept == 1 else
            f"Les {kept} parcours d’usage gardés sur ce navigateur ont été ajoutés à votre compte.",
            fail_silently=True,
        )
    claimed = diagnostic_claim_session(
        user=user, visitor_key=visitor_key_at_login(request), ids=session_ids(request.session)
    )
    request.session.pop(DIAGNOSTIC_SESSION_KEY, None)
    if claimed == 1:
        messages.info(
            request, "Votre diagnostic «\u00a0Mon modèle socio-économique\u00a0» a été rattaché à votre compte.",
            fail_silently=True,
        )
    elif claimed:
        messages.info(
            request,
            f"Vos {claimed} diagnostics «\u00a0Mon modèle socio-économique\u00a0» ont été rattachés à votre compte.",
            fail_silently=True,
        )
