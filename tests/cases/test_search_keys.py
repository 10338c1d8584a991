import pytest

from cases.search_keys import MAX_QUERY_LENGTH, clean_query, name_search_key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Mailikemu Maimati", "mailikemu maimati"),
        ("MÄILIKEMU  Maimati ", "mailikemu maimati"),
        ("Mäilikemu\tMaimati", "mailikemu maimati"),
        ("Şerikjan Bilaş", "serikjan bilas"),
        ("Serikzhan Bilash", "serikzhan bilash"),
        ("Ｍａｉｍａｔｉ", "maimati"),
        ("Straße", "strasse"),
        ("Дөсембек", "дөсембек"),  # Kazakh letters are letters, not accented Russian ones
        ("ДОСЕМБЕК", "досембек"),
        ("مەلىكەم", "مەلىكەم"),  # Arabic script kept as written
        ("麦丽克木", "麦丽克木"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_name_search_key(text, key):
    assert name_search_key(text) == key


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
