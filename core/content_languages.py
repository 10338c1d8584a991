"""Texts that organisers write in several languages, shown in the reader's
language when there is a translation and in the original otherwise."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language


@dataclass(frozen=True)
class LocalText:
    """The texts to show, and the language they are really in (for `lang`)."""

    language: str
    fields: dict[str, str]

    def __getattr__(self, name: str) -> str:
        try:
            return self.fields[name]
        except KeyError:
            raise AttributeError(name) from None


def translations_of(texts, fields: Iterable[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """A related manager's translation rows (`petition.texts`) as choose()
    takes them, read only when choose() first asks, i.e. for a reader in
    another language than the original's. (A generator expression would
    query `texts.all()` the moment it is made, for every reader.)"""
    fields = tuple(fields)
    for text in texts.all():
        yield text.language, {name: getattr(text, name) for name in fields}


def choose(
    *,
    original_language: str,
    original: dict[str, str],
    translations: Iterable[tuple[str, dict[str, str]]],
    language: str | None = None,
) -> LocalText:
    """The translation into `language` (default: the active one), field by
    field: an empty translated field falls back to the original's."""
    language = (language or get_language() or settings.LANGUAGE_CODE).lower()
    if language != original_language.lower():
        for candidate, fields in translations:
            if candidate.lower() == language and any(fields.values()):
                merged = {name: fields.get(name) or value for name, value in original.items()}
                return LocalText(language=candidate, fields=merged)
    return LocalText(language=original_language, fields=dict(original))
