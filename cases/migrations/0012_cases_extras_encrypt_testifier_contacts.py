"""Testifier contacts move under encryption at rest: the columns become text
(a sealed value is longer than a phone number), then every stored value is
sealed under PLEA_ENCRYPTION_KEYS. Reversible: going back opens them again,
which needs the same keys."""

import core.encryption
import core.validators
import django.core.validators
from django.db import migrations

from core.encryption import TOKEN_PREFIX, seal, unseal

TABLE = "cases_testifiercontact"
COLUMNS = ["phone", "email", "messenger", "address", "notes"]


def _rewrite(schema_editor, change) -> None:
    """Every contact's values passed through `change`, in raw SQL: the
    historical model's fields would try to open the plain values."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in COLUMNS)
    assignments = ", ".join(f"{quote(column)} = %s" for column in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('id')}, {columns} FROM {quote(TABLE)} ORDER BY {quote('id')}")
        rows = cursor.fetchall()
        for pk, *values in rows:
            changed = [change(value) if value else value for value in values]
            if changed != values:
                cursor.execute(f"UPDATE {quote(TABLE)} SET {assignments} WHERE {quote('id')} = %s", [*changed, pk])


def seal_contacts(apps, schema_editor) -> None:
    _rewrite(schema_editor, lambda value: value if value.startswith(TOKEN_PREFIX) else seal(value))


def open_contacts(apps, schema_editor) -> None:
    _rewrite(schema_editor, lambda value: unseal(value) if value.startswith(TOKEN_PREFIX) else value)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_cases_extras_retired_addresses'),
    ]

    operations = [
        migrations.AlterField(
            model_name='testifiercontact',
            name='address',
            field=core.encryption.EncryptedTextField(blank=True, max_length=2000, verbose_name='address'),
        ),
        migrations.AlterField(
            model_name='testifiercontact',
            name='email',
            field=core.encryption.EncryptedTextField(blank=True, max_length=254, validators=[django.core.validators.EmailValidator()], verbose_name='email'),
        ),
        migrations.AlterField(
            model_name='testifiercontact',
            name='messenger',
            field=core.encryption.EncryptedTextField(blank=True, max_length=200, validators=[core.validators.reject_control_characters], verbose_name='messaging account'),
        ),
        migrations.AlterField(
            model_name='testifiercontact',
            name='notes',
            field=core.encryption.EncryptedTextField(blank=True, max_length=5000, verbose_name='notes'),
        ),
        migrations.AlterField(
            model_name='testifiercontact',
            name='phone',
            field=core.encryption.EncryptedTextField(blank=True, max_length=50, validators=[core.validators.reject_control_characters], verbose_name='phone'),
        ),
        migrations.RunPython(seal_contacts, open_contacts, elidable=False),
    ]

