import pytest
from django.db import connection


@pytest.fixture(scope="session", autouse=True)
def _pg_trgm(django_db_setup, django_db_blocker):
    """Tests run with --no-migrations, so the extension that migration
    cases.0002 creates on PostgreSQL must be created here."""
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
