from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0012_audit_and_invitation_subjects_filled"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="auditentry",
            name="audit_petition_recent",
        ),
        migrations.RemoveField(
            model_name="auditentry",
            name="petition",
        ),
        migrations.RemoveField(
            model_name="invitation",
            name="petition",
        ),
    ]
