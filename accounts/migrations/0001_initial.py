import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# The audit log and invitations, moved here from the organisers app. The
# tables already exist (organisers/0004 renamed them to accounts_*), so this
# only takes the models over in Django's state, and moves what points at
# them: content types (and so permissions) and the PostgreSQL append-only
# trigger's name. On a fresh database the same steps run in the same order.

MODELS = ["auditentry", "invitation"]
# Names as in accounts.roles.
GROUPS = ["Organisers", "Case editors"]

RENAME_TRIGGER = """
ALTER TRIGGER organisers_auditentry_append_only ON accounts_auditentry RENAME TO accounts_auditentry_append_only;
ALTER FUNCTION organisers_audit_append_only() RENAME TO accounts_audit_append_only;
"""
RENAME_TRIGGER_BACK = """
ALTER TRIGGER accounts_auditentry_append_only ON accounts_auditentry RENAME TO organisers_auditentry_append_only;
ALTER FUNCTION accounts_audit_append_only() RENAME TO organisers_audit_append_only;
"""


def move_content_types(apps, schema_editor, *, source="organisers", target="accounts"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(app_label=source, model__in=MODELS).update(
        app_label=target
    )


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="accounts", target="organisers")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


def rename_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RENAME_TRIGGER)


def rename_trigger_back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RENAME_TRIGGER_BACK)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("organisers", "0004_audit_and_invitation_tables_for_accounts"),
        ("petitions", "0002_organiser_moderation"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='email')),
                        ('role', models.CharField(blank=True, choices=[('owner', 'Owner'), ('moderator', 'Moderator')], max_length=16, verbose_name='role on the petition')),
                        ('organiser', models.BooleanField(default=True, verbose_name='may start petitions')),
                        ('case_editor', models.BooleanField(default=False, verbose_name='curates cases')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('accepted_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('invited_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('petition', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='petitions.petition', verbose_name='petition')),
                        ('user', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'invitation',
                        'verbose_name_plural': 'invitations',
                    },
                ),
                migrations.CreateModel(
                    name='AuditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='when')),
                        ('actor_name', models.CharField(editable=False, max_length=150, verbose_name='who')),
                        ('action', models.CharField(choices=[('signature.hide', "Hid a signer's name and reason"), ('signature.unhide', "Restored a signer's name and reason"), ('signature.approve', 'Reviewed a public comment'), ('signature.invalidate', 'Invalidated a signature'), ('signature.reinstate', 'Reinstated a signature'), ('signature.resend', 'Re-sent a confirmation email'), ('petition.create', 'Created the petition'), ('petition.edit', 'Edited the petition'), ('petition.open', 'Opened the petition'), ('petition.close', 'Closed the petition'), ('petition.victory', 'Declared a victory'), ('update.post', 'Posted an update'), ('export.signatures', 'Exported the signatures'), ('export.emails', 'Exported the emails of signers who want updates'), ('organiser.add', 'Added an organiser'), ('organiser.remove', 'Removed an organiser'), ('invitation.create', 'Invited someone'), ('invitation.accept', 'Accepted an invitation'), ('case.submit', 'Submitted a case for approval'), ('case.approve', 'Approved a case'), ('case.publish', 'Published a case'), ('case.unpublish', 'Unpublished a case')], max_length=40, verbose_name='what')),
                        ('target_type', models.CharField(blank=True, max_length=40)),
                        ('target_id', models.CharField(blank=True, max_length=64)),
                        ('reason', models.TextField(blank=True, max_length=2000, verbose_name='why')),
                        ('details', models.JSONField(blank=True, default=dict)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
                        ('petition', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='petitions.petition')),
                    ],
                    options={
                        'verbose_name': 'audit entry',
                        'verbose_name_plural': 'audit log',
                        'indexes': [models.Index(fields=['petition', '-at'], name='audit_petition_recent')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(rename_trigger, rename_trigger_back),
    ]
