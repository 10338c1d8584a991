"""Names and other one-line values refuse invisible characters that reorder
text (right-to-left overrides and the like); paragraphs keep the marks that
mixed-direction writing needs."""

import pytest
from django.core.exceptions import ValidationError

from core.validators import reject_control_characters, reject_control_characters_multiline

DIRECTION_CONTROLS = [
    "\u202a",  # left-to-right embedding
    "\u202b",  # right-to-left embedding
    "\u202c",  # pop directional formatting
    "\u202d",  # left-to-right override
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2067",  # right-to-left isolate
    "\u2068",  # first strong isolate
    "\u2069",  # pop directional isolate
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u061c",  # Arabic letter mark
]


@pytest.mark.parametrize("control", DIRECTION_CONTROLS, ids=[f"U+{ord(c):04X}" for c in DIRECTION_CONTROLS])
def test_a_name_with_a_direction_control_is_refused_with_a_clear_message(control):
    with pytest.raises(ValidationError) as refused:
        reject_control_characters(f"Mihrigul {control}Tursun")
    assert refused.value.code == "direction"
    assert "change the direction of text" in refused.value.messages[0]


@pytest.mark.parametrize(
    "name",
    [
        "Mihrigul Tursun",
        "مىھرىگۈل تۇرسۇن",  # Uyghur in Arabic script
        "میاں شاہد الیاس",  # Urdu
        "Серікжан Біләш",
        "米日古丽·吐尔逊",
        "ئۆمەر\u200cجان",  # a zero-width non-joiner, which Arabic-script spelling uses
        "O'Brien-Smith",
    ],
)
def test_names_in_every_script_pass(name):
    reject_control_characters(name)


def test_paragraphs_keep_direction_marks_and_refuse_control_characters():
    reject_control_characters_multiline("ئۇ 2017\u200f-يىلى تۇتۇلدى.\nSecond line")
    with pytest.raises(ValidationError):
        reject_control_characters_multiline("bell\x07")
