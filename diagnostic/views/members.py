"""Members of a space and invitations (to be written)."""

from django.http import Http404


def members(request, pk):
    raise Http404


def role(request, pk, member_pk):
    raise Http404


def remove(request, pk, member_pk):
    raise Http404


def leave(request, pk):
    raise Http404


def resend(request, pk, invitation_pk):
    raise Http404


def withdraw(request, pk, invitation_pk):
    raise Http404


def accept(request, token):
    raise Http404
