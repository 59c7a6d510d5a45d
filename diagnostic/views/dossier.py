"""The « dossier de gouvernance » (to be written)."""

from django.http import Http404


def dossier(request, pk):
    raise Http404


def dossier_pdf(request, pk):
    raise Http404
