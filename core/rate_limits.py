"""Rate limits kept in Django's cache (Redis when REDIS_URL is set), each a
named rule in one table, settings.PLEA_RATE_LIMITS: rule name -> a list of
(count, seconds) pairs that all hold; an empty list switches a rule off.

Two shapes, one counter: `check` counts attempts in fixed windows (signing,
re-sends, what families send, open data); a `Throttle` counts attempts
from the first one on (sign-in, second factors, reset mails) and can give
an attempt back. Both increment first and compare the count that came
back, so parallel requests cannot all pass one check: `cache.incr` is
atomic on Redis and within one process on local memory.

Keys are what the caller counts by: a keyed network hash
(core.client_ip.ip_hash), never an address in clear.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured


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


def limits(rule: str) -> list[Limit]:
    """The limits of a named rule, as settings hold them now."""
    try:
        pairs = settings.PLEA_RATE_LIMITS[rule]
    except KeyError:
        raise ImproperlyConfigured(f"PLEA_RATE_LIMITS has no rule named {rule!r}.") from None
    return [Limit(f"{rule}-{seconds}", count, seconds) for count, seconds in pairs]


def _window_key(limit: Limit, key: str, *, now: float) -> str:
    window = int(now // limit.seconds)
    return f"rl:{limit.name}:{key}:{window}"


def _hit(limits: list[Limit], *, key: str, now: float | None) -> Limit | None:
    now = time.time() if now is None else now
    exceeded = None
    for limit in limits:
        attempts = _incr(_window_key(limit, key, now=now), timeout=limit.seconds + 1)
        if attempts > limit.count and exceeded is None:
            exceeded = limit
    return exceeded


def check(rule: str, *, key: str, now: float | None = None) -> Limit | None:
    """Count one attempt under every limit of `rule`; the first limit now
    exceeded, or None when the attempt is allowed.

    Every limit is counted even when an earlier one refuses, so a client that
    keeps hammering stays refused for the longer window too.
    """
    return _hit(limits(rule), key=key, now=now)


def count_event(name: str, *, key: str, seconds: int, now: float | None = None) -> None:
    """Keep a tally (e.g. refused signatures per petition per hour) for organisers."""
    _hit([Limit(name, count=2**62, seconds=seconds)], key=key, now=now)


def tally(name: str, *, key: str, seconds: int, windows: int, now: float | None = None) -> int:
    """The sum of a tally over the last `windows` windows."""
    now = time.time() if now is None else now
    limit = Limit(name, count=0, seconds=seconds)
    keys = [_window_key(limit, key, now=now - index * seconds) for index in range(windows)]
    return sum(cache.get_many(keys).values())


@dataclass(frozen=True)
class Throttle:
    """At most `limit` failures per subject (a username, a network hash, an
    email key) in `window` seconds counted from the first failure, as the
    named rule says: one (count, seconds) pair, or none for no throttle."""

    rule: str

    @property
    def _limit(self) -> Limit | None:
        rule_limits = limits(self.rule)
        if len(rule_limits) > 1:
            raise ImproperlyConfigured(f"The throttle {self.rule!r} takes one count/seconds pair, not several.")
        return rule_limits[0] if rule_limits else None

    @property
    def limit(self) -> float:
        limit = self._limit
        return limit.count if limit else float("inf")

    def _key(self, subject: str) -> str:
        # Hashed: cache keys must be short and safe, and the cache should not
        # hold usernames in clear.
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return f"plea:throttle:{self.rule}:{digest}"

    def blocked(self, subject: str) -> bool:
        return (cache.get(self._key(subject)) or 0) >= self.limit

    def hit(self, subject: str) -> int:
        """Count one failure; returns how many there have been in the window."""
        limit = self._limit
        return _incr(self._key(subject), timeout=limit.seconds) if limit else 0

    def give_back(self, subject: str) -> None:
        """Uncount one attempt that turned out well."""
        try:
            cache.decr(self._key(subject))
        except ValueError:  # the window has passed
            pass

    def reset(self, subject: str) -> None:
        cache.delete(self._key(subject))
