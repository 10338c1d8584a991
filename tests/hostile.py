"""A corpus of hostile input, for every form field and query parameter."""

TEXT = [
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31mred\x7f",
    "A" * 100_000,
    "\u202egnp.exe",  # right-to-left override
    "\u2066isolate\u2069\u200b\u200f",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ request }}{% debug %}",
    "' OR 1=1 --",
    "'; DROP TABLE petitions_signature; --",
    "%' AND 1=1 --",
    "\\",
    "x\r\nBcc: victim@example.org",
    "a@b.org\nBcc: c@d.org",
    "😀" * 60,
    "Z̷̛̜a̧l̨g̴o",
    "\ufffe\uffff",
    "",
    " ",
]

# Raw query-string values: sent as typed, without encoding them again.
RAW_QUERY = [
    "%00",
    "%ff%fe",
    "%c0%af",
    "%ed%a0%80",  # an encoded UTF-16 surrogate: invalid UTF-8
    "%",
    "%zz",
    "%E2%80%AE",
    "x" * 10_000,
    "1e999",
    "-1",
    "99999999999999999999999",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%27%20OR%201%3D1%20--",
]

# What would show that input ran: live markup, or the debug tag's output.
SCRIPT_MARKERS = ["<script>alert(1)", "<img src=x onerror", "sql_queries"]


# Bodies far larger than any public form needs, as declared (Content-Length)
# and as sent without a length (chunked): refused before they are read.
OVERSIZED_DECLARED_LENGTHS = [16 * 1024 + 1, 2 * 1024 * 1024, 300 * 1024 * 1024, 10**15]


def decompression_heavy_images() -> dict[str, bytes]:
    """Small to send, huge to decode: what a stranger can post to the intake form."""
    import io
    import struct
    import zlib

    from PIL import Image

    from tests.core.upload_files import solid_png

    def png_header_only(width: int, height: int) -> bytes:
        # A valid header claiming a vast picture, then one tiny compressed row.
        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
        )

    bilevel = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bilevel, format="PNG", optimize=True)
    gif = io.BytesIO()
    Image.new("P", (8, 8)).save(gif, format="GIF")
    huge_gif = gif.getvalue()[:6] + struct.pack("<HH", 65535, 65535) + gif.getvalue()[10:]
    return {
        "solid-6300-png": solid_png((6300, 6300)),
        "bilevel-20000-png": bilevel.getvalue(),
        "header-claims-2-gigapixels-png": png_header_only(50_000, 40_000),
        "gif-screen-65535": huge_gif,
    }
