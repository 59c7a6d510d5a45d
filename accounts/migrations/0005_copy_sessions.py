"""The sessions open before the switch to accounts.Session (accounts/sessions.py) are copied over, so nobody is
logged out: each row gets its account's id, and the backend it names becomes the hub's (the same checks)."""

from django.db import migrations

OLD_BACKEND = "django.contrib.auth.backends.ModelBackend"
NEW_BACKEND = "accounts.sessions.AccountBackend"
BATCH = 500


def copy_sessions(apps, schema_editor):
    from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
    # Django's store: its class name is the signing salt, the same for the old rows and accounts.sessions'.
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    OldSession = apps.get_model("sessions", "Session")
    Session = apps.get_model("accounts", "Session")
    User = apps.get_model("auth", "User")
    codec = SessionStore()
    known = set(User.objects.values_list("pk", flat=True))
    rows = []
    for old in OldSession.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=BATCH):
        data = codec.decode(old.session_data)  # an unreadable row decodes as {}: it was no session anyway
        if not data:
            continue
        if data.get(BACKEND_SESSION_KEY) == OLD_BACKEND:
            data[BACKEND_SESSION_KEY] = NEW_BACKEND
        try:
            user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            user_id = None
        rows.append(Session(session_key=old.session_key, session_data=codec.encode(data), expire_date=old.expire_date,
                            user_id=user_id if user_id in known else None))
        if len(rows) >= BATCH:
            Session.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Session.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_session_with_account"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_sessions, migrations.RunPython.noop)]
