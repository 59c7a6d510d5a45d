"""Backups (hub/backup.py, make backup / make restore): a database with content, accounts, progress, notes,
saved fiches, diagnostics and tags goes to a file and comes back without losing a row, on a database whose
content type and permission ids differ from the source's.

transaction=True: flush, and the restore's own transaction, must run against committed tables.
"""

import gzip
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from accounts.models import Session
from django.core import serializers
from django.core.serializers.base import DeserializationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.sql import emit_post_migrate_signal
from django.test import Client

from diagnostic.models import Organisation, Snapshot, ValuationRates
from hub.backup import BackupError, backup_restore, backup_write
from accounts.models import Profile
from parcours.models import Enrolment, Parcours, SavedFiche, Step, StepProgress
from parcours.services import enrolment_set_depth, fiche_set_saved, progress_set_note, progress_set_status
from resources.models import ActorProfile, Fiche, Region
from rendezvous.models import Event, Letter, LetterSubscriber, Registration, SearchAlert
from tests.factories import make_alert, make_event, make_organisation, make_registration
from tests.rendezvous.letter_helpers import make_letter, make_subscriber
from tests.shipped import restore

pytestmark = pytest.mark.django_db(transaction=True)
# Round trips of the whole shipped content: on the production database; SQLite keeps the plain round trip and the
# failed restore.
HEAVY = "Round trip of the shipped content: checked on PostgreSQL."

NOT_SAVED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "accounts.session"}
# A word no shipped fiche uses: found only through the tag added below (tags_text, search_vector).
TAG_WORD = "quetzalcoatl"
NOTE = "Notes : « à revoir » avec l’équipe, budget 2 000 € 🌱\nDeuxième ligne."
MECENAT = "developper-le-mecenat-de-competences"


@pytest.fixture
def populated(shipped_rows, learner, other_learner, staff):
    """The shipped content plus what people add to it: every kind of row a backup must keep."""
    restore(shipped_rows, upto="parcours")  # what content_load() then parcours_load() write
    region, actor_profile = Region.objects.order_by("pk").first(), ActorProfile.objects.order_by("pk").first()
    Profile.objects.create(user=learner, display_name="Alice Martin", actor_profile=actor_profile, region=region)
    Profile.objects.create(user=other_learner, display_name="")

    steps = list(Step.objects.order_by("parcours__order", "order"))
    progress_set_status(user=learner, step=steps[0], status="terminee")
    progress_set_status(user=learner, step=steps[1], status="en_cours")
    progress_set_note(user=learner, step=steps[1], note=NOTE)
    progress_set_note(user=other_learner, step=steps[-1], note="Une note seule, sans statut.")
    enrolment_set_depth(user=learner, parcours=Parcours.objects.order_by("order").first(), depth="approfondissement")
    fiche_set_saved(user=learner, fiche=Fiche.objects.get(slug=MECENAT), saved=True)
    fiche_set_saved(user=other_learner, fiche=Fiche.objects.order_by("pk").last(), saved=True)

    make_organisation(
        user=learner, actor_profile=actor_profile, region=region,
        years=[2022, (2023, {"subsidies_state": Decimal("12500.50"), "volunteer_hours": 800}),
               (2027, {"is_target": True, "revenue_sales": Decimal("40000")})],
    )
    make_organisation(user=None, name="Diagnostic sans compte", years=[2024])
    rates = ValuationRates.current()
    rates.volunteer_hour, rates.skills_day = Decimal("15.50"), Decimal("450.00")
    rates.save()

    fiche = Fiche.objects.get(slug=MECENAT)
    fiche.tags.add(TAG_WORD.capitalize(), "Sauvegardé à l’identique")

    editors = Group.objects.create(name="Rédaction")
    editors.permissions.add(Permission.objects.get(codename="change_fiche"))
    other_learner.groups.add(editors)
    other_learner.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    LogEntry.objects.create(
        user=staff, content_type=ContentType.objects.get_for_model(Fiche), object_id=str(fiche.pk),
        object_repr=str(fiche), action_flag=CHANGE, change_message="Chapeau relu.",
    )
    Client().force_login(learner)  # a session, which the backup leaves out
    # An event of the agenda (its levers and fiches), a place and a rank on its waiting list.
    event = make_event(capacity=1, levers=list(fiche.levers.all()), fiches=[fiche], speakers="Alix Martin\nSam Petit")
    make_registration(event, name="Camille Dupont", organisation="La Ruche")
    make_registration(event, status="attente")

    # « La lettre »: an issue that went out (its items frozen as JSON) and a subscriber.
    make_letter(number=1, frozen_at=datetime(2027, 2, 1, 9, 0, tzinfo=UTC), content={
        "new": {"items": [{"title": "Fiche « neuve »", "url": "/fiches/neuve/", "date": "1er février 2027"}], "more": 3}})
    make_subscriber("abonne@example.org")

    # An alert on a search: an address and dates, kept to the millisecond like every row.
    make_alert(email="alerte@example.org", query="/fiches/?famille=action",
               last_sent_at=datetime(2027, 1, 18, 6, 10, tzinfo=UTC))

    for model in (Fiche, Step, StepProgress, SavedFiche, Enrolment, Profile, Organisation, Snapshot, LogEntry,
                  apps.get_model("taggit", "TaggedItem"), Session, Event, Registration, Letter, LetterSubscriber,
                  SearchAlert):
        assert model.objects.exists(), model
    assert StepProgress.objects.filter(note=NOTE).exists()
    assert Snapshot.objects.filter(is_target=True).exists()


def to_milliseconds(value):
    """JSON keeps a time to the millisecond (Django's encoder, as ECMA-262 dates): the one thing the file rounds,
    down, on purpose. Everything else must come back exactly."""
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def database_state():
    """Every saved row of every model, serialised with natural keys (content types, permissions and users by
    name, not by id) and sorted; many-to-many tables compared by their pairs, since loaddata renumbers them."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.label_lower in NOT_SAVED or meta.proxy or not meta.managed:
            continue
        rows = serializers.serialize("python", _with_related_rows(model), use_natural_foreign_keys=True)
        canonical = []
        for row in rows:
            fields = {
                name: sorted(value, key=repr) if meta.get_field(name).many_to_many else to_milliseconds(value)
                for name, value in row["fields"].items()
            }
            pk = None if meta.auto_created else row["pk"]
            canonical.append(json.dumps([pk, fields], sort_keys=True, default=str, ensure_ascii=False))
        state[meta.label_lower] = sorted(canonical)
    return state


def _with_related_rows(model):
    """Every row of ``model``, with what the serialiser reads besides the row fetched in a few queries (the rows
    behind natural keys, many-to-many lists) instead of one query per row and relation: the same output, faster.
    A permission's natural key reads its content type."""
    def natural(related_model):
        return hasattr(related_model, "natural_key")

    def key_path(name, related_model):
        return f"{name}__content_type" if related_model is Permission else name

    meta = model._meta
    to_one = [key_path(field.name, field.related_model) for field in meta.concrete_fields
              if field.is_relation and natural(field.related_model)]
    to_many = [key_path(field.name, field.related_model) for field in meta.many_to_many
               if field.remote_field.through._meta.auto_created]
    return model._base_manager.select_related(*to_one).prefetch_related(*to_many)


def fresh_database():
    """Empty the database, then build its content types and permissions again with new ids, as another
    server's database would number them."""
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    # Placeholders hold the low ids meanwhile, so that no content type or permission gets its old id back by
    # chance, whatever the number of models (SQLite gives the lowest free ids again, PostgreSQL follows its
    # sequences, which flush resets).
    placeholders = ContentType.objects.bulk_create(
        [ContentType(app_label="decalage", model=f"modele{n}") for n in range(1000)])
    Permission.objects.bulk_create(
        [Permission(content_type=placeholders[0], codename=f"decalage_{n}", name="Décalage") for n in range(3000)])
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    ContentType.objects.filter(app_label="decalage").delete()  # and their permissions, by cascade


def found_slugs(query):
    """Slugs of the fiches the search page links to."""
    response = Client().get("/recherche/", {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    return {fiche.slug for fiche in Fiche.objects.all() if f'href="{fiche.get_absolute_url()}"' in page}


def test_round_trip_keeps_every_row(populated, tmp_path):
    before = database_state()
    fiche_type = ContentType.objects.get_for_model(Fiche).pk
    change_fiche = Permission.objects.get(codename="change_fiche").pk
    tags = set(Fiche.objects.get(slug=MECENAT).tags.names())
    assert {TAG_WORD.capitalize(), "Sauvegardé à l’identique"} < tags
    assert MECENAT in found_slugs(TAG_WORD)
    assert MECENAT in found_slugs("mécénat de compétences")

    path = tmp_path / "hub.json.gz"
    written = backup_write(path)
    fresh_database()
    assert ContentType.objects.get_for_model(Fiche).pk != fiche_type
    assert Permission.objects.get(codename="change_fiche").pk != change_fiche
    assert not Fiche.objects.exists() and not User.objects.exists()

    assert backup_restore(path) == written
    after = database_state()
    assert {label: len(rows) for label, rows in after.items()} == {label: len(rows) for label, rows in before.items()}
    assert after == before

    # Sessions stay behind.
    assert not Session.objects.exists()
    # What the rows mean, checked through the code that reads them.
    assert authenticate(username="alice", password="pw-alice-123").username == "alice"
    assert authenticate(username="charlie", password="pw-charlie-123").is_superuser
    assert Client().login(username="bob", password="pw-bob-123")
    bob = User.objects.get(username="bob")
    assert bob.has_perm("resources.change_fiche") and bob.has_perm("diagnostic.view_organisation")
    fiche = Fiche.objects.get(slug=MECENAT)
    assert set(fiche.tags.names()) == tags
    assert Fiche.objects.filter(tags__name__iexact=TAG_WORD).get() == fiche
    assert LogEntry.objects.get().get_edited_object() == fiche
    assert StepProgress.objects.get(user__username="alice", note=NOTE).status == "en_cours"
    assert ValuationRates.current().volunteer_hour == Decimal("15.50")
    assert ValuationRates.objects.count() == 1
    assert Snapshot.objects.get(organisation__user__username="alice", is_target=True).year == 2027
    # The search vector (PostgreSQL) was computed again by the database; the folded copies came back (SQLite).
    assert MECENAT in found_slugs(TAG_WORD)
    assert MECENAT in found_slugs("mécénat de compétences")
    # Sequences continue after the restored ids.
    last_user = User.objects.order_by("pk").last().pk
    assert User.objects.create_user(username="dora", password="pw-dora-123").pk > last_user
    assert Fiche.objects.create(title="Une fiche après la restauration", family="action", chapeau="…").pk


def test_the_file_is_compressed_json_without_what_each_database_rebuilds(populated, tmp_path):
    path = tmp_path / "hub.json.gz"
    count = backup_write(path)
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        rows = json.load(stream)
    assert len(rows) == count
    models = {row["model"] for row in rows}
    assert not models & NOT_SAVED
    assert {"resources.fiche", "parcours.stepprogress", "diagnostic.snapshot", "taggit.taggeditem"} <= models
    tagged = next(row for row in rows if row["model"] == "taggit.taggeditem")
    assert tagged["fields"]["content_type"] == ["resources", "fiche"]
    assert path.stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir()] == ["hub.json.gz"]


@pytest.mark.postgres_only(reason=HEAVY)
def test_restore_refuses_a_database_with_data_unless_replace(populated, tmp_path):
    path = tmp_path / "hub.json.gz"
    backup_write(path)
    before = database_state()
    with pytest.raises(BackupError, match="Restauration refusée : la base contient déjà des données") as refused:
        backup_restore(path)
    assert re.search(r"données \([^)]+ : \d+", str(refused.value))
    assert "--replace" in str(refused.value)
    assert database_state() == before

    Fiche.objects.filter(slug=MECENAT).update(title="Modifiée après la sauvegarde")
    backup_restore(path, replace=True)
    assert database_state() == before


def test_a_failed_restore_leaves_the_database_as_it_was(populated, tmp_path):
    before = database_state()
    broken = tmp_path / "broken.json.gz"
    with gzip.open(broken, "wt", encoding="utf-8") as stream:
        # One row loads, then the next names a model that does not exist.
        json.dump([{"model": "resources.synonym", "pk": 1, "fields": {"terms": "asso, association"}},
                   {"model": "resources.inconnu", "pk": 1, "fields": {}}], stream)
    with pytest.raises(DeserializationError, match="resources.inconnu"):
        backup_restore(broken, replace=True)
    assert database_state() == before


@pytest.mark.parametrize("name", ["hub.json", "hub.sql.gz", ".json.gz"])
def test_the_file_name_says_what_it_holds(tmp_path, name):
    with pytest.raises(BackupError, match="doit se terminer par « .json.gz »"):
        backup_write(tmp_path / name)
    with pytest.raises(BackupError, match="doit se terminer par « .json.gz »"):
        backup_restore(tmp_path / name)


def test_restore_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(BackupError, match="Fichier de sauvegarde introuvable"):
        backup_restore(tmp_path / "absent.json.gz")


@pytest.mark.postgres_only(reason=HEAVY)
def test_the_commands(populated, tmp_path):
    before = database_state()
    path = tmp_path / "sauvegardes" / "hub.json.gz"
    out = StringIO()
    call_command("backup_write", str(path), stdout=out)
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        count = len(json.load(stream))
    assert out.getvalue() == f"{count} objets sauvegardés dans {path}.\n"

    with pytest.raises(CommandError, match="Restauration refusée : la base contient déjà des données"):
        call_command("backup_restore", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="doit se terminer par"):
        call_command("backup_write", str(tmp_path / "hub.json"), stdout=StringIO())

    fresh_database()
    out = StringIO()
    call_command("backup_restore", str(path), stdout=out)
    assert out.getvalue() == f"{count} objets restaurés depuis {path}.\n"
    assert database_state() == before

    out = StringIO()
    call_command("backup_restore", str(path), "--replace", stdout=out)
    assert out.getvalue() == f"{count} objets restaurés depuis {path}.\n"
    assert database_state() == before


@pytest.mark.postgres_only(reason=HEAVY)
def test_a_backup_written_before_profiles_moved_to_accounts_restores(populated, staff, tmp_path):
    """Backups written before the profile left parcours name it « parcours.profile », in its rows and in the
    natural keys of what points to it (a permission given on profiles, the admin history of a profile)."""
    alice = Profile.objects.get(display_name="Alice Martin")
    staff.user_permissions.add(Permission.objects.get(codename="view_profile"))
    LogEntry.objects.create(
        user=staff, content_type=ContentType.objects.get_for_model(Profile), object_id=str(alice.pk),
        object_repr=str(alice), action_flag=CHANGE, change_message="Nom relu.",
    )
    before = database_state()
    path = tmp_path / "hub.json.gz"
    backup_write(path)
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        text = stream.read()
    old = text.replace('"accounts.profile"', '"parcours.profile"').replace('"accounts", "profile"', '"parcours", "profile"')
    assert old.count('"parcours.profile"') == 2 and old.count('"parcours", "profile"') == 2
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write(old)

    fresh_database()
    backup_restore(path)
    assert database_state() == before
    assert User.objects.get(username="charlie").has_perm("accounts.view_profile")
    assert LogEntry.objects.get(change_message="Nom relu.").get_edited_object() == alice
    assert [p.name for p in tmp_path.iterdir()] == ["hub.json.gz"]  # the backup itself is left as it was
