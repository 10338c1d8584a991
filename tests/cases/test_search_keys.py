import pytest

from cases.search_keys import name_search_key


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
