# The profile's table takes the accounts app's name, and its content type follows, so that the permissions given
# on profiles and the admin history that points to them stay attached.

from django.db import migrations


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="accounts", model="profile").exists():
        ContentType.objects.using(db).filter(app_label="parcours", model="profile").update(app_label="accounts")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="parcours", model="profile").exists():
        ContentType.objects.using(db).filter(app_label="accounts", model="profile").update(app_label="parcours")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("parcours", "0003_profile_moved_to_accounts"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="profile", table=None),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
