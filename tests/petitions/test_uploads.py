"""Uploaded files: the type comes from the content, images are drawn again
without their metadata, and nothing over 20 MB is kept."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from petitions.uploads import MAX_BYTES, PDF, private_storage, read_document

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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


def test_a_pdf_is_kept_as_it_is_under_a_random_name():
    document = read_document(upload("sheets.pdf", PDF_BYTES))
    assert document.content_type == PDF
    assert document.content.read() == PDF_BYTES
    assert document.content.name.endswith(".pdf") and "sheets" not in document.content.name


def test_a_photo_is_drawn_again_without_its_metadata():
    original = jpeg_with_location()
    assert b"SpyCam" in original

    document = read_document(upload("vigil.jpg", original))

    assert document.content_type == "image/jpeg"
    data = document.content.read()
    assert b"SpyCam" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (40, 30)
        assert not image.getexif()


def test_other_images_become_png():
    document = read_document(upload("sheet.webp", png()))
    assert document.content_type == "image/png"
    assert document.content.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("sheets.pdf", b"just some text pretending to be a PDF"),
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
        ("scan.png", b""),
        ("archive.pdf", b"PK\x03\x04zip file"),
        ("half.png", png()[:30]),
    ],
)
def test_anything_but_a_pdf_or_an_image_is_refused_whatever_its_name(name, data):
    with pytest.raises(ValidationError, match="Upload a PDF or an image"):
        read_document(upload(name, data))


def test_a_file_over_20_mb_is_refused():
    with pytest.raises(ValidationError, match="larger than 20 MB"):
        read_document(upload("big.pdf", b"%PDF-" + b"0" * MAX_BYTES))


def test_an_image_that_decodes_to_billions_of_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 40)
    with pytest.raises(ValidationError, match="Upload a PDF or an image"):
        read_document(upload("bomb.png", png()))


def test_private_files_have_no_url_and_live_outside_the_checkout(settings):
    from django.conf import settings as live

    storage = private_storage()
    with pytest.raises(NotImplementedError):
        storage.url("anything.pdf")
    assert str(live.PLEA_PRIVATE_ROOT) in storage.location
