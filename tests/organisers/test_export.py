import csv
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.urls import reverse

from accounts.models import AuditEntry
from core import csv_stream
from core.csv_stream import to_crlf
from petitions import audit_actions, exports
from petitions.exports import neutralise
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db


def rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Plain", "Plain"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.fixture
def petition():
    return f.open_petition()


@pytest.fixture
def owner(client, petition):
    account = f.owner_of(petition)
    client.force_login(account)
    return account


def test_delivery_export_has_public_names_only(client, petition, owner):
    f.public_signature(petition, full_name="Public Person", reason="=HYPERLINK(evil)", country="KZ")
    f.confirmed_signature(petition, full_name="Private Person", country="UZ")
    f.hidden_signature(petition, full_name="Hidden Person")
    f.pending_signature(petition, full_name="Pending Person")
    f.invalidated_signature(petition, full_name="Spam Person")
    response = client.get(reverse("organisers:export_signatures", kwargs={"slug": petition.slug}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = rows(response)
    assert table[0] == ["Name", "Country", "Date", "Reason"]
    body = table[1:]
    assert len(body) == 3  # the counted ones
    assert ["Public Person", "Kazakhstan"] == body[0][:2]
    assert body[0][3] == "'=HYPERLINK(evil)"
    text = str(table)
    for absent in ("Private Person", "Uzbekistan", "Hidden Person", "Pending Person", "Spam Person", "@example.org"):
        assert absent not in text
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == (audit_actions.EXPORT_SIGNATURES, owner)
    assert list(AuditEntry.objects.about(petition)) == [entry]
    assert entry.details == {"columns": ["name", "country", "date", "reason"], "rows": 3}


def test_email_export_only_opted_in_confirmed(client, petition, owner):
    f.confirmed_signature(petition, full_name="Wants News", email="news@example.org", wants_updates=True)
    f.confirmed_signature(petition, full_name="No News", email="quiet@example.org")
    f.pending_signature(petition, full_name="Unconfirmed", email="pending@example.org", wants_updates=True)
    f.confirmed_signature(petition, full_name="-Minus", email="minus@example.org", wants_updates=True)
    response = client.get(reverse("organisers:export_emails", kwargs={"slug": petition.slug}))
    table = rows(response)
    assert table[0][:2] == ["Name", "Email"]
    assert [row[:2] for row in table[1:]] == [["Wants News", "news@example.org"], ["'-Minus", "minus@example.org"]]
    entry = AuditEntry.objects.get()
    assert entry.action == audit_actions.EXPORT_EMAILS
    # What was exported: two addresses, not the petition's three signatures.
    assert entry.details == {"columns": ["name", "email", "country", "language", "date"], "rows": 2}


def test_moderators_cannot_export(client, petition):
    client.force_login(f.moderator_of(petition))
    for name in ("export_signatures", "export_emails"):
        assert client.get(reverse(f"organisers:{name}", kwargs={"slug": petition.slug})).status_code == 403
    assert not AuditEntry.objects.exists()


def test_export_streams_in_chunks(client, petition, owner, django_assert_max_num_queries):
    for _ in range(30):
        f.public_signature(petition)
    response = client.get(reverse("organisers:export_signatures", kwargs={"slug": petition.slug}))
    # Nothing is read before the body is consumed, and then as a server-side iterator.
    with django_assert_max_num_queries(3):
        assert len(rows(response)) == 31


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        ([b"a,b\nc,d\n"], b"a,b\r\nc,d\r\n"),
        ([b'"x\ny",z\n'], b'"x\ny",z\r\n'),  # a signer's own line break stays
        ([b'"say ""hi""\nthere",z\n'], b'"say ""hi""\nthere",z\r\n'),
        ([b'a,"x\n', b'y",b\n', b"c\n"], b'a,"x\ny",b\r\nc\r\n'),  # a quoted field across two blocks
        ([b'a,"""', b'\n""",b\n'], b'a,"""\n""",b\r\n'),
    ],
)
def test_to_crlf(pieces, expected):
    out, quoted = [], False
    for piece in pieces:
        data, quoted = to_crlf(piece, quoted=quoted)
        out.append(data)
    assert b"".join(out) == expected
    assert not quoted


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copied_delivery_csv_is_the_orm_paths(client, petition, owner, monkeypatch):
    monkeypatch.setattr(csv_stream, "BLOCK", 64)  # many blocks, quoted fields across their edges
    monkeypatch.setattr(exports, "BLOCK", 64)
    awkward = [
        ("Ann, of Green Gables", 'He said "no"\nthen yes', "KR"),
        ("=cmd|' /C calc'!A0", "+1", "KZ"),
        ("-Minus", "@at", ""),
        ("Гүлнар Тохти", "", "RU"),
        ("گۈلنار", "\tx", "CN"),
        ('"quoted"', "line\r\nbreak", "US"),
        ("", "", ""),
        ("Plain", "a,b,c", "ZZ"),
    ]
    for name, reason, country in awkward:
        f.public_signature(petition, full_name=name, reason=reason, country=country)
    f.confirmed_signature(petition, full_name="Private, Person", country="UZ")
    f.hidden_signature(petition, full_name="Hidden Person")
    f.pending_signature(petition, full_name="Pending Person")
    header = ["Name", "Country", "Date", "Reason"]
    orm = "".join(csv_stream.csv_lines(header, exports.delivery_rows(petition))).encode()
    copied = b"".join(p.encode() if isinstance(p, str) else p for p in exports.delivery_csv(petition, header))
    assert copied == orm
    response = client.get(reverse("organisers:export_signatures", kwargs={"slug": petition.slug}))
    assert b"".join(response.streaming_content) == orm
    table = list(csv.reader(io.StringIO(orm.decode().lstrip("\ufeff"))))
    assert len(table) == 1 + len(awkward) + 2  # the private and the hidden signer as numbers
    assert table[1] == ["Ann, of Green Gables", "South Korea", table[1][2], 'He said "no"\nthen yes']
    assert table[2][:2] == ["'=cmd|' /C calc'!A0", "Kazakhstan"] and table[2][3] == "'+1"
    assert "Hidden Person" not in orm.decode() and "Private, Person" not in orm.decode()


def test_owner_registers_an_age_key_and_the_address_export_opens_only_with_it(client, petition, owner):
    from pyrage import DecryptError, decrypt, x25519

    identity = x25519.Identity.generate()
    f.confirmed_signature(petition, full_name="Wants News", email="news@example.org", wants_updates=True)
    f.confirmed_signature(petition, full_name="No News", email="quiet@example.org")
    key_url = reverse("organisers:export_key", kwargs={"slug": petition.slug})

    refused = client.post(key_url, {"export_recipient": "AGE-SECRET-KEY-1NOTAPUBLICKEY"})
    assert refused.status_code == 200 and "not an age public key" in refused.text
    petition.refresh_from_db()
    assert petition.export_recipient == ""
    saved = client.post(key_url, {"export_recipient": f"  {identity.to_public()}  "})
    assert saved.status_code == 302
    petition.refresh_from_db()
    assert petition.export_recipient == str(identity.to_public())

    response = client.get(reverse("organisers:export_emails", kwargs={"slug": petition.slug}))

    assert response["Content-Disposition"].endswith('-update-emails.csv.age"')
    assert b"news@example.org" not in response.content
    text = decrypt(response.content, [identity]).decode("utf-8").lstrip("\ufeff")
    table = list(csv.reader(io.StringIO(text)))
    assert [row[:2] for row in table[1:]] == [["Wants News", "news@example.org"]]
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [audit_actions.PETITION_EDIT, audit_actions.EXPORT_EMAILS]
    with pytest.raises(DecryptError):
        decrypt(response.content, [x25519.Identity.generate()])
