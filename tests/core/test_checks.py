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
