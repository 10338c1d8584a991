"""Request bodies are refused by their size before they are read: by the
length they declare, or by counting a chunked body up to the limit."""

import io

import pytest

from core import body_limits
from petitions.email_keys import email_hash
from petitions.models import Signature
from tests.petitions.factories import open_petition, sign_form

pytestmark = pytest.mark.django_db


class CountingInput(io.BytesIO):
    """A wsgi.input that remembers how many bytes were read from it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = super().readline(size)
        self.bytes_read += len(line)
        return line


def post_raw(client, path: str, body: bytes, **environ):
    stream = CountingInput(body)
    environ = {"CONTENT_TYPE": "multipart/form-data; boundary=xyz", "wsgi.input": stream, **environ}
    environ.setdefault("CONTENT_LENGTH", str(len(body)))
    return client.generic("POST", path, **environ), stream


def multipart(fields: dict[str, str], *, file_size: int = 0) -> bytes:
    parts = [
        f'--xyz\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n' for name, value in fields.items()
    ]
    body = "".join(parts).encode()
    if file_size:
        body += b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.png"\r\n'
        body += b"Content-Type: image/png\r\n\r\n" + b"\0" * file_size + b"\r\n"
    return body + b"--xyz--\r\n"


@pytest.mark.parametrize(
    "path",
    ["/en/petitions/{slug}/sign/", "/i18n/setlang/", "/en/cases/tell-us/", "/en/organisers/intake/1/close/"],
    ids=["sign", "language", "intake", "organiser-default"],
)
def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body(client, path):
    petition = open_petition()
    body = b"x" * 1000  # what is actually sent does not matter: it is never read

    response, stream = post_raw(client, path.format(slug=petition.slug), body, CONTENT_LENGTH=str(300 * 1024 * 1024))

    assert response.status_code == 413
    assert stream.bytes_read == 0
    assert "Too much sent at once" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_the_sign_form_takes_a_few_kilobytes_and_no_more(client):
    petition = open_petition()
    url = f"/en/petitions/{petition.slug}/sign/"
    fields = sign_form(petition, email="a@example.org")

    padded = multipart(fields | {"reason": "x" * body_limits.SMALL_FORM})
    response, stream = post_raw(client, url, padded)
    assert response.status_code == 413 and stream.bytes_read == 0

    response = client.post(url, fields)
    assert response.status_code in (200, 302) and Signature.objects.count() == 1


def test_the_intake_form_takes_its_files_but_not_more(client):
    declared = 5 * 20 * 1024 * 1024 + 2 * body_limits.MB
    response, stream = post_raw(client, "/en/cases/tell-us/", b"", CONTENT_LENGTH=str(declared))
    assert response.status_code == 413 and stream.bytes_read == 0

    # Within the budget the body reaches the form, which says what is missing.
    response, _ = post_raw(client, "/en/cases/tell-us/", multipart({"account": "x"}, file_size=2 * body_limits.MB))
    assert response.status_code == 400


def test_a_chunked_body_is_counted_as_it_is_read_and_stopped_at_the_limit(client):
    petition = open_petition()
    huge = b"x" * (5 * body_limits.MB)

    response, stream = post_raw(
        client, f"/en/petitions/{petition.slug}/sign/", huge, CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked"
    )

    assert response.status_code == 413
    assert stream.bytes_read == body_limits.SMALL_FORM + 1


def test_a_small_chunked_body_is_read_as_the_form_it_is(client):
    petition = open_petition()
    body = multipart(sign_form(petition, email="b@example.org"))

    response, stream = post_raw(
        client, f"/en/petitions/{petition.slug}/sign/", body, CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked"
    )

    assert response.status_code in (200, 302)
    assert stream.bytes_read == len(body)
    assert Signature.objects.filter(email_key=email_hash("b@example.org")).exists()


def test_more_than_ten_files_are_refused(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(f"{n}.png", b"x") for n in range(11)]
    response = client.post("/en/cases/tell-us/", {"files": files})

    assert response.status_code == 400
