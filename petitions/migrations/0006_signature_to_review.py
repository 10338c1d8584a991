"""Indexes for the organisers' signature list at a million signatures: a
partial index of the signatures waiting for moderation, and the email-domain
index extended by date. On PostgreSQL they are built CONCURRENTLY, so signing
goes on while they build on a live table."""

from django.db import migrations, models
from django.db.models import Q

TO_REVIEW = models.Index(
    fields=["petition", "-created_at"],
    condition=Q(state="confirmed", show_publicly=True, hidden=False, reviewed_at__isnull=True) & ~Q(reason=""),
    name="signature_to_review",
)
DOMAIN_STATE = models.Index(fields=["petition", "email_domain", "state", "-created_at"], name="signature_org_domain_state")
DOMAIN = models.Index(fields=["petition", "email_domain"], name="signature_org_domain")


def _add(schema_editor, model, index):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(index.create_sql(model, schema_editor, concurrently=True))
    else:
        schema_editor.add_index(model, index)


def _remove(schema_editor, model, index):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(index.remove_sql(model, schema_editor, concurrently=True))
    else:
        schema_editor.remove_index(model, index)


def forwards(apps, schema_editor):
    model = apps.get_model("petitions", "Signature")
    _add(schema_editor, model, TO_REVIEW)
    _add(schema_editor, model, DOMAIN_STATE)
    _remove(schema_editor, model, DOMAIN)  # a prefix of the new one


def backwards(apps, schema_editor):
    model = apps.get_model("petitions", "Signature")
    _add(schema_editor, model, DOMAIN)
    _remove(schema_editor, model, DOMAIN_STATE)
    _remove(schema_editor, model, TO_REVIEW)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("petitions", "0005_signature_name_trigram")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="signature", index=TO_REVIEW),
                migrations.AddIndex(model_name="signature", index=DOMAIN_STATE),
                migrations.RemoveIndex(model_name="signature", name="signature_org_domain"),
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        )
    ]
