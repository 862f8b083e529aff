"""Issue 15: 香港 and 澳门 were loaded under the table's traditional header names; the regions
loader now takes each province's current entry, and this renames rows already loaded."""

from django.db import migrations

from portal.regions import parse_loc_dat


def rename(apps, schema_editor):
    Region = apps.get_model("portal", "Region")
    current = {row.code: row for row in parse_loc_dat()}
    for region in Region.objects.filter(full_name__regex=r"[別區門]"):
        row = current.get(region.code)
        if row and (region.name, region.full_name) != (row.name, row.full_name):
            region.name, region.full_name = row.name, row.full_name
            region.save(update_fields=["name", "full_name"])


class Migration(migrations.Migration):

    dependencies = [("portal", "0008_merge_must_change_password")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
