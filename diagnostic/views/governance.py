"""The 8-step method worked on together (to be written)."""

from django.http import Http404


def method(request, pk):
    raise Http404


def method_step(request, pk, step_slug):
    raise Http404


def decisions(request, pk):
    raise Http404


def comment_add(request, pk):
    raise Http404


def history(request, pk):
    raise Http404
