"""The petitions that fight for a case, for its page and the API.

The link is the petitions app's (Petition.cases), and that app sits above
this one, which may not reach it (not by import, model string or reverse
relation). So petitions registers the lookup here from its AppConfig.ready()."""

from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured

PetitionsFinder = Callable[..., Iterable]

_finder: PetitionsFinder | None = None


def register_petitions_finder(finder: PetitionsFinder) -> None:
    """`finder(case, *, with_texts: bool)`: the published petitions that fight
    for the case, most signed first; with their translations when asked."""
    global _finder  # set once, from the providing app's ready()
    if _finder is not None and _finder is not finder:
        raise ImproperlyConfigured("A finder of the petitions for a case is registered already.")
    _finder = finder


def petitions_for(case, *, with_texts: bool = False) -> Iterable:
    return _finder(case, with_texts=with_texts) if _finder is not None else []
