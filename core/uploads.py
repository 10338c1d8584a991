"""The one reader for every uploaded "image or PDF": a family's photos and
documents, case and testimony photos, scans of paper sheets, the documents
of deliveries and responses. One set of rules, one set of messages.

The type is decided by the content, never the name. Nothing of the file as
sent is kept in the clear:
- an image is decoded and drawn again as WebP, so what a phone put in it
  (GPS position, time, camera, owner) stays behind;
- a PDF is drawn page by page to pictures by poppler, which is what people
  see; the original is kept only sealed (core.encryption), for the few who
  need it, behind a fresh second factor.

Decoding runs in a process of its own (core/upload_worker.py) under limits
of memory and CPU time, after the pixels (or pages) have been counted from
the header: a small file that would decode to a huge picture, or a PDF made
to keep a renderer busy, is refused with a message and costs the server at
most those limits. Public forms get smaller limits than organisers, and a
budget for the whole submission (settings PLEA_*_UPLOAD_*).
"""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import encryption

MAX_BYTES = 20 * 1024 * 1024
# Card, page column, full view: the widths the templates ask for.
PHOTO_WIDTHS = (160, 480, 1200)
# Wide enough to read a photographed letter, and for the case photos made from it.
DOCUMENT_WIDTH = 1600
PDF = "application/pdf"
WEBP = "image/webp"
PDF_MAGIC = b"%PDF-"
WORKER = Path(__file__).with_name("upload_worker.py")
logger = logging.getLogger(__name__)
# Past this the process is stuck waiting, not computing: its CPU limit
# cannot end it, so the clock does.
WALL_SECONDS_PER_CPU_SECOND = 10

TOO_LARGE = _("This file is larger than 20 MB. Send a smaller copy.")
NOT_ACCEPTED = _("Send photos (JPEG, PNG, WebP or GIF) or PDF documents only.")
NOT_AN_IMAGE = _("This file is not an image we can read. Send a JPEG, PNG, WebP or GIF picture.")
UNREADABLE_PDF = _("This PDF could not be read. Send it again, or send photos of its pages.")
TOO_HEAVY = _("This file is too much work to read. Send a smaller or simpler copy.")
NO_PDF_READER = _("We cannot read PDFs just now. Send photos of the pages instead.")
OVER_BUDGET = _("Together these files are too large. Send fewer or smaller photos.")


def _too_many_pixels(megapixels: int) -> str:
    return _("This picture is larger than %(megapixels)s megapixels. Send a smaller copy.") % {"megapixels": megapixels}


def _too_many_pages(pages: int) -> str:
    return ngettext(
        "This PDF has more than %(pages)s page. Send only the pages that matter, or split it.",
        "This PDF has more than %(pages)s pages. Send only the pages that matter, or split it.",
        pages,
    ) % {"pages": pages}


too_many_pixels = lazy(_too_many_pixels, str)
too_many_pages = lazy(_too_many_pages, str)


@dataclass(frozen=True)
class ReencodedImage:
    """A picture drawn again: WebP bytes by width, none wider than the original."""

    width: int
    height: int
    variants: dict[int, bytes] = field(repr=False)

    @property
    def largest(self) -> bytes:
        return self.variants[max(self.variants)]

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))


@dataclass(frozen=True)
class Upload:
    """A file as it will be kept: a picture, or a PDF's pages as pictures and
    its original bytes (to be sealed before they are stored)."""

    image: ReencodedImage | None = None
    pages: tuple[ReencodedImage, ...] = ()
    original_pdf: bytes = field(default=b"", repr=False)

    @property
    def is_pdf(self) -> bool:
        return bool(self.original_pdf)


@dataclass(frozen=True)
class UploadLimits:
    max_pixels: int
    max_pages: int
    cpu_seconds: float
    memory_bytes: int

    @classmethod
    def public(cls) -> UploadLimits:
        """Forms anyone can post: one request must not hold a worker."""
        return cls(
            max_pixels=settings.PLEA_PUBLIC_UPLOAD_MAX_PIXELS,
            max_pages=settings.PLEA_PUBLIC_UPLOAD_MAX_PAGES,
            cpu_seconds=settings.PLEA_PUBLIC_UPLOAD_CPU_SECONDS,
            memory_bytes=settings.PLEA_UPLOAD_MEMORY_MB * 1024 * 1024,
        )

    @classmethod
    def organiser(cls) -> UploadLimits:
        return cls(
            max_pixels=settings.PLEA_ORGANISER_UPLOAD_MAX_PIXELS,
            max_pages=settings.PLEA_ORGANISER_UPLOAD_MAX_PAGES,
            cpu_seconds=settings.PLEA_ORGANISER_UPLOAD_CPU_SECONDS,
            memory_bytes=settings.PLEA_UPLOAD_MEMORY_MB * 1024 * 1024,
        )


class UploadBudget:
    """What one request may spend decoding, across all its files: pixels
    and CPU seconds. Each file is charged what it actually cost."""

    def __init__(self, *, pixels: int, cpu_seconds: float):
        self.pixels = pixels
        self.cpu_seconds = cpu_seconds

    @classmethod
    def public(cls) -> UploadBudget:
        return cls(pixels=settings.PLEA_PUBLIC_UPLOAD_PIXEL_BUDGET, cpu_seconds=settings.PLEA_PUBLIC_UPLOAD_CPU_SECONDS)

    def charge(self, *, pixels: int, cpu_seconds: float) -> None:
        self.pixels -= pixels
        self.cpu_seconds -= cpu_seconds


@dataclass(frozen=True)
class WorkerReport:
    """What the decoding process said, and what it cost (rusage of the child
    and of pdftoppm under it)."""

    report: dict
    blobs: bytes = field(repr=False)
    cpu_seconds: float = 0.0


def run_worker(job: dict, data: bytes) -> WorkerReport:
    """Run core/upload_worker.py on `data` under the job's limits. The one
    place an upload is decoded: tests count its pixels here."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(
        [sys.executable, "-I", str(WORKER), json.dumps(job)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    try:
        out, _ = process.communicate(data, timeout=job["cpu_seconds"] * WALL_SECONDS_PER_CPU_SECOND + 5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        out = b""
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Children reaped, pdftoppm's time included (its parent waited for it).
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    head, _, blobs = out.partition(b"\n")
    try:
        report = json.loads(head) if process.returncode == 0 else {}
    except ValueError:
        report = {}
    return WorkerReport(report=report if isinstance(report, dict) else {}, blobs=blobs, cpu_seconds=cpu)


def _read_bytes(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    return data


def _pictures(report: dict, blobs: bytes) -> tuple[ReencodedImage, ...]:
    pictures, offset = [], 0
    for page in report["pages"]:
        variants = {}
        for width, length in page["variants"]:
            variants[int(width)] = blobs[offset : offset + length]
            offset += length
        pictures.append(ReencodedImage(width=page["width"], height=page["height"], variants=variants))
    if offset != len(blobs) or any(len(data) == 0 for picture in pictures for data in picture.variants.values()):
        raise ValidationError(TOO_HEAVY, code="too_heavy")
    return tuple(pictures)


def read_upload(
    upload,
    *,
    limits: UploadLimits,
    budget: UploadBudget | None = None,
    widths: tuple[int, ...] = (DOCUMENT_WIDTH,),
    pdf: bool = True,
) -> Upload:
    """`upload` (a file object, e.g. an UploadedFile) as it will be kept, or
    a ValidationError with a message for the person who sent it."""
    data = _read_bytes(upload)
    is_pdf = data.startswith(PDF_MAGIC)
    if is_pdf and not pdf:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image")
    pixels = limits.max_pixels
    cpu = limits.cpu_seconds
    if budget is not None:
        pixels, cpu = min(pixels, budget.pixels), min(cpu, budget.cpu_seconds)
        if pixels <= 0 or cpu <= 0:
            raise ValidationError(OVER_BUDGET, code="over_budget")
    job = {
        "kind": "pdf" if is_pdf else "image",
        "widths": sorted(set(widths)),
        "max_pixels": pixels,
        "max_pages": limits.max_pages,
        "page_size": DOCUMENT_WIDTH,
        "cpu_seconds": cpu,
        "memory_bytes": limits.memory_bytes,
    }
    done = run_worker(job, data)
    report = done.report
    if budget is not None:
        budget.charge(pixels=report.get("decoded_pixels", 0), cpu_seconds=done.cpu_seconds)
    refused = report.get("refused")
    if refused == "too_many_pixels":
        if pixels < limits.max_pixels:
            raise ValidationError(OVER_BUDGET, code="over_budget")
        raise ValidationError(too_many_pixels(limits.max_pixels // 1_000_000), code="too_many_pixels")
    if refused == "not_an_image":
        raise ValidationError(NOT_ACCEPTED if pdf else NOT_AN_IMAGE, code="not_an_image")
    if refused == "too_many_pages":
        raise ValidationError(too_many_pages(limits.max_pages), code="too_many_pages")
    if refused == "unreadable_pdf":
        raise ValidationError(UNREADABLE_PDF, code="unreadable_pdf")
    if refused == "no_pdf_reader":
        logger.error("An uploaded PDF was refused: poppler-utils (pdftoppm, pdfinfo) is not installed.")
        raise ValidationError(NO_PDF_READER, code="no_pdf_reader")
    if refused or "pages" not in report:
        raise ValidationError(TOO_HEAVY, code="too_heavy")
    pictures = _pictures(report, done.blobs)
    if is_pdf:
        return Upload(pages=pictures, original_pdf=data)
    return Upload(image=pictures[0])


def read_image(upload, *, limits: UploadLimits, widths: tuple[int, ...] = PHOTO_WIDTHS) -> ReencodedImage:
    """A photo (of a person, of a testimony): an image only, drawn at `widths`."""
    image = read_upload(upload, limits=limits, widths=widths, pdf=False).image
    if image is None:  # with pdf=False an upload is an image or refused
        raise RuntimeError("read_upload(pdf=False) gave no image")
    return image


# --- Keeping what was read ----------------------------------------------------------


def kept_file(upload: Upload) -> tuple[ContentFile, str]:
    """The one file a record keeps for an upload, and its type: the picture,
    or the original PDF sealed (its pages are kept beside it, save_pages)."""
    name = uuid.uuid4().hex
    if upload.is_pdf:
        return ContentFile(encryption.seal_bytes(upload.original_pdf), name=f"{name}.pdf.sealed"), PDF
    if upload.image is None:  # an upload is a PDF or an image
        raise RuntimeError("an upload with neither a PDF nor an image")
    return ContentFile(upload.image.largest, name=f"{name}.webp"), WEBP


def save_pages(storage: Storage, *, beside: str, pages: tuple[ReencodedImage, ...]) -> list[dict]:
    """Each page's picture stored next to the file `beside` names; the list
    (name, width, height) is what the record keeps to show them."""
    folder, _, base = beside.rpartition("/")
    stem = f"{folder}/{base.split('.', 1)[0]}" if folder else base.split(".", 1)[0]
    kept = []
    for number, page in enumerate(pages, start=1):
        width = max(page.variants)
        name = storage.save(f"{stem}-page-{number}.webp", ContentFile(page.variants[width]))
        kept.append({"name": name, "width": width, "height": page.height_at(width)})
    return kept


def stored_names(name: str | None, pages: list[dict]) -> list[str]:
    """Every file a record's upload left in the storage, to delete them together."""
    return [name, *(page["name"] for page in pages)] if name else []


def is_sealed(name: str) -> bool:
    return name.endswith(".sealed")


def original_pdf(storage: Storage, name: str) -> bytes:
    """The PDF as it was sent. Only for a person who proved a second factor
    just now; the caller audits the reading."""
    with storage.open(name, "rb") as handle:
        data = handle.read()
    if not is_sealed(name):
        # Kept before PDFs were sealed: as it was stored.
        return data
    return encryption.unseal_bytes(data)
