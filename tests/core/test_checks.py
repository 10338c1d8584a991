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
