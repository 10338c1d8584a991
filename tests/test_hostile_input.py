"""Every public form field and query parameter against the hostile corpus:
always a 2xx, 3xx or 4xx with a page of ours, never a 500, nothing corrupted.
Oversized bodies and decompression-heavy files are bounded by bytes read and
pixels decoded, never by how fast the machine is."""

import io
import urllib.parse

import pytest
from django.core import mail
from django.urls import resolve

from petitions.models import Petition, Signature
from tests.hostile import OVERSIZED_DECLARED_LENGTHS, RAW_QUERY, SCRIPT_MARKERS, TEXT, decompression_heavy_images
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
        data = sign_form(petition, email="hostile@example.org") | {field: value}
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
            sign_form(petition, full_name=hostile, reason=hostile, show_publicly="on"),
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
        lambda: client.post(f"/en/petitions/{petition.slug}/sign/", sign_form(petition), REMOTE_ADDR=another_address())
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


# --- Oversized bodies and decompression-heavy files -----------------------------


class CountingInput(io.BytesIO):
    """A wsgi.input that remembers how many bytes were read from it."""

    bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    readline = read


def public_posts(petition, case) -> list[str]:
    return [
        f"/en/petitions/{petition.slug}/sign/",
        "/i18n/setlang/",
        "/en/cases/tell-us/",
        f"/en/cases/{case.reference}/request/",
    ]


@pytest.mark.parametrize("declared", OVERSIZED_DECLARED_LENGTHS)
def test_oversized_bodies_to_every_public_form_are_refused_before_they_are_read(client, declared):
    from tests.cases.factories import public_case

    petition, case = open_petition(), public_case()
    for path in public_posts(petition, case):
        if declared <= resolve(path).func.plea_body_limit:
            continue  # within what this form needs (the intake form takes five files)
        stream = CountingInput(b"x" * 4096)
        response = client.generic(
            "POST", path, CONTENT_TYPE="multipart/form-data; boundary=x", CONTENT_LENGTH=str(declared),
            **{"wsgi.input": stream},
        )  # fmt: skip
        assert response.status_code == 413, (path, declared)
        assert stream.bytes_read == 0, path
        assert "Too much sent at once" in response.content.decode()
    assert not Signature.objects.exists()


def test_chunked_bodies_to_every_public_form_are_read_no_further_than_the_limit(client):
    from core.body_limits import MB
    from tests.cases.factories import public_case

    petition, case = open_petition(), public_case()
    for path in public_posts(petition, case):
        stream = CountingInput(b"x" * (110 * MB))
        response = client.generic(
            "POST", path, CONTENT_TYPE="multipart/form-data; boundary=x", CONTENT_LENGTH="",
            HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": stream},
        )  # fmt: skip
        assert response.status_code == 413, path
        assert stream.bytes_read <= 101 * MB + 1, path


@pytest.mark.parametrize("name", list(decompression_heavy_images()))
def test_decompression_heavy_images_cost_no_decoded_pixel_and_keep_nothing(client, monkeypatch, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import Submission, SubmissionFile
    from core import uploads
    from tests.cases.test_intake import intake_form

    reports = []
    real = uploads.run_worker

    def counting(job, data):
        done = real(job, data)
        reports.append(done.report)
        return done

    monkeypatch.setattr(uploads, "run_worker", counting)
    data = decompression_heavy_images()[name]
    assert len(data) < 1_000_000

    response = client.post("/en/cases/tell-us/", {**intake_form(), "files": [SimpleUploadedFile("a.png", data)]})

    assert response.status_code == 400
    assert "a.png: " in response.content.decode()
    assert sum(report.get("decoded_pixels", 0) for report in reports) == 0
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()
