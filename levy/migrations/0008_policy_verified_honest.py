"""Issue 15: rows whose source is a recollection (文号凭记忆), a sample or a third-party summary were
marked 已核实. Unmark them, saying why in the row's note; administrators re-tick a row once they
have checked it against the official text (PolicyBase.clean now insists on that)."""

from django.db import migrations

from levy.rules.policy import looks_verified

MODELS = ["PolicyRule", "SocialAverageWage", "AreaClass", "MinimumWage", "FilingWindow"]
NOTE = "（已取消“已核实”：依据为凭记忆、样例或第三方摘要，请与官方原文核对后再勾选）"


def unmark(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("levy", name)
        for row in model.objects.filter(verified=True):
            if not looks_verified(row.source):
                row.verified = False
                row.note = (row.note + NOTE) if NOTE not in row.note else row.note
                row.save(update_fields=["verified", "note"])


class Migration(migrations.Migration):

    dependencies = [("levy", "0007_merge_0004_revocation_0006_bulk_job")]

    operations = [migrations.RunPython(unmark, migrations.RunPython.noop)]
