"""Search keys for people's names: one spelling matches another typed without
accents, in another case, or with stray spacing."""

import unicodedata


def name_search_key(text: str) -> str:
    """Fold a name for matching: decompose (NFKD), drop combining marks, casefold
    and collapse whitespace. Arabic, Cyrillic and Chinese letters stay letters;
    only their marks and case go, so "Ü" matches "u" and "Ә" matches "ә"."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = without_marks.casefold()
    return " ".join(folded.split())


def key_words(key: str) -> list[str]:
    """The words a search key is searched by: split at spaces, each once, in order."""
    return list(dict.fromkeys(key.split()))
