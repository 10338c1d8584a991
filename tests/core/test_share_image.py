"""Drawing share images: Raqm shapes right-to-left scripts, every script we
serve has a font, what has none is left out, and a picture is drawn once."""

import io

import pytest
from PIL import Image, ImageFont, features

from core import share_image
from core.share_image import ARABIC, CJK, LATIN_CYRILLIC, Card, draw, font_runs, png

URDU = "رہائی دو"  # "release them"
UYGHUR = "قويۇپ بېرىڭ"


def test_pillow_here_really_has_raqm():
    assert features.check("raqm"), "libraqm0 is missing: Urdu and Uyghur would be left out of share images"
    assert share_image.shaping_available()


@pytest.mark.parametrize("text", [URDU, UYGHUR])
def test_urdu_and_uyghur_letters_are_joined_by_raqm(text):
    """Shaped, a word's joined letters are narrower than the same letters
    set one by one in their isolated forms; basic layout sets them apart."""
    font = share_image._font(ARABIC[1], 48)
    assert font.layout_engine == ImageFont.Layout.RAQM
    word = text.split()[0]
    shaped = font.getlength(word, language="ur")
    isolated = sum(font.getlength(letter, language="ur") for letter in word)
    assert shaped < isolated * 0.95


@pytest.mark.parametrize(
    ("text", "rtl", "faces"),
    [
        ("Free them", False, [LATIN_CYRILLIC[1]]),
        ("Босатыңыз, Қайрат", False, [LATIN_CYRILLIC[1]]),
        (URDU + " 1,200", True, [ARABIC[1]]),
        ("释放他们 2014", False, [CJK[1], LATIN_CYRILLIC[1]]),
    ],
)
def test_each_script_is_drawn_in_a_font_that_has_it(text, rtl, faces):
    runs = font_runs(text, right_to_left=rtl, bold=True)
    assert [face for face, _chunk in runs] == faces
    assert "".join(chunk for _face, chunk in runs) == text


def test_characters_no_font_has_are_left_out_rather_than_drawn_as_boxes():
    runs = font_runs("Free 🙂 them ꦲꦏ\u202e", right_to_left=False, bold=False)
    assert "".join(chunk for _face, chunk in runs) == "Free  them "


def test_without_raqm_arabic_script_is_left_out_not_drawn_backwards(monkeypatch):
    monkeypatch.setattr(share_image, "shaping_available", lambda: False)
    runs = font_runs(f"Free {URDU}", right_to_left=False, bold=False)
    assert "".join(chunk for _face, chunk in runs).strip() == "Free"


@pytest.mark.parametrize("language", ["en", "ur", "ug", "kk", "ru", "zh-hans", "tr"])
def test_a_card_is_a_1200_by_630_png_in_every_language(language):
    card = Card(language=language, title="Free them " + URDU + " 释放", lines=("12 have signed",), progress=(12, 100))
    image = Image.open(io.BytesIO(draw(card)))
    assert image.format == "PNG"
    assert image.size == (1200, 630)


def test_a_right_to_left_card_is_laid_out_from_the_right():
    def ink_columns(language):
        image = Image.open(io.BytesIO(draw(Card(language=language, title=URDU)))).convert("L")
        title_band = image.crop((0, 40, 1200, 200))
        return title_band.point(lambda value: 255 if value < 128 else 0).getbbox()

    left_to_right = ink_columns("en")
    right_to_left = ink_columns("ur")
    assert left_to_right[0] == pytest.approx(72, abs=8)
    assert right_to_left[2] == pytest.approx(1200 - 72, abs=8)


def test_the_version_changes_with_anything_drawn_and_only_then():
    card = Card(language="en", title="Free them", lines=("1,200 have signed",), progress=(1200, 2000))
    assert (
        card.version
        == Card(language="en", title="Free them", lines=("1,200 have signed",), progress=(1200, 2000)).version
    )
    assert (
        card.version
        != Card(language="ur", title="Free them", lines=("1,200 have signed",), progress=(1200, 2000)).version
    )
    assert (
        card.version
        != Card(language="en", title="Free them", lines=("1,300 have signed",), progress=(1300, 2000)).version
    )


def test_a_version_is_drawn_once_however_often_it_is_asked_for(monkeypatch):
    drawn = []
    monkeypatch.setattr(share_image, "draw", lambda card: drawn.append(card) or b"png")
    card = Card(language="en", title="Free them")
    for _ in range(5):
        assert png(card, subject="petition:x") == b"png"
    assert len(drawn) == 1
    png(Card(language="en", title="Free them all"), subject="petition:x")
    assert len(drawn) == 2
