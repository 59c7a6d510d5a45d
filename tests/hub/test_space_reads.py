"""« Mon espace » reads the profile, the kept parcours d’usage and the diagnostics in one query written in SQL
(hub/space_reads.py): it must give what the ORM reads it replaced give, to the person and to nobody else."""

from types import SimpleNamespace

import pytest

from accounts.models import Profile
from diagnostic.access import organisations_with_roles
from diagnostic.models import Membership, Organisation, Role
from hub.space_reads import space_reads
from parcours.usage_services import AccountPaths
from resources.models import ActorProfile, Region
from tests.factories import make_member, make_organisation, make_space, make_vocabulary

pytestmark = pytest.mark.django_db


def _orm_organisations(user):
    request = SimpleNamespace(user=user)
    return [(o.pk, o.name, o.is_space, o.updated_at, o.member_role)
            for o in organisations_with_roles(request).only("pk", "name", "updated_at", "is_space")]


def _raw_organisations(user):
    return [(o.pk, o.name, o.is_space, o.updated_at, o.member_role) for o in space_reads(user).organisations]


def _keep(user, query, entries, done=()):
    AccountPaths(user).keep(query, entries)
    row = AccountPaths(user).find(query)
    for item in done:
        AccountPaths(user).set_done(row["key"], item, True)


def test_organisations_are_those_the_orm_gives_for_owners_members_and_outsiders(learner, other_learner,
                                                                                 django_user_model):
    # Names that sort differently by case and accents, and two alike, ordered by id.
    mine = [make_organisation(user=learner, name=name) for name in ("zèbre", "Abeille", "abeille", "Écureuil")]
    make_organisation(user=learner, name="Abeille")
    make_organisation(user=other_learner, name="Celle de Bob")
    reader_of = make_space(responsable=other_learner, members=[(learner, Role.READER)], name="Espace où je lis")
    responsible_of = make_space(responsable=learner, name="Mon espace partagé")
    removed = make_space(responsable=other_learner, members=[(learner, Role.CONTRIBUTOR)], name="Ancien espace")
    Membership.objects.filter(organisation=removed, user=learner).delete()
    make_space(responsable=other_learner, name="Espace de Bob seul")
    outsider = make_member(django_user_model, "dora")

    raw = _raw_organisations(learner)
    assert raw == _orm_organisations(learner)
    assert {pk for pk, *_ in raw} >= {o.pk for o in mine} | {reader_of.pk, responsible_of.pk}
    assert removed.pk not in {pk for pk, *_ in raw}
    assert {role for pk, _, _, _, role in raw if pk == reader_of.pk} == {Role.READER}
    assert _raw_organisations(other_learner) == _orm_organisations(other_learner)
    assert _raw_organisations(outsider) == [] == _orm_organisations(outsider)


def test_organisation_rows_link_to_their_result_page(learner):
    organisation = make_organisation(user=learner)
    [row] = space_reads(learner).organisations
    assert row.get_absolute_url() == f"/mon-modele/{organisation.pk}/"
    assert row.updated_at == Organisation.objects.get(pk=organisation.pk).updated_at


def test_kept_paths_are_those_the_orm_gives_the_last_kept_first(learner, other_learner):
    _keep(learner, "profil=a", [{"key": "step:1", "title": "Étape « une »"}], done=["step:1"])
    _keep(learner, "profil=b", [{"key": "diagnostic"}, {"key": "step:2", "note": None}])
    _keep(other_learner, "profil=c", [{"key": "step:3"}])
    assert space_reads(learner).kept_paths == AccountPaths(learner).all()
    assert [row["query"] for row in space_reads(learner).kept_paths] == ["profil=b", "profil=a"]
    assert space_reads(other_learner).kept_paths == AccountPaths(other_learner).all()


@pytest.mark.parametrize("with_profile, with_region", [(True, True), (True, False), (False, True), (False, False)])
def test_profile_comes_with_the_labels_of_its_kind_and_region(learner, other_learner, with_profile, with_region):
    actor = make_vocabulary(ActorProfile, label="Association employeuse") if with_profile else None
    region = make_vocabulary(Region, label="Hauts-de-France") if with_region else None
    Profile.objects.create(user=learner, actor_profile=actor, region=region)
    Profile.objects.create(user=other_learner, actor_profile=make_vocabulary(ActorProfile, label="Autre"))
    profile = space_reads(learner).profile
    assert (profile.actor_profile_id, profile.region_id) == (actor and actor.pk, region and region.pk)
    assert (profile.actor_profile and profile.actor_profile.label) == (actor and actor.label)
    assert (profile.region and profile.region.label) == (region and region.label)


def test_a_person_without_profile_paths_or_diagnostics_reads_nothing(learner, other_learner,
                                                                    django_assert_num_queries):
    Profile.objects.create(user=other_learner)
    make_organisation(user=other_learner)
    _keep(other_learner, "profil=a", [{"key": "step:1"}])
    with django_assert_num_queries(1):
        reads = space_reads(learner)
    assert (reads.profile, reads.kept_paths, reads.organisations) == (None, [], [])


def test_mon_espace_lists_only_the_persons_diagnostics(learner_client, learner, other_learner):
    make_organisation(user=learner, name="La mienne")
    make_space(responsable=other_learner, members=[(learner, Role.READER)], name="Espace partagé")
    make_organisation(user=other_learner, name="Celle de Bob")
    page = learner_client.get("/mon-espace/").content.decode()
    assert "La mienne" in page and "Espace partagé" in page and "lecteur·rice" in page
    assert "Celle de Bob" not in page
