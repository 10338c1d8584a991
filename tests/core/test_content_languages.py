import pytest
from django.utils import translation

from core.content_languages import choose

ORIGINAL = {"title": "Free them", "story": "They are held."}
TRANSLATIONS = [
    ("ur", {"title": "انہیں رہا کرو", "story": "وہ قید ہیں۔"}),
    ("ru", {"title": "Освободите их", "story": ""}),
]


@pytest.mark.parametrize(
    ("reader", "language", "title", "story"),
    [
        ("en", "en", "Free them", "They are held."),
        ("ur", "ur", "انہیں رہا کرو", "وہ قید ہیں۔"),
        ("ru", "ru", "Освободите их", "They are held."),  # an empty field falls back
        ("tr", "en", "Free them", "They are held."),  # no translation: the original
        ("UR", "ur", "انہیں رہا کرو", "وہ قید ہیں۔"),
    ],
)
def test_the_readers_language_is_chosen_field_by_field(reader, language, title, story):
    text = choose(original_language="en", original=ORIGINAL, translations=TRANSLATIONS, language=reader)

    assert (text.language, text.title, text.story) == (language, title, story)


def test_an_empty_translation_is_no_translation():
    text = choose(
        original_language="en", original=ORIGINAL, translations=[("kk", {"title": "", "story": ""})], language="kk"
    )

    assert text.language == "en"


def test_the_active_language_is_the_default():
    with translation.override("ur"):
        assert choose(original_language="en", original=ORIGINAL, translations=TRANSLATIONS).title == "انہیں رہا کرو"


def test_a_text_written_in_urdu_stays_urdu_for_urdu_readers():
    text = choose(
        original_language="ur", original={"title": "اصل"}, translations=[("ur", {"title": "other"})], language="ur"
    )

    assert (text.language, text.title) == ("ur", "اصل")
