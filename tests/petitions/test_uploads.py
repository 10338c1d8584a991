"""Organisers' uploaded files (scans, delivery photos, letters) go through
the one reader (core.uploads): the type comes from the content, images are
drawn again without their metadata, a PDF is kept sealed with its pages as
pictures, and nothing over 20 MB is kept."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import encryption
from core.uploads import MAX_BYTES
from petitions.uploads import PDF, private_storage, read_document
from tests.core.upload_files import POLYGLOT, pdf_bytes

PDF_BYTES = pdf_bytes(pages=2, text="Signatures sheet")


def jpeg_with_location() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc"  # camera maker
    exif[0x8825] = {1: "N", 2: (43.0, 15.0, 0.0)}  # GPS position
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_a_pdf_is_kept_sealed_under_a_random_name_with_its_pages_drawn():
    document = read_document(upload("sheets.pdf", PDF_BYTES))
    assert document.content_type == PDF
    sealed = document.content.read()
    assert b"%PDF" not in sealed and encryption.unseal_bytes(sealed) == PDF_BYTES
    assert "sheets" not in document.content.name
    assert len(document.pages) == 2


def test_a_pdf_html_polyglot_is_refused():
    with pytest.raises(ValidationError, match="could not be read"):
        read_document(upload("sheets.pdf", POLYGLOT))


def test_a_photo_is_drawn_again_without_its_metadata():
    original = jpeg_with_location()
    assert b"SpyCam" in original

    document = read_document(upload("vigil.jpg", original))

    assert document.content_type == "image/webp"
    data = document.content.read()
    assert b"SpyCam" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (40, 30)
        assert not image.getexif()


def test_every_image_becomes_webp():
    document = read_document(upload("sheet.png", png()))
    assert document.content_type == "image/webp"
    assert document.content.name.endswith(".webp")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("sheets.pdf", b"just some text pretending to be a PDF"),
        ("sheets.pdf", b"%PDF-1.4 and nothing of a PDF after it"),
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
        ("scan.png", b""),
        ("archive.pdf", b"PK\x03\x04zip file"),
        ("half.png", png()[:30]),
    ],
)
def test_anything_but_a_pdf_or_an_image_is_refused_whatever_its_name(name, data):
    with pytest.raises(ValidationError, match=r"Send photos .* or PDF documents only|could not be read"):
        read_document(upload(name, data))


def test_a_file_over_20_mb_is_refused():
    with pytest.raises(ValidationError, match="larger than 20 MB"):
        read_document(upload("big.pdf", b"%PDF-" + b"0" * MAX_BYTES))


def test_an_image_over_the_organisers_pixel_cap_is_refused(settings):
    settings.PLEA_ORGANISER_UPLOAD_MAX_PIXELS = 40
    with pytest.raises(ValidationError, match="larger than 0 megapixels"):
        read_document(upload("bomb.png", png()))


def test_private_files_have_no_url_and_live_outside_the_checkout(settings):
    from django.conf import settings as live

    storage = private_storage()
    with pytest.raises(NotImplementedError):
        storage.url("anything.pdf")
    assert str(live.PLEA_PRIVATE_ROOT) in storage.location
