"""Serving photo files: published ones to anyone, from our own origin, and
every one to case editors (organisers.views.case_photos)."""

from django.http import FileResponse, Http404, HttpRequest

from cases.models import Photo
from cases.photos import public_storage

# A name holds its content's hash, so what a URL shows never changes.
PUBLIC_CACHE = "public, max-age=31536000, immutable"


def photo_file_response(photo: Photo, filename: str, *, storage, public: bool) -> FileResponse:
    """The variant of `photo` named `filename`, or 404. WebP as we wrote it:
    nothing sniffed, nothing run."""
    if filename not in photo.variants.values():
        raise Http404
    try:
        handle = storage.open(f"photos/{photo.key}/{filename}", "rb")
    except (OSError, FileNotFoundError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type="image/webp")
    response["Cache-Control"] = PUBLIC_CACHE if public else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def public_photo(request: HttpRequest, key: str, filename: str) -> FileResponse:
    """A published photo of a public case: anything else (internal, waiting,
    taken down, a draft or unpublished case, a testimony without publishing
    consent) is a 404, whatever files the storage still holds."""
    photo = Photo.objects.public().filter(key=key).first()
    if photo is None:
        raise Http404
    return photo_file_response(photo, filename, storage=public_storage(), public=True)
