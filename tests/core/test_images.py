"""The upload pipeline: what a family's phone put in a photo never comes out."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from core import images


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


def opened(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def test_gps_and_camera_metadata_are_gone_from_every_size():
    original = jpeg_with_gps()
    assert b"PhoneMaker" in original and opened(original).getexif().get_ifd(0x8825)

    result = images.reencode(upload(original))

    assert set(result.variants) == {160, 480, 640}  # never wider than the original
    for data in result.variants.values():
        picture = opened(data)
        assert picture.format == "WEBP"
        assert not picture.getexif()
        assert "exif" not in picture.info and "xmp" not in picture.info and "icc_profile" not in picture.info
        assert b"PhoneMaker" not in data and b"Marker Owner" not in data


def test_orientation_is_applied_so_the_photo_stands_as_taken():
    result = images.reencode(upload(jpeg_with_gps(size=(640, 480), orientation=6)))  # rotated 90° on the phone

    assert (result.width, result.height) == (480, 640)
    assert opened(result.variants[480]).size == (480, 640)


def test_sizes_keep_the_proportions():
    result = images.reencode(upload(jpeg_with_gps(size=(2400, 1200))))

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

    data = images.reencode(upload(out.getvalue())).largest

    reread = opened(data)
    assert "icc_profile" not in reread.info
    red, green, blue = reread.convert("RGB").getpixel((50, 50))
    assert green > 150 and red < 60 and blue < 60


def test_transparency_survives():
    picture = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    out = io.BytesIO()
    picture.save(out, format="PNG")

    assert opened(images.reencode(upload(out.getvalue(), "x.png")).largest).mode == "RGBA"


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
        images.reencode(upload(data, "fake.jpg"))

    assert refused.value.code == "not_an_image"
    assert "not an image we can read" in str(refused.value.messages[0])


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # 20,000 by 20,000 pixels of one colour: a few kilobytes of PNG, 1.2 GB decoded.
    bomb = Image.new("1", (20_000, 20_000))
    out = io.BytesIO()
    bomb.save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) < 200_000

    with pytest.raises(ValidationError) as refused:
        images.reencode(upload(out.getvalue(), "bomb.png"))

    assert refused.value.code == "too_many_pixels"
    assert "40 megapixels" in str(refused.value.messages[0])


def test_over_forty_megapixels_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 640 * 480 - 1)

    with pytest.raises(ValidationError) as refused:
        images.reencode(upload(jpeg_with_gps(size=(640, 480))))

    assert refused.value.code == "too_many_pixels"


def test_over_twenty_megabytes_is_refused_without_reading_it_all(monkeypatch):
    monkeypatch.setattr(images, "MAX_BYTES", 1000)

    with pytest.raises(ValidationError) as refused:
        images.reencode(upload(jpeg_with_gps()))

    assert refused.value.code == "too_large"
    assert "20 MB" in str(refused.value.messages[0])
