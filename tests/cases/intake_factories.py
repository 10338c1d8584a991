"""Submissions as the public forms leave them, for tests of the intake queue."""

import io

from PIL import Image

from cases.intake import submission_create
from cases.models import Case, Submission
from core.uploads import Upload, UploadLimits, read_upload
from tests.core.upload_files import pdf_bytes

PDF_BYTES = pdf_bytes(pages=2)


def jpeg_with_gps(*, size=(640, 480)) -> bytes:
    picture = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = "Marker Owner Name"  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (39.0, 28.0, 12.0)  # Kashgar
    gps[3], gps[4] = "E", (75.0, 59.0, 30.0)
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif, quality=90)
    return out.getvalue()


def photo() -> Upload:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return read_upload(SimpleUploadedFile("photo.jpg", jpeg_with_gps(size=(64, 48))), limits=UploadLimits.public())


def document() -> Upload:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return read_upload(SimpleUploadedFile("statement.pdf", PDF_BYTES), limits=UploadLimits.public())


def new_case_submission(*, uploads: list[Upload] = (), ip_address: str = "203.0.113.9", **fields) -> Submission:
    values = {
        "name_latin": "Mihrigul Tursun",
        "relationship": "sibling",
        "hometown": "Cherchen",
        "account": "Taken from her home at night.",
        "publication": Submission.Publication.NAMED,
        "contact_name": "Her sister",
        "contact_email": "sister@example.org",
        "contact_other": "+90 555 000 0000",
    }
    values.update(fields)
    return submission_create(
        kind=Submission.Kind.NEW_CASE, fields=values, uploads=list(uploads), ip_address=ip_address,
        language="en",
    )  # fmt: skip


def case_request(case: Case, *, kind: str = Submission.Kind.REMOVAL, **fields) -> Submission:
    values = {
        "relationship": "child",
        "account": "Please take my father's page down.",
        "contact_name": "His son",
        "contact_email": "",
        "contact_other": "",
    }
    values.update(fields)
    return submission_create(kind=kind, fields=values, uploads=[], ip_address="203.0.113.9", language="en", case=case)
