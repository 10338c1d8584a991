from django.db import migrations, models

# Audit entries and invitations name the record they are about (a petition)
# by kind and pk instead of a foreign key into an app above this one. Added
# here, filled from the old keys in 0012, and the keys removed in 0013, each
# in its own transaction.


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_audit_actions_registered_by_each_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="subject_type",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="subject_id",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="invitation",
            name="subject_type",
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="invitation",
            name="subject_id",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["subject_type", "subject_id", "-at"], name="audit_subject_recent"),
        ),
    ]
