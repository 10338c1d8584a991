"""What a seized database or a leaked backup tells about who signed: people
sign and confirm through the pages, then every table is read raw. No address
may be there in the clear, nor its normalised form, nor an unkeyed hash of
either; the addresses kept for updates open only with the key ring."""

import base64
import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from core.encryption import TOKEN_PREFIX, DecryptionFailed, unseal
from petitions.email_keys import email_key
from petitions.models import Signature
from tests.petitions.factories import another_address, open_petition, sign_form
from tests.petitions.mailbox import confirm_link

ROOT = Path(__file__).resolve().parent.parent

# (address as typed, wants updates); spellings that normalise differently from
# how they are typed, so a normalised form is a distinct thing to look for.
SIGNERS = [
    ("Gulnar.Omarova+plea@GoogleMail.com", True),
    ("ivan.petrov@yandex.ru", False),
    ("Zhanar.Sadykova@proton.me", True),
    ("tursun.kadir@me.com", False),
]
PENDING = "mehmet.zqpending@example.net"


def _hashes(text: str) -> set[str]:
    found = set()
    for name in ("md5", "sha1", "sha256", "sha512"):
        digest = hashlib.new(name, text.encode()).digest()
        found |= {digest.hex(), base64.b64encode(digest).decode(), base64.urlsafe_b64encode(digest).decode()}
    return found


def forbidden() -> set[str]:
    """Every form of every address a dump must not hold, lower-cased."""
    found = set()
    for address in [*(typed for typed, _ in SIGNERS), PENDING]:
        forms = {address, address.lower(), email_key(address)}
        for form in forms:
            found |= {form.lower()} | {digest.lower() for digest in _hashes(form)}
        found.add(email_key(address).partition("@")[0])  # the login alone names a person too
    return found


def sign_up_and_confirm(client, send_on_commit) -> None:
    petition = open_petition()
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    for n, (address, updates) in enumerate(SIGNERS):
        data = sign_form(petition, full_name=f"Signer {n}", email=address)
        if updates:
            data["wants_updates"] = "on"
        send_on_commit(lambda data=data: client.post(url, data, REMOTE_ADDR=another_address()))
        assert client.post(confirm_link(mail.outbox[-1])).status_code == 302
    data = sign_form(petition, full_name="Signer pending", email=PENDING)
    send_on_commit(lambda: client.post(url, data, REMOTE_ADDR=another_address()))
    assert Signature.objects.counted().count() == len(SIGNERS)


def every_table_raw() -> str:
    """Every value of every table, as SQL returns it, in one lower-cased text."""
    quote = connection.ops.quote_name
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    parts.append(value.decode("latin-1") if isinstance(value, bytes) else str(value))
    return "\n".join(parts).lower()


def leaked(text: str) -> list[str]:
    return sorted(form for form in forbidden() if form in text)


def sealed_addresses() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM petitions_signature WHERE email <> '' ORDER BY id")
        return [email for (email,) in cursor.fetchall()]


@pytest.mark.django_db
def test_a_dump_of_every_table_holds_no_signer_address(client, send_on_commit):
    sign_up_and_confirm(client, send_on_commit)

    assert leaked(every_table_raw()) == []
    stored = sealed_addresses()
    assert all(value.startswith(TOKEN_PREFIX) for value in stored)
    # Kept: those who asked for updates, and the one still to confirm; opened with the key ring only.
    kept = [typed.strip() for typed, updates in SIGNERS if updates] + [PENDING]
    assert sorted(unseal(value) for value in stored) == sorted(kept)
    with override_settings(PLEA_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        for value in stored:
            with pytest.raises(DecryptionFailed):
                unseal(value)


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_no_signer_address(client, send_on_commit, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("scripts/backup.sh backs up PostgreSQL")
    bindir = os.environ.get("PLEA_PG_BINDIR", "")
    sign_up_and_confirm(client, send_on_commit)
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHON": str(ROOT / ".venv/bin/python")}

    subprocess.run([str(ROOT / "scripts/backup.sh"), str(tmp_path / "backup")], check=True, env=env, cwd=ROOT)

    restore = f"{bindir}/pg_restore" if bindir else "pg_restore"
    sql = subprocess.run(
        [restore, "--file=-", str(tmp_path / "backup" / "database.dump")], check=True, capture_output=True
    ).stdout.decode("utf-8", "replace")
    assert "copy public.petitions_signature" in sql.lower(), "the dump holds the signatures"
    assert leaked(sql.lower()) == []
