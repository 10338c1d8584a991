"""Files organisers upload (scans of paper sheets, delivery photos, letters
of response): what is accepted, how it is stored, where it lives.

Everything goes to the "private" storage (settings.STORAGES), never to a
publicly served MEDIA directory: a file is read only through a view that
checks who asks. The type is decided by the content, never by the name, and
every image is drawn again so that its metadata (GPS position, camera
serial, author) stays behind.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
PDF = "application/pdf"
# Formats Pillow may decode: the others (and their parsers' bugs) stay out.
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def private_storage() -> Storage:
    return storages["private"]


class PrivateFileStorage(FileSystemStorage):
    """Local disk under settings.PLEA_PRIVATE_ROOT, outside anything a web
    server serves; it hands out no URLs."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PLEA_PRIVATE_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PLEA_PRIVATE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise NotImplementedError("private files are served by a permission-checked view, never by URL")


@dataclass(frozen=True)
class Document:
    content: ContentFile
    content_type: str


def read_document(upload: File) -> Document:
    """The upload as it will be stored, or a ValidationError saying what is wrong."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            _("This file is larger than 20 MB. Scan at a lower resolution or split it into several files."),
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        data = upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise ValidationError(_("This file is larger than 20 MB."), code="too_large")
        return Document(ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"), PDF)
    return _redrawn_image(upload)


def _redrawn_image(upload: File) -> Document:
    refused = ValidationError(_("Upload a PDF or an image (JPEG, PNG, WebP or GIF)."), code="type")
    try:
        with warnings.catch_warnings():
            # A "decompression bomb" (a small file that decodes to billions
            # of pixels) is refused, not merely warned about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=IMAGE_FORMATS) as image:
                image.load()
                found = image.format
                image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError) as error:
        raise refused from error
    out = io.BytesIO()
    if found == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90)  # no exif= passed: the metadata stays behind
        return Document(ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg"), "image/jpeg")
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    image.save(out, format="PNG")
    return Document(ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.png"), "image/png")
