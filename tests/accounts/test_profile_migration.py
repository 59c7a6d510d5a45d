"""The profile left parcours for accounts (accounts/migrations 0001-0002, parcours/migrations/0003): a database
migrated before the move keeps every profile, and the permissions given on profiles stay attached."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MIGRATION_SCRIPT = """
import json
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

call_command("migrate", "parcours", "0002_french_verbose_names", verbosity=0)
old = MigrationExecutor(connection).loader.project_state([("parcours", "0002_french_verbose_names")]).apps
User = old.get_model("auth", "User")
Permission = old.get_model("auth", "Permission")
ContentType = old.get_model("contenttypes", "ContentType")
old_type = ContentType.objects.get(app_label="parcours", model="profile")
alice = User.objects.create(username="alice", email="alice@example.org")
old.get_model("parcours", "Profile").objects.create(user=alice, display_name="Alice Martin")
alice.user_permissions.add(Permission.objects.get(content_type=old_type, codename="view_profile"))

# First « migrate parcours » alone, as an operator might: its post_migrate already creates an accounts.profile
# content type, which must not take the place of the old one (it carries the permissions given).
call_command("migrate", "parcours", verbosity=0)
call_command("migrate", verbosity=0)
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from accounts.models import Profile
alice = User.objects.get(username="alice")
print(json.dumps({
    "table": Profile._meta.db_table,
    "tables": sorted(name for name in connection.introspection.table_names() if name.endswith("_profile")),
    "name": Profile.objects.get(user=alice).display_name,
    "same_type": ContentType.objects.get_for_model(Profile).pk == old_type.pk,
    "old_types": ContentType.objects.filter(app_label="parcours", model="profile").count(),
    "perm": alice.has_perm("accounts.view_profile"),
}))
"""


# Data migrated back and forth on a database of its own, checked on the production database; SQLite runs
# every migration forward when it creates each test database.
@pytest.mark.postgres_only(reason="Migration of data: checked on PostgreSQL.")
def test_profiles_written_before_the_move_are_kept_with_their_permissions(scratch_database_url):
    """In a process of its own on a fresh database: migrating back and forth inside the test database would
    disturb the other tests."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DJANGO_SETTINGS_MODULE="hub.settings", DJANGO_DEBUG="1", DATABASE_URL=scratch_database_url)
    result = subprocess.run([sys.executable, "-c", MIGRATION_SCRIPT], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state == {"table": "accounts_profile", "tables": ["accounts_profile"], "name": "Alice Martin",
                     "same_type": True, "old_types": 0, "perm": True}
