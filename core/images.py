"""Every uploaded image is decoded and drawn again before it is kept.

A photo from a family's phone carries where and when it was taken (EXIF GPS),
the phone's make and sometimes its owner's name: none of it may reach a public
page, so nothing of the original file is kept, only pixels re-encoded here.
What is refused, and why, is said in words a family member understands.
"""

import io
import warnings
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Card, page column, full view: the widths the templates ask for.
WIDTHS = (160, 480, 1200)
READABLE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
WEBP_QUALITY = 80

NOT_AN_IMAGE = _("This file is not an image we can read. Send a JPEG, PNG, WebP or GIF picture.")
TOO_MANY_BYTES = _("This image is larger than 20 MB. Send a smaller copy.")
TOO_MANY_PIXELS = _("This image is larger than 40 megapixels. Send a smaller copy.")

_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class ReencodedImage:
    """The re-encoded picture: WebP bytes by width, none wider than the original."""

    width: int
    height: int
    variants: dict[int, bytes] = field(repr=False)

    @property
    def largest(self) -> bytes:
        return self.variants[max(self.variants)]

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))


def reencode(upload, *, widths: tuple[int, ...] = WIDTHS) -> ReencodedImage:
    """Decode `upload` (a file object, e.g. an UploadedFile) and return fresh
    WebP renderings with no metadata, orientation applied and colours in sRGB.
    Raises ValidationError with a message for the person who sent it."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(TOO_MANY_BYTES, code="too_large")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_MANY_BYTES, code="too_large")
    image = _decode(data)
    image = _to_srgb(ImageOps.exif_transpose(image))
    mode = "RGBA" if image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info else "RGB"
    image = image.convert(mode)
    variants = {}
    for width in sorted(set(widths)):
        target = min(width, image.width)
        if target in variants:
            continue
        copy = image if target == image.width else image.resize((target, _height(image, target)), Image.LANCZOS)
        out = io.BytesIO()
        # A new Image carries no info dict from the file: no exif, xmp or icc
        # argument is passed, so none is written.
        copy.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
        variants[target] = out.getvalue()
    return ReencodedImage(width=image.width, height=image.height, variants=variants)


def _height(image: Image.Image, width: int) -> int:
    return max(1, round(image.height * width / image.width))


def _decode(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; we refuse at ours.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=READABLE_FORMATS)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels")
            image.seek(0)
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        # Pillow's UnidentifiedImageError is an OSError; truncated and corrupt
        # files raise any of these.
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from error
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours as the photo was meant to look, in the one profile every browser
    assumes when a file carries none."""
    icc = image.info.get("icc_profile")
    if not icc:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode in {"RGBA", "LA", "PA"} else "RGB"
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile is dropped, not trusted: the pixels stay as they are.
        converted = None
    image.info.pop("icc_profile", None)
    return converted or image
