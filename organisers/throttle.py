"""Counting attempts in the shared cache, to slow down guessing and flooding.

Used for failed logins here; written to serve any other limit too (signing
rate limits, mail floods): a Throttle names a scope, a limit and a window,
and counts hits per subject (a username, an IP hash, an email key).
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Throttle:
    scope: str
    limit: int
    window: int  # seconds, counted from the first hit

    def _key(self, subject: str) -> str:
        # Hashed: cache keys must be short and safe, and the cache should not
        # hold usernames or addresses in clear.
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return f"plea:throttle:{self.scope}:{digest}"

    def blocked(self, subject: str) -> bool:
        return (cache.get(self._key(subject)) or 0) >= self.limit

    def hit(self, subject: str) -> int:
        """Count one attempt; returns how many there have been in the window."""
        key = self._key(subject)
        cache.add(key, 0, timeout=self.window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.window)
            return 1

    def reset(self, subject: str) -> None:
        cache.delete(self._key(subject))
