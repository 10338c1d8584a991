from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("organisers", "0004_audit_and_invitation_tables_for_accounts"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AuditEntry"),
                migrations.DeleteModel(name="Invitation"),
            ],
        )
    ]
