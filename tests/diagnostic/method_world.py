"""A small version of the 8-step method for the tests of a space's shared work: the parcours under its real slug,
``steps`` steps with ``questions`` questions for a board each, and a space with a member of each role."""

from dataclasses import dataclass

from diagnostic.method import METHOD_SLUG
from parcours.models import BoardQuestion
from tests.factories import make_member, make_parcours, make_space


def make_method(*, steps=3, questions=3):
    parcours = make_parcours(slug=METHOD_SLUG, kind="methodologique", title="Concevoir et transformer sa trajectoire",
                             steps=steps)
    for step in parcours.steps.all():
        for order in range(1, questions + 1):
            BoardQuestion.objects.create(step=step, order=order, text=f"Question {order} de {step.title}\u00a0?")
    return parcours


@dataclass
class World:
    space: object
    responsable: object
    contributor: object
    reader: object
    outsider: object


def make_world(django_user_model, *, years=()):
    """A space of « Alice Martin » (responsable), with Carol (contributrice) and Dan (lecteur); Eve is no member."""
    from accounts.models import Profile

    responsable = make_member(django_user_model, "alice")
    Profile.objects.create(user=responsable, display_name="Alice Martin")
    space = make_space(responsable=responsable, years=years, name="Les Amis du quartier")
    contributor = make_member(django_user_model, "carol", space=space, role="contributeur")
    Profile.objects.create(user=contributor, display_name="Carol Petit")
    reader = make_member(django_user_model, "dan", space=space, role="lecteur")
    outsider = make_member(django_user_model, "eve")
    return World(space, responsable, contributor, reader, outsider)


def logged_in(client, user):
    client.force_login(user)
    return client


def queries_of(client, url):
    """(the page, how many queries it cost). The log is emptied first: a request empties it when it starts
    (Django's request_started handler), so a count begun before would slice the wrong part of it."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    return response, len(context.captured_queries)
