from django.db import migrations

# Once created the Organisers and Case editors groups; accounts/0001 does
# that now, with the roles (accounts.roles). Kept, empty, because deployed
# databases have it recorded and later migrations depend on it.


class Migration(migrations.Migration):
    dependencies = [
        ("organisers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = []
