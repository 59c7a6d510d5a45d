"""The result page reads an account's organisation and its years in SQL written once (diagnostic.access and
diagnostic.report.snapshots_of): the same rows as the ORM reads they replaced, to the people allowed and nobody
else."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.http import Http404

from diagnostic.access import OWNER, get_organisation_for, organisations_with_roles
from diagnostic.models import Membership, Role, Snapshot
from diagnostic.report import snapshots_of
from resources.models import ActorProfile, Region
from tests.factories import make_member, make_organisation, make_space, make_vocabulary

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def _orm(user, pk):
    request = SimpleNamespace(user=user)
    return organisations_with_roles(request).filter(pk=pk).select_related("actor_profile", "region").first()


def _same(user, pk):
    expected = _orm(user, pk)
    try:
        got = get_organisation_for(SimpleNamespace(user=user), pk)
    except Http404:
        got = None
    if expected is None:
        return got is None
    assert _fields(got) == _fields(expected)
    assert got.member_role == expected.member_role
    for name in ("actor_profile", "region"):
        related, wanted = getattr(got, name), getattr(expected, name)
        assert (related and _fields(related)) == (wanted and _fields(wanted))
    return True


def test_an_account_reads_what_the_orm_gives_for_every_persona(learner, other_learner, django_user_model):
    actor, region = make_vocabulary(ActorProfile, label="Association « employeuse »"), make_vocabulary(Region)
    own = make_organisation(user=learner, actor_profile=actor, region=region)
    bare = make_organisation(user=learner)
    theirs = make_organisation(user=other_learner, actor_profile=actor)
    reader = make_space(responsable=other_learner, members=[(learner, Role.READER)], region=region)
    mine = make_space(responsable=learner)
    removed = make_space(responsable=other_learner, members=[(learner, Role.CONTRIBUTOR)])
    Membership.objects.filter(organisation=removed, user=learner).delete()
    outsider = make_member(django_user_model, "dora")
    everything = [own, bare, theirs, reader, mine, removed]
    for person in (learner, other_learner, outsider):
        for organisation in everything:
            assert _same(person, organisation.pk), (person, organisation)
        assert _same(person, max(o.pk for o in everything) + 1)


def test_roles_and_refusals_are_unchanged(learner, other_learner):
    own = make_organisation(user=learner)
    reader = make_space(responsable=other_learner, members=[(learner, Role.READER)])
    request = SimpleNamespace(user=learner)
    assert get_organisation_for(request, own.pk).role == OWNER
    found = get_organisation_for(request, reader.pk)
    assert (found.role, found.can["read"], found.can["edit_figures"]) == (Role.READER, True, False)
    with pytest.raises(Http404):
        get_organisation_for(SimpleNamespace(user=other_learner), own.pk)


def test_years_are_those_of_the_orm_in_its_order(learner):
    organisation = make_organisation(user=learner, years=[
        2024, (2022, {"subsidies_state": Decimal("1234.56"), "salaried_fte": Decimal("2.5")}), 2023])
    Snapshot.objects.create(organisation=organisation, year=2027, is_target=True, gifts_companies=Decimal("10"))
    make_organisation(user=learner, years=[2021])
    got, expected = snapshots_of(organisation), list(organisation.snapshots.all())
    assert [_fields(s) for s in got] == [_fields(s) for s in expected]
    assert [(s.year, s.is_target) for s in got] == [(2022, False), (2023, False), (2024, False), (2027, True)]
    assert isinstance(got[1].subsidies_state, Decimal)


def test_the_result_page_reads_three_times_for_an_account(learner_client, learner, django_assert_max_num_queries):
    organisation = make_organisation(user=learner, years=[2023, 2024])
    learner_client.get(f"/mon-modele/{organisation.pk}/")
    with django_assert_max_num_queries(3):  # the session and account, the organisation, its years
        response = learner_client.get(f"/mon-modele/{organisation.pk}/")
    assert response.status_code == 200


@pytest.mark.parametrize("pk", [2**31, 2**63 - 1, 2**63, 10**30])
def test_an_id_beyond_any_row_is_a_404_not_an_error(learner_client, learner, pk):
    make_organisation(user=learner)
    assert learner_client.get(f"/mon-modele/{pk}/").status_code == 404


@pytest.mark.parametrize("pk", ["abc", None, ""])
def test_an_id_that_is_no_number_finds_nothing(learner, pk):
    make_organisation(user=learner)
    with pytest.raises(Http404):
        get_organisation_for(SimpleNamespace(user=learner), pk)


def test_an_id_given_as_text_finds_the_row(learner):
    organisation = make_organisation(user=learner)
    assert get_organisation_for(SimpleNamespace(user=learner), str(organisation.pk)).pk == organisation.pk
