from django.db import migrations

# Each row that pointed at a petition names it as a subject: the kind is the
# one the old foreign key pointed at, read from the migration state rather
# than written here, and the pk becomes text. In PostgreSQL the audit log's
# append-only trigger (accounts 0001) is set aside for this one statement.

TRIGGER = "accounts_auditentry_append_only"


def _copy(apps, schema_editor, *, model_name: str, forwards: bool) -> None:
    model = apps.get_model("accounts", model_name)
    table = schema_editor.quote_name(model._meta.db_table)
    subject_type = model._meta.get_field("petition").related_model._meta.label_lower
    if forwards:
        sql = (
            f"UPDATE {table} SET subject_type = %s, subject_id = CAST(petition_id AS VARCHAR(64)) "
            "WHERE petition_id IS NOT NULL"
        )
    else:
        sql = f"UPDATE {table} SET petition_id = CAST(subject_id AS BIGINT) WHERE subject_type = %s"
    guarded = model_name == "auditentry" and schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        if guarded:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, [subject_type])
        if guarded:
            # Going back sets foreign keys, whose deferred checks must run
            # before PostgreSQL lets the table be altered again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {TRIGGER}")


def forwards(apps, schema_editor):
    for model_name in ("auditentry", "invitation"):
        _copy(apps, schema_editor, model_name=model_name, forwards=True)


def backwards(apps, schema_editor):
    for model_name in ("auditentry", "invitation"):
        _copy(apps, schema_editor, model_name=model_name, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_audit_and_invitation_subjects"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
