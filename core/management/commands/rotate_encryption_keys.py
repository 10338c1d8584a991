"""Re-seal every encrypted value under the first of PLEA_ENCRYPTION_KEYS.

Rotation: put the new key first in PLEA_ENCRYPTION_KEYS (keeping the old one
after it), restart, run this, then remove the old key. `--check` only
reports how many values each key list can open, and changes nothing."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.encryption import DecryptionFailed, Sealed, encrypted_fields, reseal, unseal


class Command(BaseCommand):
    help = "Re-encrypt every sealed field under the first key of PLEA_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check that every value opens.")

    def handle(self, *args, check: bool, **options):
        failures = 0
        for model, field in encrypted_fields():
            # Read the stored tokens, not the decrypted values: values() on the
            # raw column through a plain queryset would decrypt them.
            table, column = model._meta.db_table, field.column
            done = 0
            for pk, token in self._tokens(model, field):
                try:
                    if check:
                        unseal(token)
                    else:
                        with transaction.atomic():
                            model._base_manager.filter(pk=pk).update(**{field.attname: Sealed(reseal(token))})
                    done += 1
                except DecryptionFailed:
                    failures += 1
                    self.stderr.write(f"{table}.{column} row {pk}: no configured key opens it")
            verb = "open" if check else "re-sealed"
            self.stdout.write(f"{table}.{column}: {done} values {verb}")
        if failures:
            raise CommandError(f"{failures} values could not be opened; keep the old key until they can.")

    @staticmethod
    def _tokens(model, field) -> list[tuple]:
        from django.db import connections, router

        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        pk_column = model._meta.pk.column
        sql = (
            f"SELECT {quote(pk_column)}, {quote(field.column)} FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(field.column)} <> '' ORDER BY {quote(pk_column)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            # Read in full before writing: contacts number in the thousands at
            # most, and SQLite would otherwise see its own updates mid-scan.
            return cursor.fetchall()
