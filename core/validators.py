"""Validators for free text typed by the public."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LINE_BREAKS = frozenset("\n\r\t")


def reject_control_characters(value: str) -> None:
    """Refuse invisible control characters (NUL, escape, backspace …) in a
    single-line value; names end up in pages, CSV files and email headers."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(_("Remove the invisible control characters from this field."), code="control")


def reject_control_characters_multiline(value: str) -> None:
    """As above, but line breaks and tabs are fine in a paragraph."""
    if any(unicodedata.category(char) == "Cc" and char not in LINE_BREAKS for char in value):
        raise ValidationError(_("Remove the invisible control characters from this field."), code="control")
