"""The pictures that link previews show (WhatsApp, Telegram, VK, Facebook):
1200x630 PNGs drawn on our own server, in the reader's language.

Text is laid out by Raqm (FriBiDi and HarfBuzz, through Pillow), so Urdu and
Uyghur run right to left with joined letters. The fonts ship with the code
(static/fonts/, open licences: see the LICENSE files there) rather than
whatever a server happens to have. A character none of them has is left
out: a preview with a gap reads better than one with boxes, and Arabic-script
text is left out whole when Raqm is missing, since unshaped it would be
drawn backwards and broken apart.

A card is drawn once per change: its version is a digest of everything drawn,
the PNG is kept in the cache under that version, and its URL carries the
version, so browsers and link-preview crawlers may keep it for good.
"""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
import urllib.parse
from dataclasses import asdict, dataclass
from functools import cache as memoize
from pathlib import Path
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont, features

from core.cache_refresh import rebuilt_under_lock

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
# Each face as (regular, bold); a face with one weight names it twice.
LATIN_CYRILLIC = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
ARABIC = ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf")
CJK = ("DroidSansFallbackFull.ttf", "DroidSansFallbackFull.ttf")

INK = (33, 37, 41)
MUTED = (73, 80, 87)
ACCENT = (11, 94, 215)
TRACK = (222, 226, 230)
PAPER = (255, 255, 255)

# Kept long: a version never changes, and a lost one is simply drawn again.
CACHE_SECONDS = 60 * 60 * 24 * 30
FOREVER = "public, max-age=31536000, immutable"
# While one request draws a version, others wait this long for it rather than
# all drawing the same picture at once in a surge.
DRAW_LOCK_SECONDS = 10
DRAW_WAIT_SECONDS = 2.0


@dataclass(frozen=True)
class Card:
    """Everything drawn on one picture: the same card, the same PNG."""

    language: str
    title: str
    lines: tuple[str, ...] = ()
    # (count, goal) for a progress bar; None draws no bar.
    progress: tuple[int, int] | None = None
    footer: str = ""

    @property
    def version(self) -> str:
        drawn = json.dumps({**asdict(self), "size": (WIDTH, HEIGHT), "style": 1}, ensure_ascii=False)
        return hashlib.sha256(drawn.encode()).hexdigest()[:16]

    @property
    def right_to_left(self) -> bool:
        return bool(get_language_info(self.language)["bidi"])

    @property
    def alt(self) -> str:
        """What the picture says, for the preview's alt text."""
        return " — ".join(part for part in (self.title, *self.lines) if part)


def site_footer() -> str:
    """The site's name and host, at the foot of every picture."""
    host = urllib.parse.urlsplit(settings.SITE_URL).hostname or ""
    return f"{_('Plea')} · {host}" if host else _("Plea")


def shaping_available() -> bool:
    # None only for a feature Pillow does not know; it knows raqm.
    return cast(bool, features.check("raqm"))


@memoize
def _coverage(filename: str) -> frozenset[int]:
    return frozenset(TTFont(FONT_DIR / filename, lazy=True)["cmap"].getBestCmap())


@memoize
def _font(filename: str, size: int) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if shaping_available() else ImageFont.Layout.BASIC
    return ImageFont.truetype(FONT_DIR / filename, size, layout_engine=engine)


def _faces(*, right_to_left: bool) -> tuple[tuple[str, str], ...]:
    # Spaces, digits and punctuation stay with the script around them: the
    # reader's own script is asked first.
    return (ARABIC, LATIN_CYRILLIC, CJK) if right_to_left else (LATIN_CYRILLIC, ARABIC, CJK)


def _needs_shaping(character: str) -> bool:
    return unicodedata.bidirectional(character) in ("R", "AL")


def font_runs(text: str, *, right_to_left: bool, bold: bool) -> list[tuple[str, str]]:
    """`text` cut into (font file, text) runs, each drawn in one font; the
    characters no shipped font has (or that cannot be shaped) left out."""
    faces = [face[1 if bold else 0] for face in _faces(right_to_left=right_to_left)]
    shaping = shaping_available()
    runs: list[list[str]] = []
    for character in text:
        if unicodedata.category(character) in ("Cc", "Cf") and character not in "\u200c\u200d":
            continue  # control and format characters draw nothing but trouble
        if not shaping and _needs_shaping(character):
            continue
        code = ord(character)
        if runs and code in _coverage(runs[-1][0]):
            runs[-1][1] += character
            continue
        face = next((face for face in faces if code in _coverage(face)), None)
        if face is not None:
            runs.append([face, character])
    return [(face, chunk) for face, chunk in runs if chunk.strip() or len(runs) > 1]


class _Writer:
    def __init__(self, draw: ImageDraw.ImageDraw, *, language: str, right_to_left: bool) -> None:
        self.draw = draw
        self.language = language
        self.right_to_left = right_to_left

    def _shaping(self) -> dict:
        return {"language": self.language} if shaping_available() else {}

    def width(self, text: str, *, size: int, bold: bool) -> float:
        return sum(
            _font(face, size).getlength(chunk, **self._shaping())
            for face, chunk in font_runs(text, right_to_left=self.right_to_left, bold=bold)
        )

    def wrap(self, text: str, *, size: int, bold: bool, width: int, max_lines: int) -> list[str]:
        """Greedy wrapping at spaces, or between characters for a script
        written without them (Chinese); an ellipsis where it runs out."""
        words = text.split()
        lines: list[str] = []
        current = ""
        pieces: list[tuple[str, str]] = []  # (piece, separator before it)
        for word in words:
            if self.width(word, size=size, bold=bold) <= width:
                pieces.append((word, " "))
            else:
                pieces.extend((character, " " if index == 0 else "") for index, character in enumerate(word))
        for piece, separator in pieces:
            candidate = f"{current}{separator}{piece}" if current else piece
            if self.width(candidate, size=size, bold=bold) <= width:
                current = candidate
                continue
            lines.append(current)
            current = piece
        if current:
            lines.append(current)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            last = lines[-1]
            while last and self.width(f"{last}…", size=size, bold=bold) > width:
                last = last[:-1].rstrip()
            lines[-1] = f"{last}…"
        return lines

    def line(self, text: str, *, top: int, size: int, bold: bool, colour: tuple[int, int, int]) -> None:
        """One line, from the start edge of the reader's direction."""
        runs = font_runs(text, right_to_left=self.right_to_left, bold=bold)
        if self.right_to_left:
            x: float = WIDTH - MARGIN
            for face, chunk in runs:
                font = _font(face, size)
                x -= font.getlength(chunk, **self._shaping())
                self.draw.text((x, top), chunk, font=font, fill=colour, **self._shaping())
        else:
            x = MARGIN
            for face, chunk in runs:
                font = _font(face, size)
                self.draw.text((x, top), chunk, font=font, fill=colour, **self._shaping())
                x += font.getlength(chunk, **self._shaping())


def draw(card: Card) -> bytes:
    """The card as a 1200x630 PNG."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    writer = _Writer(draw, language=card.language, right_to_left=card.right_to_left)
    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    text_width = WIDTH - 2 * MARGIN

    top = 64
    for size, max_lines in ((64, 3), (52, 4)):
        title = writer.wrap(card.title, size=size, bold=True, width=text_width, max_lines=max_lines)
        if len(title) <= 3 or max_lines == 4:
            break
    for line in title:
        writer.line(line, top=top, size=size, bold=True, colour=INK)
        top += int(size * 1.45)

    top = max(top + 24, 330)
    for text in card.lines:
        for line in writer.wrap(text, size=36, bold=False, width=text_width, max_lines=2):
            writer.line(line, top=top, size=36, bold=False, colour=MUTED)
            top += 54

    if card.progress is not None:
        count, goal = card.progress
        bar_top = min(top + 16, HEIGHT - 150)
        draw.rounded_rectangle((MARGIN, bar_top, WIDTH - MARGIN, bar_top + 28), radius=14, fill=TRACK)
        filled = int(text_width * min(count / goal, 1)) if goal else 0
        if filled >= 28:
            if card.right_to_left:  # the bar fills the way the reader reads
                box = (WIDTH - MARGIN - filled, bar_top, WIDTH - MARGIN, bar_top + 28)
            else:
                box = (MARGIN, bar_top, MARGIN + filled, bar_top + 28)
            draw.rounded_rectangle(box, radius=14, fill=ACCENT)

    if card.footer:
        writer.line(card.footer, top=HEIGHT - 96, size=34, bold=True, colour=ACCENT)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _key(subject: str, version: str) -> str:
    # The subject (which petition or person) is part of the key, so a
    # version is only ever served at the address of what it shows.
    return f"plea:share-image:{subject}:{version}"


def png(card: Card, *, subject: str) -> bytes:
    """The card's PNG, drawn only if no one has drawn this version yet."""
    key = _key(subject, card.version)
    found = cache.get(key)
    if found is not None:
        return found
    return rebuilt_under_lock(
        key,
        build=lambda: draw(card),
        timeout=CACHE_SECONDS,
        lock_seconds=DRAW_LOCK_SECONDS,
        wait_seconds=DRAW_WAIT_SECONDS,
    )


def png_response(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="image/png")
    response["Cache-Control"] = FOREVER
    return response


def redirect_to_current(url: str) -> HttpResponse:
    """An old version's address leads to the picture as it is now; briefly
    cacheable, since "now" moves."""
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = f"public, max-age={max(settings.PLEA_PAGE_CACHE_SECONDS, 1)}"
    return response


def serve(*, subject: str, version: str, card_now, current_url) -> HttpResponse:
    """The PNG for `version`: from the cache without touching the database
    when it is there (a version never changes); otherwise drawn if it is the
    current one (`card_now()`), or a redirect to the current one.
    `card_now` raises Http404 for what has no picture."""
    found = cache.get(_key(subject, version))
    if found is not None:
        return png_response(found)
    card = card_now()
    if card.version != version:
        return redirect_to_current(current_url(card.version))
    return png_response(png(card, subject=subject))
