from django.db import migrations

# The audit log and invitations move to the accounts app. Their tables are
# renamed here, rows and all; accounts/0001 then takes the models over in
# Django's state and 0005 drops them from this app's state.


class Migration(migrations.Migration):
    dependencies = [("organisers", "0003_audit_append_only_in_postgresql")]

    operations = [
        migrations.AlterModelTable(name="auditentry", table="accounts_auditentry"),
        migrations.AlterModelTable(name="invitation", table="accounts_invitation"),
    ]
