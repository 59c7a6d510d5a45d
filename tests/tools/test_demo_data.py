"""The benchmark data generator: demo people (parcours app) and demo diagnostics, through ``seed_demo``."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse

from diagnostic import computation
from tools.demo.diagnostics import NAME_PATTERN, demo_diagnostics
from diagnostic.forms import SnapshotForm
from diagnostic.models import Organisation, Snapshot, ValuationRates
from diagnostic.ownership import SESSION_KEY
from tools.demo.people import PASSWORD, USERNAME_PATTERN, demo_people
from accounts.forms import login_username
from accounts.models import Profile
from parcours.models import Enrolment, Parcours, SavedFiche, Status, Step, StepProgress
from parcours.outline import depth_includes
from resources.models import Fiche
from diagnostic.models import Membership, Role
from rendezvous.models import Event
from tests.factories import make_organisation
from tools.demo.agenda import SLUG_PATTERN as EVENT_PATTERN
from tools.demo.spaces import NAME_PATTERN as SPACE_PATTERN, bench_owner

# The demo data is written for the benchmarks, on PostgreSQL: checked there, for CI's fifteen minutes.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only(reason="Demo data: checked on PostgreSQL.")]

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))


def demo_users():
    return get_user_model().objects.filter(username__regex=USERNAME_PATTERN)


def demo_organisations():
    return Organisation.objects.filter(name__regex=NAME_PATTERN)


def seed(people=30, diagnostics=10, **more):
    out = StringIO()
    call_command("seed_demo", fiches=0, people=people, diagnostics=diagnostics, stdout=out, **more)
    return out.getvalue()


def fingerprint():
    """Everything the generator decides, keyed by names rather than ids (ids differ from one run to the next)."""
    return {
        "users": list(demo_users().order_by("username").values_list("username", "email", "date_joined", "last_login")),
        "profiles": list(Profile.objects.filter(user__in=demo_users()).order_by("user__username").values_list(
            "user__username", "display_name", "actor_profile__slug", "region__slug")),
        "enrolments": list(Enrolment.objects.filter(user__in=demo_users()).order_by("user__username", "parcours__slug")
                           .values_list("user__username", "parcours__slug", "depth", "started_at")),
        "progress": list(StepProgress.objects.filter(user__in=demo_users())
                         .order_by("user__username", "step__parcours__slug", "step__slug")
                         .values_list("user__username", "step__parcours__slug", "step__slug", "status", "note",
                                      "created_at", "updated_at", "completed_at")),
        "saved": list(SavedFiche.objects.filter(user__in=demo_users()).order_by("user__username", "fiche__slug")
                      .values_list("user__username", "fiche__slug", "saved_at")),
        "organisations": list(demo_organisations().order_by("name").values_list(
            "name", "user__username", "actor_profile__slug", "region__slug", "created_at", "updated_at")),
        "snapshots": list(Snapshot.objects.filter(organisation__in=demo_organisations())
                          .order_by("organisation__name", "is_target", "year")
                          .values_list("organisation__name", "year", "is_target", "updated_at", *Snapshot.figure_fields())),
    }


# This test starts from an empty database, as `make bench-search` does: the command loads the shipped content
# first. The others start from that content put back in bulk (tests/shipped.py); the loaders then find it there.
def test_seed_demo_creates_the_requested_people_and_diagnostics_who_log_in_with_the_shared_password():
    output = seed(people=30, diagnostics=10, spaces=3, events=4)
    assert "0 fiche de démonstration créée." in output
    assert f"30 personnes de démonstration créées (mot de passe commun : « {PASSWORD} »)." in output
    assert "10 diagnostics de démonstration créés." in output
    users = demo_users()
    assert users.count() == 30
    assert users.filter(email__endswith="@exemple.org", username__startswith="demo-personne-").count() == 30
    assert "demo-personne-00001" in set(users.values_list("username", flat=True))
    assert 5 <= Profile.objects.filter(user__in=users).count() <= 25  # about half
    assert not users.annotate(n=Count("enrolments")).filter(n=0).exists()
    assert users.annotate(n=Count("enrolments")).filter(n=2).exists()
    assert StepProgress.objects.filter(user__in=users).exclude(note="").exists()
    assert SavedFiche.objects.filter(user__in=users).exists()
    assert demo_organisations().count() == 10
    assert demo_organisations().filter(user__in=users).exists()
    assert demo_organisations().filter(user__isnull=True).exists()
    assert Snapshot.objects.filter(organisation__in=demo_organisations(), is_target=True).exists()
    assert len(set(users.values_list("password", flat=True))) == 1  # hashed once, for speed
    assert login_username("Demo-Personne-00002@exemple.org ") == "demo-personne-00002"  # what the log-in form does
    assert authenticate(username="demo-personne-00002", password=PASSWORD) is not None
    # The shared spaces and the agenda of the benchmark: the first space's responsable is the bench person.
    assert "3 espaces partagés de démonstration créés." in output and "4 rendez-vous de démonstration créés." in output
    spaces = Organisation.objects.filter(name__regex=SPACE_PATTERN, is_space=True, user__isnull=True)
    assert spaces.count() == 3 and Membership.objects.filter(organisation__in=spaces).count() >= 6
    assert spaces.filter(memberships__user=bench_owner(), memberships__role=Role.RESPONSABLE).exists()
    assert Snapshot.objects.filter(organisation__in=spaces).exists()
    assert Event.objects.filter(slug__regex=EVENT_PATTERN).published().count() == 4


def test_demo_progress_respects_the_constraints_of_a_real_progression(shipped_content):
    seed(people=30, diagnostics=0)
    rows = list(StepProgress.objects.filter(user__in=demo_users()).select_related("step"))
    assert rows
    assert len({(row.user_id, row.step_id) for row in rows}) == len(rows)
    depths = {(e.user_id, e.parcours_id): e.depth for e in Enrolment.objects.filter(user__in=demo_users())}
    statuses = {row.status for row in rows}
    assert statuses == {Status.DONE, Status.IN_PROGRESS, Status.NOT_CONCERNED}
    for row in rows:
        assert (row.user_id, row.step.parcours_id) in depths, "progress on a parcours the person never started"
        assert depth_includes(depths[row.user_id, row.step.parcours_id], row.step)
        if row.status in Status.done():
            assert row.completed_at is not None and row.created_at <= row.completed_at
        else:
            assert row.completed_at is None
        assert row.created_at <= row.updated_at
        assert row.note == row.note.strip()
    # A prefix of the steps: nobody skips a step to come back to it later.
    for (user_id, parcours_id), depth in depths.items():
        steps = [s for s in Step.objects.filter(parcours_id=parcours_id) if depth_includes(depth, s)]
        touched = {row.step_id for row in rows if row.user_id == user_id}
        flags = [step.pk in touched for step in steps]
        assert flags == sorted(flags, reverse=True)
    per_user = SavedFiche.objects.filter(user__in=demo_users()).values("user").annotate(n=Count("pk"))
    assert max(entry["n"] for entry in per_user) <= 5
    saved = Fiche.objects.filter(pk__in=SavedFiche.objects.filter(user__in=demo_users()).values("fiche"))
    assert not saved.exclude(status=Fiche.Status.PUBLISHED).exists()


def test_demo_diagnostics_pass_every_rule_of_the_snapshot_form_and_render_for_their_owner(shipped_content, client):
    demo_people(10, seed=5, now=NOW)
    demo_diagnostics(15, seed=5, now=NOW)
    rates = ValuationRates.current().as_rates()
    for organisation in demo_organisations().prefetch_related("snapshots"):
        snapshots = list(organisation.snapshots.all())
        real = sorted(s.year for s in snapshots if not s.is_target)
        assert 1 <= len(real) <= 4 and real == list(range(real[0], 2026))
        assert sum(s.is_target for s in snapshots) <= 1
        for snapshot in snapshots:
            snapshot.full_clean()
            result = computation.evaluate(snapshot.year, snapshot.figures(), rates)
            assert result.budget > 0 or result.activation.started
            data = {"year": str(snapshot.year),
                    **{name: "" if value is None else str(value) for name, value in snapshot.figures().items()}}
            form = SnapshotForm(data, instance=snapshot, organisation=organisation, is_target=snapshot.is_target)
            assert form.is_valid(), (organisation.name, snapshot.year, form.errors)
        assert organisation.created_at <= organisation.updated_at <= NOW
        if organisation.user_id is None:
            assert (NOW - organisation.updated_at).days < 30  # or the nightly prune would already have removed it
        else:
            assert organisation.user.username.startswith("demo-personne-")
    # Every result page renders, whatever the figures drawn: for the owner, or for the visitor's browser.
    for organisation in demo_organisations().select_related("user"):
        if organisation.user:
            client.force_login(organisation.user)
        else:
            client.logout()
            session = client.session
            session[SESSION_KEY] = [organisation.pk]
            session.save()
        response = client.get(reverse("diagnostic:detail", kwargs={"pk": organisation.pk}))
        assert response.status_code == 200, organisation.name
        assert organisation.name in response.content.decode()
    owned = demo_organisations().filter(user__isnull=False).select_related("user").first()
    client.force_login(owned.user)
    assert client.get(reverse("diagnostic:report", kwargs={"pk": owned.pk})).status_code == 200
    response = client.get(reverse("hub:dashboard"))
    assert response.status_code == 200
    assert owned.name in response.content.decode()
    noted = StepProgress.objects.filter(user__in=demo_users()).exclude(note="").select_related("user").first()
    client.force_login(noted.user)
    response = client.get(reverse("hub:dashboard"))
    assert response.status_code == 200
    assert noted.note in response.content.decode().replace("&#x27;", "'").replace("&rsquo;", "’")


def test_same_seed_gives_the_same_data_and_another_seed_other_data(shipped_content):
    demo_people(12, seed=7, now=NOW)
    demo_diagnostics(8, seed=7, now=NOW)
    first = fingerprint()
    demo_people(12, seed=7, now=NOW)
    demo_diagnostics(8, seed=7, now=NOW)
    assert fingerprint() == first
    demo_people(12, seed=8, now=NOW)
    demo_diagnostics(8, seed=8, now=NOW)
    assert fingerprint() != first


def test_rerunning_replaces_the_demo_data_and_spares_real_accounts_and_shipped_content(shipped_content, learner):
    content = (
        list(Fiche.objects.order_by("slug").values_list("slug", "title", "body", "status")),
        list(Parcours.objects.order_by("slug").values_list("slug", "title", "summary")),
        list(Step.objects.order_by("parcours__slug", "slug").values_list("slug", "title", "body", "depth")),
    )
    step = Step.objects.order_by("pk").first()
    StepProgress.objects.create(user=learner, step=step, status=Status.IN_PROGRESS, note="Ma note à moi.")
    real = make_organisation(user=learner, name="Démo 2024 · atelier du jeudi", years=[2024])
    visitor = make_organisation(name="Démonstration citoyenne", years=[2025])
    lookalike = get_user_model().objects.create_user(username="demo-personne-sophie", password="pw-sophie-123")
    seed(people=15, diagnostics=6)
    seed(people=15, diagnostics=6)
    assert demo_users().count() == 15 and demo_organisations().count() == 6
    assert content == (
        list(Fiche.objects.order_by("slug").values_list("slug", "title", "body", "status")),
        list(Parcours.objects.order_by("slug").values_list("slug", "title", "summary")),
        list(Step.objects.order_by("parcours__slug", "slug").values_list("slug", "title", "body", "depth")),
    )
    assert StepProgress.objects.get(user=learner).note == "Ma note à moi."
    assert Organisation.objects.filter(pk__in=[real.pk, visitor.pk]).count() == 2
    assert get_user_model().objects.filter(pk__in=[learner.pk, lookalike.pk]).count() == 2
    seed(people=0, diagnostics=0)
    assert not demo_users().exists() and not demo_organisations().exists()
    assert Organisation.objects.count() == 2 and StepProgress.objects.count() == 1


@pytest.mark.parametrize("option", ["people", "diagnostics"])
def test_seed_demo_refuses_absurd_people_and_diagnostic_counts(option):
    for value in (-1, 1_000_000):
        with pytest.raises(CommandError, match=f"--{option} doit être compris entre 0 et"):
            call_command("seed_demo", fiches=0, **{option: value})
    assert not demo_users().exists()
