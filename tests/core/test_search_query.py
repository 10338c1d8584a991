import pytest

from core.search_query import MAX_QUERY_LENGTH, clean_query


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (None, ""),
        ("", ""),
        ("  Kali   Maolai ", "Kali Maolai"),
        ("Kali\x00Maolai", "Kali Maolai"),
        ("Ka\u200bli", "Ka li"),  # zero-width space is a format character
        ("\x1b[31mred", "[31mred"),
        ("x" * 10_000, "x" * MAX_QUERY_LENGTH),
    ],
)
def test_clean_query(raw, cleaned):
    assert clean_query(raw) == cleaned
