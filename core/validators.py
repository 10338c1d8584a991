"""Validators for free text typed by the public."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LINE_BREAKS = frozenset("\n\r\t")

# Characters that change the direction text is shown in: embeddings and
# overrides (U+202A-U+202E), isolates (U+2066-U+2069), and the left-to-right,
# right-to-left and Arabic letter marks. An override in a name turns
# "Ali" into what reads as another name, or makes the words after it on an
# organiser's page run backwards; a name needs none of them, since pages
# isolate every name (<bdi>) and the browser orders its letters itself.
DIRECTION_CONTROLS = frozenset(
    [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)


def reject_control_characters(value: str) -> None:
    """Refuse invisible control characters (NUL, escape, backspace …) and
    direction controls in a single-line value (a name, a title, a place):
    these end up in pages, CSV files and email headers."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(_("Remove the invisible control characters from this field."), code="control")
    if any(char in DIRECTION_CONTROLS for char in value):
        raise ValidationError(
            _(
                "Remove the invisible characters that change the direction of text "
                "(right-to-left or left-to-right marks and overrides) from this field."
            ),
            code="direction",
        )


def reject_control_characters_multiline(value: str) -> None:
    """As above, but line breaks and tabs are fine in a paragraph, and so are
    direction marks, which mixed Urdu, Uyghur and English paragraphs may need."""
    if any(unicodedata.category(char) == "Cc" and char not in LINE_BREAKS for char in value):
        raise ValidationError(_("Remove the invisible control characters from this field."), code="control")
