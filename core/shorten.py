"""Shortening a title to fit a fixed space (badges, cards) without cutting a word."""

ELLIPSIS = "…"


def shorten(text: str, *, limit: int) -> str:
    """`text` if it fits in `limit` characters; otherwise the words that fit,
    followed by an ellipsis. Text written without spaces (Chinese) has no word
    to keep whole, so it is cut at the limit; so is a first word longer than
    the whole space."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    cut = text[: room + 1]
    boundary = cut.rfind(" ")
    if boundary > 0:
        return text[:boundary].rstrip(" ,;:-\u2013\u2014") + ELLIPSIS
    return text[:room] + ELLIPSIS
