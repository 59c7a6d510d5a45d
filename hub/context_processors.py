from django.conf import settings


def site(request):
    """Site-wide values every template may use."""
    return {"site_name": settings.SITE_NAME, "contact_email": settings.HUB_CONTACT_EMAIL}
