"""System checks: the database Plea runs on (`manage.py check --database default`),
the text layout the share images need, and (`check --deploy`) production
mistakes that weaken a protection without breaking anything visible: keys
derived from the secret key, mail sent inside the request, rate limits kept
per process; and the one version of django-tasks-db whose internals the
task worker and queue use."""

import os
import shlex
from importlib import metadata

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
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
def mail_leaves_the_request(app_configs=None, **kwargs) -> list[Warning]:
    """With the immediate task backend, mail is sent inside the request that
    queued it: signing with an address that signed recently answers at once,
    a fresh one only after the mail server took the confirmation, and anyone
    can time the difference to learn who signed."""
    from django.tasks import task_backends
    from django.tasks.backends.immediate import ImmediateBackend

    if settings.DEBUG or not isinstance(task_backends["default"], ImmediateBackend):
        return []
    return [
        Warning(
            "Tasks run inside the request (the immediate task backend): mail is sent while the visitor waits, "
            "and how long signing takes tells whether an address has signed.",
            hint="Set TASKS_BACKEND=django_tasks_db.DatabaseBackend and run `python manage.py db_worker` "
            "as a service of its own (README, Deploying).",
            id="plea.W020",
        )
    ]


def _worker_count() -> int | None:
    """Workers gunicorn starts when told by the environment (WEB_CONCURRENCY,
    or --workers / -w in GUNICORN_CMD_ARGS), if it says."""
    words = shlex.split(os.environ.get("GUNICORN_CMD_ARGS", ""))
    for index, word in enumerate(words):
        if word.startswith("--workers="):
            value = word.split("=", 1)[1]
        elif word in ("--workers", "-w") and index + 1 < len(words):
            value = words[index + 1]
        else:
            continue
        return int(value) if value.isdigit() else None
    concurrency = os.environ.get("WEB_CONCURRENCY", "")
    return int(concurrency) if concurrency.isdigit() else None


@register(Tags.security, deploy=True)
def limits_shared_by_every_worker(app_configs=None, **kwargs) -> list[Warning]:
    """Rate limits live in the cache: a cache in each process's own memory
    counts each worker's attempts apart, so four workers allow four times
    every limit (sign-in guesses, signatures per network, address lookups).
    One process is rare in production and cannot be seen from here, so any
    local-memory cache with debug off is reported."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if settings.DEBUG or not isinstance(caches["default"], LocMemCache):
        return []
    workers = _worker_count()
    times = f"{workers} times" if workers and workers > 1 else "once per worker process"
    return [
        Warning(
            f"The cache is each process's own memory (REDIS_URL is not set): every rate limit is counted {times}, "
            "and a restart forgets them.",
            hint="Set REDIS_URL to a Redis every app server and worker shares (README, Deploying).",
            id="plea.W021",
        )
    ]


# core/task_worker.py and core/task_queue.py use django-tasks-db's private
# parts (its worker loop, model helpers, the row its backend writes), which
# any release may change without notice.
TASKS_DB_TESTED = "0.13.0"
TASKS_DB_TESTS = "tests/core/test_task_worker.py and tests/core/test_task_queue.py"


def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@register()
def task_library_is_the_tested_one(app_configs=None, **kwargs) -> list[Error]:
    version = installed_version("django-tasks-db")
    if version in (None, TASKS_DB_TESTED):
        return []
    return [
        Error(
            f"django-tasks-db {version} is installed, but Plea's task worker and queue use the internals of "
            f"{TASKS_DB_TESTED} only.",
            hint=f"Install django-tasks-db=={TASKS_DB_TESTED} (requirements.txt), or rerun {TASKS_DB_TESTS} against "
            f"{version}, adapt core/task_worker.py and core/task_queue.py, and set TASKS_DB_TESTED in core/checks.py.",
            id="plea.E001",
        )
    ]


@register(Tags.security, deploy=True)
def email_key_set_apart(app_configs=None, **kwargs) -> list[Warning]:
    """Signers' keyed addresses under a key derived from the secret key fall
    with it: whoever holds a dump and the secret key could test candidate
    addresses against every signature."""
    if settings.PLEA_EMAIL_KEY:
        return []
    return [
        Warning(
            "PLEA_EMAIL_KEY is not set: signers' addresses are keyed with a key derived from DJANGO_SECRET_KEY.",
            hint="Set PLEA_EMAIL_KEY to a long random string (python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))') before the first signature, and keep it with your other "
            "secrets, outside the database and its backups (SECURITY.md).",
            id="plea.W010",
        )
    ]


@register()
def pdfs_can_be_drawn(app_configs=None, **kwargs) -> list[Warning]:
    """Uploaded PDFs are kept only as pictures poppler draws of their pages:
    without poppler every PDF is refused, which a family learns only when
    they send one."""
    import shutil

    if shutil.which("pdftoppm") and shutil.which("pdfinfo"):
        return []
    return [
        Warning(
            "poppler's pdftoppm and pdfinfo are not installed: every uploaded PDF will be refused.",
            hint="Install poppler-utils (Debian: apt-get install poppler-utils).",
            id="plea.W022",
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
