"""Files for the upload tests: real small PDFs, hostile ones, and pictures
that are small to send and large to decode."""

import io
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw


@cache
def pdf_bytes(*, pages: int = 1, text: str = "Marker page") -> bytes:
    """A real PDF of `pages` pages (Pillow writes one page per picture)."""
    pictures = []
    for number in range(1, pages + 1):
        picture = Image.new("RGB", (420, 595), "white")
        ImageDraw.Draw(picture).text((40, 40), f"{text} {number}", fill="black")
        pictures.append(picture)
    out = io.BytesIO()
    pictures[0].save(out, format="PDF", save_all=True, append_images=pictures[1:])
    return out.getvalue()


# Starts like a PDF, and a browser that sniffs it finds a page with a script.
POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"


def truncated_pdf() -> bytes:
    return pdf_bytes()[:300]


@cache
def solid_png(size: tuple[int, int]) -> bytes:
    """One colour: a few hundred kilobytes of PNG for tens of megapixels."""
    out = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(out, format="PNG")
    return out.getvalue()


@cache
def noisy_jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 30).convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


def file_upload(data: bytes, name: str = "file.bin", content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)
