from django.db import migrations


def seed(apps, schema_editor):
    """The rows the assessment journey added to the seed (征缴方式, payment windows); existing
    rows stay as administrators left them."""
    from levy.seed import seed_policy

    seed_policy(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("levy", "0004_assessment_journey")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
