from django.db import migrations


def seed(apps, schema_editor):
    from insurance.seed import seed_plan_years

    seed_plan_years(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("insurance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
