# The profile now belongs to accounts (accounts/migrations/0001_initial.py): parcours forgets it, the table stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("parcours", "0002_french_verbose_names"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Profile")],
            database_operations=[],
        ),
    ]
