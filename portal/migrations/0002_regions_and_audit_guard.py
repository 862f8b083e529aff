from django.db import migrations

# On PostgreSQL the database itself refuses to change or delete an audit entry, whatever code
# runs against it (the model and queryset refuse too, on every database).
AUDIT_GUARD = """
CREATE OR REPLACE FUNCTION portal_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portal_auditentry_append_only
  BEFORE UPDATE OR DELETE ON portal_auditentry
  FOR EACH ROW EXECUTE FUNCTION portal_audit_append_only();
"""
AUDIT_GUARD_REVERSE = """
DROP TRIGGER IF EXISTS portal_auditentry_append_only ON portal_auditentry;
DROP FUNCTION IF EXISTS portal_audit_append_only();
"""


def load_regions(apps, schema_editor):
    from portal.regions import load_regions as load

    load(apps.get_model("portal", "Region"))


def audit_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD)


def audit_guard_reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [
        migrations.RunPython(load_regions, migrations.RunPython.noop),
        migrations.RunPython(audit_guard, audit_guard_reverse),
    ]
