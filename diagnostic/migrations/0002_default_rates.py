"""The single row of valuation rates exists from the start, so that no page ever writes it on a GET."""

from django.db import migrations


def create_rates(apps, schema_editor):
    ValuationRates = apps.get_model("diagnostic", "ValuationRates")
    if not ValuationRates.objects.exists():
        ValuationRates.objects.create()


class Migration(migrations.Migration):
    dependencies = [("diagnostic", "0001_initial")]
    operations = [migrations.RunPython(create_rates, migrations.RunPython.noop)]
