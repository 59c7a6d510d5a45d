"""« Définir une trajectoire cohérente avec son projet » is the heading of the source fiche, not one of the four
objectives of the fiches ACTIONS: delete the row shipped by earlier loads (its fiches links go with it)."""

from django.db import migrations

SLUG = "definir-une-trajectoire"


def delete_objective(apps, schema_editor):
    apps.get_model("resources", "ActionObjective").objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("resources", "0011_worksheet")]

    operations = [migrations.RunPython(delete_objective, migrations.RunPython.noop)]
