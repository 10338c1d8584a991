import pytest

from core.shorten import shorten


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Free them", 44, "Free them"),
        ("Free them now", 13, "Free them now"),
        ("Free them now", 12, "Free them…"),
        ("Free the Uyghur wives, now", 23, "Free the Uyghur wives…"),  # no comma before the ellipsis
        ("  Free   them  ", 44, "Free them"),
        ("Supercalifragilistic", 10, "Supercali…"),  # one word longer than the space
        ("释放被关押在新疆的维吾尔族妇女", 8, "释放被关押在新…"),
        ("ئۇيغۇر ئاياللارنى قويۇپ بېرىڭ", 20, "ئۇيغۇر ئاياللارنى…"),
        ("", 10, ""),
    ],
)
def test_shorten_keeps_whole_words(text, limit, expected):
    assert shorten(text, limit=limit) == expected
    assert len(shorten(text, limit=limit)) <= limit
