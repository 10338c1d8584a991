"""Production start-up fails closed: no secret or host list, no server."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from core.signed_note import Signer

ROOT = Path(__file__).resolve().parents[2]


def start_django(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "DJANGO_SECRET_KEY is not set"),
        ({"DJANGO_DEBUG": "0"}, "DJANGO_SECRET_KEY is not set"),
        ({"DJANGO_SECRET_KEY": "s" * 60}, "DJANGO_ALLOWED_HOSTS is not set"),
    ],
)
def test_without_debug_missing_secrets_stop_start_up_with_a_clear_message(env, complaint):
    result = start_django(**env)

    assert result.returncode != 0
    assert complaint in result.stderr


def test_with_secret_and_hosts_production_settings_start():
    result = start_django(DJANGO_SECRET_KEY="s" * 60, DJANGO_ALLOWED_HOSTS="plea.example.org")

    assert result.returncode == 0, result.stderr


def test_development_needs_no_environment():
    assert start_django(DJANGO_DEBUG="1").returncode == 0


def test_production_mail_works_with_a_backend_other_than_smtp():
    """The SMTP options go to the SMTP backend only: any other refuses them."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    send = "from django.core import mail; print(mail.send_mail('s', 'b', 'a@example.org', ['b@example.org']))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", send],
        cwd=ROOT,
        env={
            **environment,
            "DJANGO_SECRET_KEY": "s" * 60,
            "DJANGO_ALLOWED_HOSTS": "plea.example.org",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("1")


# Every view the site's URLconf mounts, by module, and whether `bench` was imported.
LIST_VIEWS = """
import sys
import django

django.setup()
from django.urls import URLResolver, get_resolver


def views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from views(pattern.url_patterns)
        else:
            yield pattern.callback.__module__, str(pattern.pattern)


for module, route in views(get_resolver().url_patterns):
    print(module, route)
print("bench imported:", any(name == "bench" or name.startswith("bench.") for name in sys.modules))
"""


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"PLEA_BENCH": "1"},
        {"PLEA_BENCH": "1", "BENCH_QUICK": "1", "DJANGO_DEBUG": "1", "DEBUG": "1", "BENCH": "1"},
    ],
)
def test_the_site_never_mounts_a_benchmark_view_whatever_the_environment(env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    production = {"DJANGO_SECRET_KEY": "s" * 60, "DJANGO_ALLOWED_HOSTS": "plea.example.org"}
    result = subprocess.run(
        [sys.executable, "-c", LIST_VIEWS],
        cwd=ROOT,
        env={**environment, **production, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    *views, imported = result.stdout.splitlines()
    assert any(line.startswith("petitions.") for line in views)  # the listing saw the site
    assert not [line for line in views if line.startswith("bench") or "_bench" in line]
    assert imported == "bench imported: False"


def test_the_benchmark_views_are_not_mounted(client):
    assert client.get("/_bench/hello/").status_code == 404
    assert client.post("/_bench/floor/confirm/1/").status_code == 404


@pytest.mark.django_db
def test_the_benchmark_urlconf_adds_its_views_to_the_site(client, settings):
    settings.ROOT_URLCONF = "bench.urls"

    assert client.get("/_bench/hello/").content == b"hello"
    assert client.get("/health/").status_code == 200


def check_deploy(**env) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` as `make check-deploy` runs it, with `env` on top."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "TASKS_BACKEND", "WEB_CONCURRENCY", "GUNICORN"))
    }
    production = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "plea.example.org",
        "SITE_URL": "https://plea.example.org",
        "PLEA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PLEA_EMAIL_KEY": secrets.token_urlsafe(32),
        "PLEA_LOG_SIGNING_KEY": Signer.generate("plea.example.org/petition-logs").skey,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**environment, **production, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_as_the_makefile_sets_them_pass_the_deploy_checks():
    result = check_deploy()
    assert result.returncode == 0, result.stderr


def test_mail_inside_the_request_and_limits_per_process_are_deploy_warnings():
    """Without the task worker, mail goes out while the signer waits (the
    documented "who signed" timing leak); without Redis, every worker keeps
    its own count of every limit (tests/core/test_checks.py has the details)."""
    result = check_deploy(
        TASKS_BACKEND="django.tasks.backends.immediate.ImmediateBackend", REDIS_URL="", WEB_CONCURRENCY="4"
    )
    assert result.returncode != 0
    assert "plea.W020" in result.stderr and "db_worker" in result.stderr
    assert "plea.W021" in result.stderr and "counted 4 times" in result.stderr
