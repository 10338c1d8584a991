from django.db import migrations

# In PostgreSQL the database itself refuses to change or delete audit
# entries, whatever code (or a mistaken shell session) tries. The model's
# save/delete/queryset guards do the same on SQLite for development.
CREATE = """
CREATE OR REPLACE FUNCTION organisers_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER organisers_auditentry_append_only
    BEFORE UPDATE OR DELETE ON organisers_auditentry
    FOR EACH ROW EXECUTE FUNCTION organisers_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS organisers_auditentry_append_only ON organisers_auditentry;
DROP FUNCTION IF EXISTS organisers_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("organisers", "0002_groups")]

    operations = [migrations.RunPython(forwards, backwards)]
