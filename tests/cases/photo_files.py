"""Photos for the tests: a phone's JPEG with its GPS position, a bomb, a fake,
and photos of cases in a named state."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases import photos
from cases.models import Case, Photo
from tests.core.test_uploads import jpeg_with_gps

__all__ = ["jpeg_with_gps"]


def jpeg_upload(*, size=(640, 480), name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_with_gps(size=size), content_type="image/jpeg")


def bomb_upload() -> SimpleUploadedFile:
    """A few kilobytes that would decode to 400 megapixels."""
    bomb = Image.new("1", (20_000, 20_000))
    out = io.BytesIO()
    bomb.save(out, format="PNG", optimize=True)
    return SimpleUploadedFile("bomb.png", out.getvalue(), content_type="image/png")


def fake_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", b"<?php echo 'not a picture'; ?>" * 20, content_type="image/jpeg")


def internal_photo(case: Case, *, by, **fields) -> Photo:
    fields.setdefault("source", "Sent by his daughter")
    fields.setdefault("alt", "A man in a blue coat")
    return photos.photo_add(case=case, image=jpeg_upload(), by=by, **fields)


def waiting_photo(case: Case, *, by, **fields) -> Photo:
    photo = internal_photo(case, by=by, consent=Photo.Consent.PUBLIC, **fields)
    return photos.photo_submit(photo=photo, by=by)


def published_photo(case: Case, *, by, approver, **fields) -> Photo:
    photo = waiting_photo(case, by=by, **fields)
    return photos.photo_approve(photo=photo, by=approver, shown=photo.review_fingerprint())
