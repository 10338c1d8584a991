"""System checks about the database Plea runs on (`manage.py check --database default`)."""

from django.core.checks import Tags, Warning, register
from django.db import connections

C_LOCALES = frozenset({"c", "posix"})


def character_classes(connection) -> str:
    """The database's LC_CTYPE: which characters PostgreSQL takes for letters."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW lc_ctype")
        return cursor.fetchone()[0]


@register(Tags.database)
def postgresql_reads_every_script(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    """Name search's near misses need pg_trgm to see letters in Cyrillic and
    Arabic script, which it does not under a plain C or POSIX LC_CTYPE."""
    warnings = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        ctype = character_classes(connection)
        if ctype.lower() in C_LOCALES:
            warnings.append(
                Warning(
                    f"Database '{alias}' classifies characters under the {ctype} locale: case search will find "
                    "no near misses in Cyrillic or Arabic script (pg_trgm sees no letters in them).",
                    hint="Create the database with a UTF-8 LC_CTYPE, e.g. "
                    "CREATE DATABASE plea LC_COLLATE 'C' LC_CTYPE 'C.UTF-8' TEMPLATE template0.",
                    id="plea.W001",
                )
            )
    return warnings
