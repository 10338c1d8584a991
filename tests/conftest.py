import html
import io
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from tests.petitions.factories import open_petition


def page_text(response) -> str:
    """The text a visitor reads: tags dropped, entities decoded, spaces collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def rate_limit_rules(**changed: list[tuple[int, int]]) -> dict:
    """Every rate-limit rule as configured, with the `changed` ones replaced:
    for overriding settings.PLEA_RATE_LIMITS without touching the shared dict."""
    from django.conf import settings

    return {**settings.PLEA_RATE_LIMITS, **changed}


@pytest.fixture(scope="session", autouse=True)
def _pg_trgm(django_db_setup, django_db_blocker):
    """Tests run with --no-migrations by default, so the extension that
    migration cases.0002 creates on PostgreSQL must be created here."""
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


@pytest.fixture(scope="session", autouse=True)
def _private_files(tmp_path_factory):
    """Uploaded scans, documents and photos land in throwaway directories, never in the checkout."""
    from django.test import override_settings

    with override_settings(
        PLEA_PRIVATE_ROOT=tmp_path_factory.mktemp("private"), MEDIA_ROOT=tmp_path_factory.mktemp("media")
    ):
        yield


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data (`load_demo`), loaded once per test module and rolled back
    after it: each test runs in a savepoint inside this transaction, so a test
    that writes sees its own change only. For tests that read the demo; a test
    about `load_demo` itself calls it."""
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "petitions.management.commands.load_demo.PASSWORD_FILE", tmp_path_factory.mktemp("demo") / "password"
        )
        with transaction.atomic():
            call_command("load_demo", verbosity=0, stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


@pytest.fixture
def petition(db):
    return open_petition()


@pytest.fixture
def send_on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (mail) as a real commit would, inside test transactions."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture(autouse=True)
def _fresh_request_state():
    """Each test starts in English with an empty outbox and cache: a request in
    another language leaves that language active in the thread."""
    mail.outbox = []
    cache.clear()  # petition pages are cached; a page from another test must not leak in
    with translation.override("en"):
        yield
