"""The one upload reader: what a family's phone put in a photo never comes
out, a PDF is kept as pictures of its pages, and a hostile file costs at
most the limits (counted in pixels decoded and bytes read, not seconds)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from core import encryption, uploads
from tests.core.upload_files import POLYGLOT, file_upload, noisy_jpeg, pdf_bytes, solid_png, truncated_pdf


def jpeg_with_gps(*, size=(640, 480), orientation: int | None = None) -> bytes:
    picture = Image.new("RGB", size, (200, 30, 30))
    picture.paste((30, 30, 200), (0, 0, size[0] // 2, size[1] // 4))  # a mark to see rotation by
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = "Marker Owner Name"  # Artist
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (39.0, 28.0, 12.0)  # Kashgar
    gps[3], gps[4] = "E", (75.0, 59.0, 30.0)
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif, quality=90)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def reencode(upload, *, limits=None):
    return uploads.read_image(upload, limits=limits or uploads.UploadLimits.organiser())


def opened(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def test_gps_and_camera_metadata_are_gone_from_every_size():
    original = jpeg_with_gps()
    assert b"PhoneMaker" in original and opened(original).getexif().get_ifd(0x8825)

    result = reencode(upload(original))

    assert set(result.variants) == {160, 480, 640}  # never wider than the original
    for data in result.variants.values():
        picture = opened(data)
        assert picture.format == "WEBP"
        assert not picture.getexif()
        assert "exif" not in picture.info and "xmp" not in picture.info and "icc_profile" not in picture.info
        assert b"PhoneMaker" not in data and b"Marker Owner" not in data


def test_orientation_is_applied_so_the_photo_stands_as_taken():
    result = reencode(upload(jpeg_with_gps(size=(640, 480), orientation=6)))  # rotated 90° on the phone

    assert (result.width, result.height) == (480, 640)
    assert opened(result.variants[480]).size == (480, 640)


def test_sizes_keep_the_proportions():
    result = reencode(upload(jpeg_with_gps(size=(2400, 1200))))

    assert {width: opened(data).size for width, data in result.variants.items()} == {
        160: (160, 80),
        480: (480, 240),
        1200: (1200, 600),
    }
    assert opened(result.largest).size == (1200, 600)


def test_a_colour_profile_is_converted_to_srgb_and_not_kept():
    picture = Image.new("RGB", (100, 100), (10, 200, 10))
    out = io.BytesIO()
    picture.save(out, format="JPEG", icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    assert "icc_profile" in opened(out.getvalue()).info

    data = reencode(upload(out.getvalue())).largest

    reread = opened(data)
    assert "icc_profile" not in reread.info
    red, green, blue = reread.convert("RGB").getpixel((50, 50))
    assert green > 150 and red < 60 and blue < 60


def test_transparency_survives():
    picture = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    out = io.BytesIO()
    picture.save(out, format="PNG")

    assert opened(reencode(upload(out.getvalue(), "x.png")).largest).mode == "RGBA"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n1 0 obj <<>> endobj",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"GIF89a" + b"\x00" * 20,  # a header and nothing behind it
        jpeg_with_gps()[:400],  # a truncated JPEG
        b"",
    ],
    ids=["pdf", "svg", "gif-header-only", "truncated-jpeg", "empty"],
)
def test_files_that_are_not_images_are_refused_in_words(data):
    with pytest.raises(ValidationError) as refused:
        reencode(upload(data, "fake.jpg"))

    assert refused.value.code == "not_an_image"
    assert "not an image we can read" in str(refused.value.messages[0])


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # 20,000 by 20,000 pixels of one colour: a few kilobytes of PNG, 1.2 GB decoded.
    bomb = Image.new("1", (20_000, 20_000))
    out = io.BytesIO()
    bomb.save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) < 200_000

    with pytest.raises(ValidationError) as refused:
        reencode(upload(out.getvalue(), "bomb.png"))

    assert refused.value.code == "too_many_pixels"
    assert "40 megapixels" in str(refused.value.messages[0])


def test_over_forty_megapixels_is_refused(settings):
    settings.PLEA_ORGANISER_UPLOAD_MAX_PIXELS = 640 * 480 - 1

    with pytest.raises(ValidationError) as refused:
        reencode(upload(jpeg_with_gps(size=(640, 480))))

    assert refused.value.code == "too_many_pixels"


def test_over_twenty_megabytes_is_refused_without_reading_it_all(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BYTES", 1000)

    with pytest.raises(ValidationError) as refused:
        reencode(upload(jpeg_with_gps()))

    assert refused.value.code == "too_large"
    assert "20 MB" in str(refused.value.messages[0])


# --- Hostile files: bounded by pixels decoded, not by the machine's speed --------


@pytest.fixture
def decoded(monkeypatch):
    """Every report of the decoding process, as it was charged."""
    reports = []
    real = uploads.run_worker

    def counting(job, data):
        done = real(job, data)
        reports.append({"job": job, "bytes_in": len(data), **done.report})
        return done

    monkeypatch.setattr(uploads, "run_worker", counting)
    return reports


def decoded_pixels(reports) -> int:
    return sum(report.get("decoded_pixels", 0) for report in reports)


def test_a_public_form_refuses_a_decompression_heavy_png_without_decoding_a_pixel(decoded):
    data = solid_png((6300, 6300))  # 40 megapixels, a few hundred kilobytes
    assert len(data) < 300_000

    with pytest.raises(ValidationError) as refused:
        uploads.read_upload(upload(data, "x.png"), limits=uploads.UploadLimits.public())

    assert refused.value.code == "too_many_pixels"
    assert "12 megapixels" in str(refused.value.messages[0])
    assert decoded_pixels(decoded) == 0


def test_organisers_get_more_pixels_than_the_public(decoded):
    data = solid_png((4000, 4000))

    with pytest.raises(ValidationError):
        uploads.read_upload(upload(data, "x.png"), limits=uploads.UploadLimits.public())
    kept = uploads.read_upload(upload(data, "x.png"), limits=uploads.UploadLimits.organiser())

    assert kept.image.width == 4000
    assert decoded_pixels(decoded) == 4000 * 4000


def test_one_submission_decodes_at_most_its_pixel_budget(settings, decoded):
    settings.PLEA_PUBLIC_UPLOAD_PIXEL_BUDGET = 10_000_000
    budget = uploads.UploadBudget.public()
    outcomes = []
    for _ in range(4):
        try:
            kept = upload(solid_png((2000, 2000)), "x.png")
            uploads.read_upload(kept, limits=uploads.UploadLimits.public(), budget=budget)
        except ValidationError as refused:
            outcomes.append(refused.code)
        else:
            outcomes.append("kept")

    assert outcomes == ["kept", "kept", "over_budget", "over_budget"]
    assert decoded_pixels(decoded) <= 10_000_000


def test_a_large_jpeg_is_decoded_at_a_fraction_of_its_size(decoded):
    kept = uploads.read_upload(upload(noisy_jpeg((3400, 2400))), limits=uploads.UploadLimits.public())

    # Draft mode: the decoder itself halves it; nothing wider than kept is drawn.
    assert decoded_pixels(decoded) <= 1700 * 1200
    assert max(kept.image.variants) == uploads.DOCUMENT_WIDTH


def test_a_file_that_needs_more_cpu_than_allowed_is_refused_and_nothing_returned():
    limits = uploads.UploadLimits(max_pixels=40_000_000, max_pages=5, cpu_seconds=0.01, memory_bytes=768 * 2**20)

    with pytest.raises(ValidationError) as refused:
        uploads.read_upload(upload(noisy_jpeg((3000, 3000))), limits=limits)

    assert refused.value.code == "too_heavy"
    assert "too much work" in str(refused.value.messages[0])


def test_a_file_that_needs_more_memory_than_allowed_is_refused():
    limits = uploads.UploadLimits(max_pixels=40_000_000, max_pages=5, cpu_seconds=20, memory_bytes=120 * 2**20)

    with pytest.raises(ValidationError) as refused:
        uploads.read_upload(upload(solid_png((6000, 6000)), "x.png"), limits=limits)

    assert refused.value.code == "too_heavy"


# --- PDFs: kept as pictures of their pages, the original sealed -----------------


def test_a_real_pdf_becomes_pictures_of_its_pages_and_its_original_is_sealed():
    data = pdf_bytes(pages=2)

    kept = uploads.read_upload(file_upload(data, "letter.pdf"), limits=uploads.UploadLimits.public())

    assert kept.is_pdf and kept.original_pdf == data
    assert len(kept.pages) == 2
    for page in kept.pages:
        picture = opened(page.largest)
        assert picture.format == "WEBP" and max(picture.size) <= uploads.DOCUMENT_WIDTH
    content, content_type = uploads.kept_file(kept)
    stored = content.read()
    assert content_type == uploads.PDF
    assert b"%PDF" not in stored and b"Marker" not in stored
    assert encryption.unseal_bytes(stored) == data


@pytest.mark.parametrize(
    ("data", "code"),
    [(POLYGLOT, "unreadable_pdf"), (truncated_pdf(), "unreadable_pdf"), (b"%PDF-", "unreadable_pdf")],
    ids=["pdf-html-polyglot", "truncated", "magic-only"],
)
def test_a_file_that_only_starts_like_a_pdf_is_refused(data, code):
    with pytest.raises(ValidationError) as refused:
        uploads.read_upload(file_upload(data, "a.pdf"), limits=uploads.UploadLimits.public())

    assert refused.value.code == code
    assert "could not be read" in str(refused.value.messages[0])


def test_a_pdf_over_the_page_cap_is_refused_in_words(settings):
    settings.PLEA_PUBLIC_UPLOAD_MAX_PAGES = 3

    with pytest.raises(ValidationError) as refused:
        uploads.read_upload(file_upload(pdf_bytes(pages=4), "long.pdf"), limits=uploads.UploadLimits.public())

    assert refused.value.code == "too_many_pages"
    assert "more than 3 pages" in str(refused.value.messages[0])


def test_a_pdf_is_refused_where_only_a_photo_is_wanted():
    with pytest.raises(ValidationError) as refused:
        reencode(file_upload(pdf_bytes(), "photo.jpg"))

    assert refused.value.code == "not_an_image"


def test_a_pdf_over_twenty_megabytes_is_called_a_file_not_an_image():
    data = b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024)

    with pytest.raises(ValidationError) as refused:
        uploads.read_upload(file_upload(data, "big.pdf"), limits=uploads.UploadLimits.public())

    message = str(refused.value.messages[0])
    assert "larger than 20 MB" in message and "image" not in message


def test_without_poppler_a_pdf_is_refused_in_words_and_the_check_says_why(monkeypatch):
    from core.checks import pdfs_can_be_drawn

    monkeypatch.setenv("PATH", "/nonexistent")

    with pytest.raises(ValidationError) as refused:
        uploads.read_upload(file_upload(pdf_bytes(), "a.pdf"), limits=uploads.UploadLimits.public())

    assert refused.value.code == "no_pdf_reader"
    assert [warning.id for warning in pdfs_can_be_drawn()] == ["plea.W022"]


def test_a_pdf_that_keeps_poppler_busy_past_the_cpu_allowance_is_refused():
    limits = uploads.UploadLimits(max_pixels=40_000_000, max_pages=50, cpu_seconds=0.15, memory_bytes=768 * 2**20)

    with pytest.raises(ValidationError) as refused:
        uploads.read_upload(file_upload(pdf_bytes(pages=30), "long.pdf"), limits=limits)

    assert refused.value.code == "too_heavy"
