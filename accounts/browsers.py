"""Which browser on which system, in plain words, from a User-Agent header.

For the account page's list of sessions, where a person should recognise
their own devices ("Firefox on Windows"): the names only, never versions,
models or anything else a header carries. Tables, first match wins: the
order matters because browsers name their ancestors too (Edge says
"Chrome" and "Safari", Chrome says "Safari", an iPhone says "Mac OS X").
"""

from typing import NamedTuple

BROWSERS: list[tuple[str, str]] = [
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Opera", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("YaBrowser/", "Yandex Browser"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("HeadlessChrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Version/", "Safari"),  # Safari alone says "Version/"; the others matched above
]

SYSTEMS: list[tuple[str, str]] = [
    ("Windows", "Windows"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


class Browser(NamedTuple):
    name: str  # "" when not recognised
    system: str


def describe(user_agent: str) -> Browser:
    return Browser(name=_first(BROWSERS, user_agent), system=_first(SYSTEMS, user_agent))


def _first(table: list[tuple[str, str]], user_agent: str) -> str:
    return next((name for mark, name in table if mark in user_agent), "")
