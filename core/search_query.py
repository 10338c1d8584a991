"""What a visitor typed into a search box (people, petitions), made safe to
search with, the same way on every page and in the API."""

import unicodedata

MAX_QUERY_LENGTH = 100


def clean_query(raw: str | None) -> str:
    """What a visitor typed, made safe to search with: bounded in length and free of
    NUL and other control or invisible format characters (PostgreSQL rejects NUL)."""
    if not raw:
        return ""
    kept = "".join(" " if unicodedata.category(char).startswith("C") else char for char in raw[: MAX_QUERY_LENGTH * 4])
    return " ".join(kept.split())[:MAX_QUERY_LENGTH]
