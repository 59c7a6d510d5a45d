"""Whose diagnostic is it: an account's, or a visitor's (its id kept in their session)."""

from django.http import Http404

from diagnostic.models import Organisation

SESSION_KEY = "hub_diagnostics"


def session_ids(session):
    ids = session.get(SESSION_KEY)
    return [pk for pk in ids if type(pk) is int] if isinstance(ids, list) else []


def organisations_for(request):
    """The organisations this person may see: theirs, or those created in this browser without an account."""
    if request.user.is_authenticated:
        return Organisation.objects.filter(user=request.user)
    return Organisation.objects.filter(pk__in=session_ids(request.session), user__isnull=True)


def get_organisation_for(request, pk):
    """The organisation, or a 404 for anyone else (another account, another browser, a forged id)."""
    organisation = organisations_for(request).select_related("actor_profile", "region").filter(pk=pk).first()
    if organisation is None:
        raise Http404("Diagnostic introuvable")
    return organisation


def remember_in_session(session, organisation):
    session[SESSION_KEY] = [*session_ids(session), organisation.pk]
