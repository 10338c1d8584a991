"""What every response tells the browser, and what production insists on."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_pages_forbid_inline_script_framing_and_other_origins(client, petition):
    response = client.get(petition.get_absolute_url())
    policy = response["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_our_pages_have_no_inline_script_or_style(client, petition):
    body = client.get(petition.get_absolute_url()).content.decode()

    # Scripts only as files of ours (the optional share helper), never inline.
    scripts = re.findall(r"<script[^>]*>", body)
    assert all(re.fullmatch(r'<script src="/static/[^"]+\.js" defer>', tag) for tag in scripts), scripts
    assert "style=" not in body
    assert "<style" not in body


def test_production_settings_pass_the_deploy_check_with_hsts_and_secure_cookies():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SECRET_KEY="x" * 20 + "Q7s!k2#Lm9@pZ4&vR8^tW1*yB6(nC3)hJ5",
        DJANGO_ALLOWED_HOSTS="plea.example.org",
        SITE_URL="https://plea.example.org",
        PLEA_ENCRYPTION_KEYS="Dk0HJtfRdqCbXTPo1C8-kL2Vw9tbE0b6OQx2vYH3Jk4=",
        # Production shares its rate limits and sends mail from the worker
        # (plea.W020, plea.W021); the check connects to neither.
        REDIS_URL="redis://127.0.0.1:6379/0",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        PLEA_EMAIL_KEY="k3VbV2rQpL9sWm0nYx7dTa1cE5fGh8jZ",
        PLEA_LOG_SIGNING_KEY="PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
    )
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    settings_dump = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
         "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert check.returncode == 0, check.stderr
    assert settings_dump.stdout.split() == ["31536000", "True", "True", "True", "True"]
