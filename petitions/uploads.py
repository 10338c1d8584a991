"""Files organisers upload (scans of paper sheets, delivery photos, letters
of response): what is accepted, how it is stored, where it lives.

Everything goes to the "private" storage (settings.STORAGES), never to a
publicly served MEDIA directory: a file is read only through a view that
checks who asks. What is kept of a file is decided by core.uploads, the reader every upload
goes through: a picture drawn again, or a PDF sealed with its pages drawn as
pictures.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property

from core.uploads import PDF, ReencodedImage, UploadLimits, kept_file, read_upload, save_pages, stored_names

__all__ = ["PDF", "Document", "PrivateFileStorage", "attach", "private_storage", "read_document"]


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
    """An upload as a record keeps it (core.uploads.kept_file): the picture,
    or the sealed PDF with its pages drawn as pictures."""

    content: ContentFile
    content_type: str
    pages: tuple[ReencodedImage, ...] = ()


def read_document(upload: File) -> Document:
    """The upload as it will be stored, or a ValidationError saying what is wrong."""
    read = read_upload(upload, limits=UploadLimits.organiser())
    content, content_type = kept_file(read)
    return Document(content, content_type, read.pages)


def attach(record, document: Document | None) -> list[str]:
    """Store `document` on `record` (a WithDocument, not saved here), its pages
    beside it; returns the names of the files it replaces, to delete once
    the change is committed."""
    if document is None:
        return []
    old = stored_names(record.document.name, record.document_pages)
    record.document.save(document.content.name, document.content, save=False)
    record.document_type = document.content_type
    record.document_pages = save_pages(record.document.storage, beside=record.document.name, pages=document.pages)
    return old
