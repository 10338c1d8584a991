"""System checks: the database Plea runs on (`manage.py check --database default`),
and the text layout the share images need."""

from django.conf import settings
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


@register()
def share_images_can_shape_text(app_configs=None, **kwargs) -> list[Warning]:
    """Without Raqm, Urdu and Uyghur would be drawn unjoined and backwards, so
    the share images leave them out: say so at start-up, not in a preview."""
    from core.share_image import shaping_available

    if shaping_available():
        return []
    return [
        Warning(
            "Pillow cannot lay out text with Raqm: share images will leave out Urdu and Uyghur text.",
            hint="Install libraqm0 (Debian: apt-get install libraqm0 libfribidi0 libharfbuzz0b).",
            id="plea.W002",
        )
    ]


@register(Tags.security, deploy=True)
def encryption_keys_set_apart(app_configs=None, **kwargs) -> list[Warning]:
    """Contacts sealed with a key derived from the secret key fall with it: an
    operator who pastes the secret key into a support ticket should not also
    have handed over every family's phone number."""
    if settings.PLEA_ENCRYPTION_KEYS:
        return []
    return [
        Warning(
            "PLEA_ENCRYPTION_KEYS is not set: family contacts and testimonies are encrypted with a key "
            "derived from DJANGO_SECRET_KEY.",
            hint="Set PLEA_ENCRYPTION_KEYS to a key made with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' "
            "and keep it with your other secrets, outside the database and its backups (SECURITY.md).",
            id="plea.W003",
        )
    ]


@register(Tags.security, deploy=True)
def log_signing_key_set_apart(app_configs=None, **kwargs) -> list[Warning]:
    """Checkpoints signed with a key derived from the secret key could be forged
    by anyone who learns the secret key, and rotating that key would change the
    logs' key unannounced."""
    if settings.PLEA_LOG_SIGNING_KEY:
        return []
    return [
        Warning(
            "PLEA_LOG_SIGNING_KEY is not set: the petitions' transparency logs are signed with a key derived "
            "from DJANGO_SECRET_KEY.",
            hint="Make a key with `manage.py log_key`, set PLEA_LOG_SIGNING_KEY to its signer key and publish "
            "its verifier key (SECURITY.md).",
            id="plea.W004",
        )
    ]
