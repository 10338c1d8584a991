"""Every public form field and query parameter against the hostile corpus:
always a 2xx, 3xx or 4xx with a page of ours, never a 500, nothing corrupted."""

import urllib.parse

import pytest
from django.core import mail

from petitions.models import Petition, Signature
from tests.hostile import RAW_QUERY, SCRIPT_MARKERS, TEXT
from tests.petitions.factories import another_address, confirmed_signature, open_petition, sign_form

pytestmark = pytest.mark.django_db

PUBLIC_QUERY_PARAMETERS = {
    "/en/": ["sort", "page", "tab", "q"],
    "/en/cases/": ["q", "status", "ethnicity", "prefecture", "country", "page"],
    "/en/cases/statistics/": ["q"],
    "/en/open-data/": ["q"],
    "/en/feed/": ["page"],
    "/en/cases/feed/": ["page"],
    "/api/v1/petitions/": ["status", "q", "page"],
    "/api/v1/cases/": ["q", "status", "ethnicity", "prefecture", "country", "page"],
    "/api/v1/openapi.json": ["q"],
    "/health/": ["check"],
}
SIGN_FIELDS = ["full_name", "email", "country", "reason", "show_publicly", "wants_updates", "website", "started"]


def acceptable(response) -> bool:
    return 200 <= response.status_code < 500


@pytest.fixture
def petition_with_signers(db):
    petition = open_petition()
    confirmed_signature(petition, show_publicly=True)
    return petition


@pytest.mark.parametrize(("path", "parameter"), [(p, q) for p, qs in PUBLIC_QUERY_PARAMETERS.items() for q in qs])
def test_hostile_query_parameters_never_break_a_public_page(client, petition_with_signers, path, parameter):
    for value in RAW_QUERY + [urllib.parse.quote(text) for text in TEXT]:
        response = client.get(f"{path}?{parameter}={value}")
        assert acceptable(response), (parameter, value[:40], response.status_code)
        body = response.content.decode(errors="replace")
        assert not any(marker in body for marker in SCRIPT_MARKERS), (parameter, value[:40])


@pytest.mark.parametrize("field", SIGN_FIELDS)
def test_hostile_values_in_every_sign_field_are_refused_or_stored_safely(client, petition_with_signers, field):
    petition = petition_with_signers
    url = f"/en/petitions/{petition.slug}/sign/"
    for value in TEXT:
        before = Signature.objects.count()
        data = sign_form(email="hostile@example.org") | {field: value}
        response = client.post(url, data, REMOTE_ADDR=another_address())
        assert acceptable(response), (field, value[:40], response.status_code)
        for signature in Signature.objects.filter(petition=petition).exclude(state=Signature.State.CONFIRMED):
            for stored in (signature.full_name, signature.email, signature.reason):
                assert "\x00" not in stored and "\x1b" not in stored
            signature.delete()
        assert Signature.objects.count() <= before + 1

    body = client.get(petition.get_absolute_url()).content.decode()
    assert not any(marker in body for marker in SCRIPT_MARKERS)
    petition.refresh_from_db()
    assert petition.signature_count == Signature.objects.filter(petition=petition).counted().count()


def test_script_in_a_public_name_and_reason_is_escaped_on_every_page_and_plain_in_mail(client, send_on_commit):
    petition = open_petition()
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    send_on_commit(
        lambda: client.post(
            f"/en/petitions/{petition.slug}/sign/",
            sign_form(full_name=hostile, reason=hostile, show_publicly="on"),
            REMOTE_ADDR=another_address(),
        )
    )
    Signature.objects.get().confirm()

    for path in ("/en/", petition.get_absolute_url()):
        body = client.get(path).content.decode()
        assert not any(marker in body for marker in SCRIPT_MARKERS)
    [message] = mail.outbox
    assert message.content_subtype == "plain"
    assert "\n" not in message.subject and "\r" not in message.subject


def test_a_title_with_line_breaks_cannot_inject_mail_headers(client, send_on_commit):
    petition = open_petition(title="Free them\r\nBcc: everyone@example.org")
    send_on_commit(
        lambda: client.post(f"/en/petitions/{petition.slug}/sign/", sign_form(), REMOTE_ADDR=another_address())
    )

    [message] = mail.outbox
    assert message.recipients() == ["amina@example.org"]
    assert "\n" not in message.subject
    assert Petition.objects.get(pk=petition.pk).signature_count == 0


def test_hostile_confirmation_and_withdrawal_tokens_change_nothing(client, petition_with_signers):
    for value in [*RAW_QUERY, "..%2F..%2Fetc%2Fpasswd", "a:b:c", "W10:1:2"]:
        for kind in ("confirm", "withdraw"):
            response = client.post(f"/en/signatures/{kind}/{value}/")
            assert acceptable(response), (kind, value[:40], response.status_code)
    petition_with_signers.refresh_from_db()
    assert petition_with_signers.signature_count == 1


@pytest.mark.parametrize(
    "template",
    ["/api/v1/petitions/{}/", "/api/v1/cases/{}/", "/en/petitions/{}/updates/feed/", "/api/v1/{}/"],
)
def test_hostile_names_in_open_data_addresses_are_not_found(client, petition_with_signers, template):
    for value in [*RAW_QUERY, "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "petition%00"]:
        response = client.get(template.format(value))
        assert response.status_code in (400, 404), (template, value[:40], response.status_code)
