# The profile moves from parcours to accounts: the table stays where it is (parcours_profile) while Django's
# picture of the models changes hands; 0002 then gives the table its new name.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("parcours", "0002_french_verbose_names"),
        ("resources", "0006_french_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Profile",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("display_name", models.CharField(blank=True, max_length=150, verbose_name="nom affiché")),
                        ("actor_profile", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to="resources.actorprofile", verbose_name="type d’organisation")),
                        ("region", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to="resources.region", verbose_name="région")),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="profile", to=settings.AUTH_USER_MODEL, verbose_name="compte")),
                    ],
                    options={
                        "verbose_name": "profil",
                        "verbose_name_plural": "profils",
                        "db_table": "parcours_profile",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
