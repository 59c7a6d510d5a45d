from django.conf import settings


def _nav_current(request):
    """The entry of the header's main menu that the page belongs to (``aria-current``), or ""."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    name, namespace = match.url_name, match.namespace
    if request.path == "/outils/":
        return "outils"
    if name in ("referentiel", "dashboard"):
        return name
    if name == "fiche_list":
        return "fiches"
    return {("hub", "usage"): "usage", ("parcours", "list"): "parcours", ("diagnostic", "index"): "diagnostic",
            ("rendezvous", "agenda"): "agenda"}.get((namespace, name), "")


def site(request):
    """Site-wide values every template may use. ``nav_current`` says which entry of the main menu is the page's:
    the menu is then rendered once per entry ({% remembered %} in _header.html)."""
    return {"site_name": settings.SITE_NAME, "contact_email": settings.HUB_CONTACT_EMAIL,
            "nav_current": _nav_current(request)}
