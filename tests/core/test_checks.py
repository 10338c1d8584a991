import pytest
from django.core import checks
from django.db import connection

from core import checks as plea_checks

pytestmark = pytest.mark.django_db


def test_a_database_that_sees_no_letters_in_other_scripts_is_reported(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr(plea_checks, "character_classes", lambda connection: "C")

    [warning] = plea_checks.postgresql_reads_every_script(databases=["default"])

    assert warning.id == "plea.W001"
    assert "Cyrillic or Arabic" in warning.msg and "C.UTF-8" in warning.hint


def test_the_test_database_passes_the_check():
    """On PostgreSQL this reads the real LC_CTYPE (scripts/with-postgres.sh sets C.UTF-8)."""
    assert checks.run_checks(tags=[checks.Tags.database], databases=["default"]) == []


IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
WORKER = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "check"}}
REDIS = {"default": {"BACKEND": "core.resilient_cache.FallbackRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


@pytest.mark.parametrize(
    ("debug", "tasks", "warned"),
    [(False, IMMEDIATE, True), (False, WORKER, False), (True, IMMEDIATE, False)],
)
def test_mail_sent_inside_the_request_is_reported_in_production(settings, debug, tasks, warned):
    settings.DEBUG = debug
    settings.TASKS = tasks
    found = plea_checks.mail_leaves_the_request()
    assert [warning.id for warning in found] == (["plea.W020"] if warned else [])
    assert plea_checks.mail_leaves_the_request in checks.registry.registry.get_checks(include_deployment_checks=True)


@pytest.mark.parametrize(
    ("environment", "said"),
    [
        ({"WEB_CONCURRENCY": "4"}, "counted 4 times"),
        ({"GUNICORN_CMD_ARGS": "--bind 127.0.0.1:8000 --workers 3"}, "counted 3 times"),
        ({"GUNICORN_CMD_ARGS": "-w 2", "WEB_CONCURRENCY": "8"}, "counted 2 times"),
        ({"GUNICORN_CMD_ARGS": "--workers=5"}, "counted 5 times"),
        ({}, "counted once per worker process"),
    ],
)
def test_limits_in_each_processs_memory_are_reported_with_the_worker_count(settings, monkeypatch, environment, said):
    for name in ("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings.DEBUG = False
    settings.CACHES = LOCAL_MEMORY
    [warning] = plea_checks.limits_shared_by_every_worker()
    assert warning.id == "plea.W021"
    assert said in warning.msg and "REDIS_URL" in warning.hint


@pytest.mark.parametrize(("debug", "caches"), [(False, REDIS), (True, LOCAL_MEMORY)])
def test_a_shared_cache_or_development_is_not_reported(settings, debug, caches):
    settings.DEBUG = debug
    settings.CACHES = caches
    assert plea_checks.limits_shared_by_every_worker() == []


@pytest.mark.parametrize("version", ["0.12.0", "0.13.1", "1.0.0"])
def test_another_version_of_the_task_library_stops_start_up_naming_the_tests_to_rerun(monkeypatch, version):
    real = plea_checks.installed_version
    monkeypatch.setattr(
        plea_checks, "installed_version", lambda name: version if name == "django-tasks-db" else real(name)
    )

    [error] = [message for message in checks.run_checks() if message.id == "plea.E001"]

    assert error.level == checks.ERROR
    assert f"django-tasks-db {version}" in error.msg
    assert "tests/core/test_task_worker.py" in error.hint and "tests/core/test_task_queue.py" in error.hint


def test_the_tested_version_of_the_task_library_passes():
    assert plea_checks.installed_version("django-tasks-db") == plea_checks.TASKS_DB_TESTED
    assert not [message for message in checks.run_checks() if message.id == "plea.E001"]
