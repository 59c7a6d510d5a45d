"""The floor view of `make bench`: what any page costs before it does any work of its own."""

from django.http import HttpResponse


def floor(request):
    # Who is asking: nothing for a visitor without a session; the session and the person for a member.
    who = "membre" if request.user.is_authenticated else "visiteur"
    return HttpResponse(f"<!doctype html><html lang=\"fr\"><title>Plancher</title><p>{who}</p></html>")
