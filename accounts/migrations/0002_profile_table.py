# The profile's table takes the accounts app's name, and its content type follows, so that the permissions given
# on profiles and the admin history that points to them stay attached.

from django.db import migrations


def _relabel(apps, schema_editor, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=old, model="profile").exists():
        return
    # A partial « migrate parcours » may have let post_migrate create the new one already: the old one, which
    # carries the permissions given and the admin history, wins.
    types.filter(app_label=new, model="profile").delete()
    types.filter(app_label=old, model="profile").update(app_label=new)


def move_content_type(apps, schema_editor):
    _relabel(apps, schema_editor, "parcours", "accounts")


def restore_content_type(apps, schema_editor):
    _relabel(apps, schema_editor, "accounts", "parcours")


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
