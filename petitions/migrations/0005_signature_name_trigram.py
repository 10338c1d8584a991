"""The organisers' "name contains" search (full_name__icontains, which Django
writes as UPPER(full_name) LIKE UPPER('%…%')) read every signature of the
petition (figures in bench/README.md). A trigram GIN index on UPPER(full_name) serves
it on PostgreSQL. Built CONCURRENTLY so signing goes on while it builds on a
live table; nothing to do on SQLite."""

from django.db import migrations

INDEX = "signature_name_upper_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON petitions_signature "
        "USING gin (UPPER(full_name) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("petitions", "0004_petition_texts")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
