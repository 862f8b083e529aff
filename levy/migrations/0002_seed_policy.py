from django.db import migrations


def seed(apps, schema_editor):
    from levy.seed import seed_policy

    seed_policy(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("levy", "0001_initial"), ("portal", "0002_regions_and_audit_guard")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
