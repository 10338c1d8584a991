"""Signers' addresses stop being readable in a dump.

The address column becomes text (a sealed value is longer than an address);
then, row by row in raw SQL (the historical model's field would try to open
the plain values):
- the email key, the normalised address in the clear until now, becomes its
  HMAC under PLEA_EMAIL_KEY (petitions.email_keys.keyed), so one-per-person
  keeps holding for every spelling the normaliser merges;
- the address is erased where a signer confirmed without asking for updates
  (nothing mails them again), and sealed under PLEA_ENCRYPTION_KEYS where
  mail still needs it (waiting for confirmation, or updates wanted).

Going back opens the sealed addresses again (with the same keys); the keys
stay keyed and the erased addresses stay erased: neither can be undone.
"""

from django.db import migrations

import core.encryption
from core.encryption import TOKEN_PREFIX, seal, unseal

TABLE = "petitions_signature"
BATCH = 2000


def _batches(cursor, quote, columns: list[str]):
    last = 0
    names = ", ".join(quote(column) for column in ["id", *columns])
    while True:
        cursor.execute(
            f"SELECT {names} FROM {quote(TABLE)} WHERE {quote('id')} > %s ORDER BY {quote('id')} LIMIT {BATCH}",
            [last],
        )
        rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _kept_address(email: str, *, confirmed: bool, wants_updates: bool, state: str) -> str:
    if not email or state == "withdrawn" or (confirmed and not wants_updates):
        return ""
    return email if email.startswith(TOKEN_PREFIX) else seal(email)


def seal_and_key(apps, schema_editor) -> None:
    from petitions.email_keys import keyed

    connection = schema_editor.connection
    quote = connection.ops.quote_name
    update = (
        f"UPDATE {quote(TABLE)} SET {quote('email')} = %s, {quote('email_key')} = %s WHERE {quote('id')} = %s"
    )
    with connection.cursor() as cursor:
        columns = ["email", "email_key", "state", "confirmed_at", "wants_updates"]
        for rows in _batches(cursor, quote, columns):
            changes = []
            for pk, email, key, state, confirmed_at, wants_updates in rows:
                new_email = _kept_address(
                    email or "", confirmed=confirmed_at is not None, wants_updates=bool(wants_updates), state=state
                )
                # A normalised address has an @; a keyed one (hex) never does.
                new_key = keyed(key) if key and "@" in key else key
                if (new_email, new_key) != (email, key):
                    changes.append([new_email, new_key, pk])
            if changes:
                cursor.executemany(update, changes)


def open_addresses(apps, schema_editor) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for rows in _batches(cursor, quote, ["email"]):
            changes = [[unseal(email), pk] for pk, email in rows if email and email.startswith(TOKEN_PREFIX)]
            if changes:
                cursor.executemany(
                    f"UPDATE {quote(TABLE)} SET {quote('email')} = %s WHERE {quote('id')} = %s", changes
                )


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0010_recompute_email_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="signature",
            name="email",
            field=core.encryption.EncryptedTextField(blank=True, verbose_name="email"),
        ),
        migrations.RunPython(seal_and_key, open_addresses, elidable=False),
    ]
