"""Rate limits kept in Django's cache (Redis when REDIS_URL is set).

Fixed windows: each (limit, key) pair has a counter that expires with its
window. `cache.incr` is atomic on Redis and within one process on local
memory, which is what a single development server needs.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache


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
        cache_key = _window_key(limit, key, now=now)
        cache.add(cache_key, 0, timeout=limit.seconds + 1)
        try:
            attempts = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=limit.seconds + 1)
            attempts = 1
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
