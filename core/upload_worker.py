"""The program that decodes an uploaded file, run by core.uploads in a
process of its own with limits on memory and CPU time.

A hostile file (a decompression bomb, a PDF built to make a renderer loop,
an exploit for a parser's bug) then costs at most what the limits allow, and
takes nothing down with it but this process. It imports Pillow and the
standard library only, never Django, so it starts in a few hundredths of a
second and holds no database connection or secret.

In: the job as JSON in argv[1], the file's bytes on stdin.
Out: one line of JSON, then the WebP renderings it lists, back to back.
"""

import io
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from typing import IO, cast

from PIL import Image, ImageCms, ImageOps

IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# EXIF orientations that turn the picture a quarter: its width is the stored height.
QUARTER_TURNS = {5, 6, 7, 8}
WEBP_METHOD = 2


class Refused(Exception):
    """What is wrong with the file, as a code core.uploads turns into words."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


def limit_resources(*, memory_bytes: int, cpu_seconds: float) -> None:
    """Bounds inherited by pdftoppm too; the profiling timer ends this
    process (SIGPROF) once it has used its CPU time, to the millisecond."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    whole = max(1, math.ceil(cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (whole, whole + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)


def _srgb(image: Image.Image) -> Image.Image:
    """Colours as the photo was meant to look, in the one profile every
    browser assumes when a file carries none."""
    icc = image.info.pop("icc_profile", None)
    if not icc:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode in {"RGBA", "LA", "PA"} else "RGB"
        # None only with inPlace=True, which is not asked for here.
        return cast(
            Image.Image, ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile is dropped, not trusted: the pixels stay as they are.
        return image


def _open(data: bytes, *, max_pixels: int, formats: tuple[str, ...] = IMAGE_FORMATS) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise Refused("too_many_pixels") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise Refused("not_an_image") from error
    width, height = image.size
    # Only the header has been read: the pixels are counted before any is decoded.
    if width * height > max_pixels:
        raise Refused("too_many_pixels")
    return image


def _decode(image: Image.Image, *, widest: int) -> Image.Image:
    """Decode as few pixels as the widest rendering needs: a JPEG at 1/2, 1/4
    or 1/8 scale in its decoder (draft mode), the rest halved by whole
    factors (Image.reduce, cheap box averaging) before the careful resize."""
    width, height = image.size
    try:
        turned = image.getexif().get(0x0112) in QUARTER_TURNS
    except (OSError, SyntaxError, ValueError):
        turned = False
    shown_width, shown_height = (height, width) if turned else (width, height)
    if image.format == "JPEG" and shown_width > widest:
        wanted = (widest, math.ceil(shown_height * widest / shown_width))
        image.draft("RGB" if image.mode not in {"L", "RGB"} else image.mode, wanted[::-1] if turned else wanted)
    try:
        image.seek(0)
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise Refused("not_an_image") from error
    return image


def render_image(image: Image.Image, *, widths: list[int]) -> tuple[dict, list[bytes]]:
    decoded = image.width * image.height
    image = _srgb(ImageOps.exif_transpose(image))
    shown = {"width": image.width, "height": image.height}
    mode = "RGBA" if image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info else "RGB"
    image = image.convert(mode)
    factor = image.width // max(widths)
    if factor >= 2:
        image = image.reduce(factor)
    variants: list[tuple[int, int]] = []
    blobs: list[bytes] = []
    for width in sorted(set(widths)):
        target = min(width, image.width)
        if any(target == done for done, _ in variants):
            continue
        height = max(1, round(image.height * target / image.width))
        copy = image if target == image.width else image.resize((target, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        # A new Image carries no info dict from the file: no exif, xmp or icc
        # argument is passed, so none is written.
        copy.save(out, format="WEBP", quality=80, method=WEBP_METHOD)
        variants.append((target, len(out.getvalue())))
        blobs.append(out.getvalue())
    page = {**shown, "variants": variants}
    return {"pages": [page], "decoded_pixels": decoded}, blobs


def read_image(data: bytes, job: dict) -> tuple[dict, list[bytes]]:
    image = _open(data, max_pixels=job["max_pixels"])
    return render_image(_decode(image, widest=max(job["widths"])), widths=job["widths"])


def _cpu_used() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _cpu_of(pid: int) -> float:
    """CPU seconds a running process has used so far (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime are the 14th and 15th fields, the 12th and 13th after the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _poppler(command: list[str], *, cpu_seconds: float) -> tuple[int, bytes]:
    """Run a poppler tool inside what is left of this process's CPU time:
    its own time is watched, since the profiling timer does not reach it
    (RLIMIT_CPU, whole seconds, is the backstop where /proc is missing)."""
    allowed = cpu_seconds - _cpu_used()
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except FileNotFoundError as error:
        raise Refused("no_pdf_reader") from error
    while process.poll() is None:
        if _cpu_of(process.pid) > allowed:
            process.kill()
            process.wait()
            raise Refused("too_heavy")
        time.sleep(0.01)
    # Opened with stdout=PIPE: never None.
    return process.returncode, cast(IO[bytes], process.stdout).read()


def _page_count(path: str, *, cpu_seconds: float) -> int:
    _, out = _poppler(["pdfinfo", path], cpu_seconds=cpu_seconds)
    for line in out.decode("latin-1").splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise Refused("unreadable_pdf")


def read_pdf(data: bytes, job: dict) -> tuple[dict, list[bytes]]:
    """Each page drawn by poppler to a picture of at most `page_size` pixels
    a side, then re-encoded like any photo: what editors see is pixels, never
    the PDF's own scripts, forms, links or embedded files."""
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "in.pdf")
        with open(source, "wb") as handle:
            handle.write(data)
        pages = _page_count(source, cpu_seconds=job["cpu_seconds"])
        if pages < 1:
            raise Refused("unreadable_pdf")
        if pages > job["max_pages"]:
            raise Refused("too_many_pages", pages=pages)
        size = str(job["page_size"])
        # Uncompressed pixels: poppler spends no time compressing what is read back at once.
        command = ["pdftoppm", "-scale-to", size, "-l", str(pages), source, f"{folder}/page"]
        returncode, _ = _poppler(command, cpu_seconds=job["cpu_seconds"])
        if returncode < 0:
            raise Refused("too_heavy")
        rendered = sorted(name for name in os.listdir(folder) if name.startswith("page"))
        if returncode != 0 or len(rendered) != pages:
            raise Refused("unreadable_pdf")
        report, blobs = {"pages": [], "decoded_pixels": 0}, []
        for name in rendered:
            with open(os.path.join(folder, name), "rb") as handle:
                picture = _open(handle.read(), max_pixels=job["page_size"] ** 2, formats=("PPM",))
            page, page_blobs = render_image(_decode(picture, widest=job["page_size"]), widths=[job["page_size"]])
            report["pages"] += page["pages"]
            report["decoded_pixels"] += page["decoded_pixels"]
            blobs += page_blobs
    return report, blobs


def main() -> int:
    job = json.loads(sys.argv[1])
    limit_resources(memory_bytes=job["memory_bytes"], cpu_seconds=job["cpu_seconds"])
    data = sys.stdin.buffer.read()
    try:
        report, blobs = (read_pdf if job["kind"] == "pdf" else read_image)(data, job)
    except Refused as refusal:
        report, blobs = {"refused": refusal.code, **refusal.details}, []
    except MemoryError:
        report, blobs = {"refused": "too_heavy"}, []
    out = sys.stdout.buffer
    out.write(json.dumps(report).encode() + b"\n")
    for blob in blobs:
        out.write(blob)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
