"""Rate limits kept in Django's cache (Redis when REDIS_URL is set).

Two shapes, one counter: `hit` counts attempts in fixed windows (signing,
re-sends); a `Throttle` counts attempts from the first one on (sign-in,
reset mails). Both increment first and compare the count that came back,
so parallel requests cannot all pass one check: `cache.incr` is atomic on
Redis and within one process on local memory.
"""

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


def _incr(key: str, *, timeout: int) -> int:
    """Add one to a counter that expires `timeout` seconds after it starts."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int


def _window_key(limit: Limit, key: str, *, now: float) -> str:
    window = int(now // limit.seconds)
    return f"rl:{limit.name}:{key}:{window}"


def hit(*limits: Limit, key: str, now: float | None = None) -> Limit | None:
    """Count one attempt under every limit; the first limit now exceeded, or None.

    Every limit is counted even when an earlier one refuses, so a client that
    keeps hammering stays refused for the longer window too.
    """
    now = time.time() if now is None else now
    exceeded = None
    for limit in limits:
        attempts = _incr(_window_key(limit, key, now=now), timeout=limit.seconds + 1)
        if attempts > limit.count and exceeded is None:
            exceeded = limit
    return exceeded


def count_event(name: str, *, key: str, seconds: int, now: float | None = None) -> None:
    """Keep a tally (e.g. refused signatures per petition per hour) for organisers."""
    hit(Limit(name, count=2**62, seconds=seconds), key=key, now=now)


def tally(name: str, *, key: str, seconds: int, windows: int, now: float | None = None) -> int:
    """The sum of a tally over the last `windows` windows."""
    now = time.time() if now is None else now
    limit = Limit(name, count=0, seconds=seconds)
    keys = [_window_key(limit, key, now=now - index * seconds) for index in range(windows)]
    return sum(cache.get_many(keys).values())


@dataclass(frozen=True)
class Throttle:
    """At most `limit` failures per subject (a username, an IP hash, an email
    key) in `window` seconds counted from the first failure."""

    scope: str
    limit: int
    window: int

    def _key(self, subject: str) -> str:
        # Hashed: cache keys must be short and safe, and the cache should not
        # hold usernames or addresses in clear.
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return f"plea:throttle:{self.scope}:{digest}"

    def blocked(self, subject: str) -> bool:
        return (cache.get(self._key(subject)) or 0) >= self.limit

    def hit(self, subject: str) -> int:
        """Count one failure; returns how many there have been in the window."""
        return _incr(self._key(subject), timeout=self.window)

    def give_back(self, subject: str) -> None:
        """Uncount one attempt that turned out well."""
        try:
            cache.decr(self._key(subject))
        except ValueError:  # the window has passed
            pass

    def reset(self, subject: str) -> None:
        cache.delete(self._key(subject))
