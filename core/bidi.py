"""A name among other text, where no markup can isolate it (plain-text mail,
a stored update title): Unicode's first-strong isolate around it, which
does in text what <bdi> does in a page. An Urdu name in an English sentence
(or a Latin one in an Urdu sentence) then keeps the words, numbers and
brackets next to it in their places."""

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def isolated(name: str) -> str:
    return f"{FIRST_STRONG_ISOLATE}{name}{POP_DIRECTIONAL_ISOLATE}"


def without_isolates(text: str) -> str:
    """The text as data (JSON, CSV): the isolates are for showing it among other text."""
    return text.replace(FIRST_STRONG_ISOLATE, "").replace(POP_DIRECTIONAL_ISOLATE, "")
