"""QR codes for printed matter (posters, sign-up sheets): drawn on our own
server as inline SVG, so a page that shows one asks nothing of another site
and prints sharp at any size."""

import segno


def qr_svg(data: str, *, title: str = "", scale: int = 4) -> str:
    """`data` (usually a petition's absolute URL) as an inline <svg> element.

    Error correction level M survives a crumpled or photocopied sheet; the
    quiet zone segno adds by default is what phone cameras need to find it.
    """
    code = segno.make(data, error="m", micro=False)
    return code.svg_inline(scale=scale, title=title or None, svgclass="qr-code", lineclass=None, omitsize=False)
