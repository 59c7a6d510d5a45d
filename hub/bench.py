"""The floor view of `make bench`: what any page costs before it does any work of its own."""

from django.http import HttpResponse


def floor(request):
    return HttpResponse("<!doctype html><html lang=\"fr\"><title>Plancher</title><p>ok</p></html>")
