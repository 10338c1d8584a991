"""Keeping what the cache holds in step with the database, written once.

Two moves every cached thing needs:

- forget_now_and_on_commit(): a change forgets the entries at once and again
  when its transaction commits. The first delete stops this request from
  serving the old value; the second clears a copy that another request
  rendered from the old rows in between (it could not yet see the change),
  which would otherwise be served until it expires. A rolled-back change
  forgets only once: the entries were right all along, and are simply made
  again.
- rebuilt_under_lock(): an expensive value (a tally of a million rows, a
  drawn picture) is made by one caller at a time. The others serve the stale
  value they already have, or wait briefly for the builder's value, and only
  then build it themselves: a caller is never left without an answer, and a
  builder that died holds the lock only until it expires.
"""

import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

# How often a waiting caller looks for the builder's value.
_POLL_SECONDS = 0.05


def forget_now_and_on_commit(*keys: str, using: str | None = None) -> None:
    """Delete `keys` now and again once the current transaction on `using`
    commits (at once when there is none)."""
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys), using=using)


def rebuilt_under_lock[T](
    key: str,
    *,
    build: Callable[[], T],
    timeout: int,
    lock_seconds: int,
    stale: T | None = None,
    wait_seconds: float = 0.0,
) -> T:
    """`build()` stored under `key` for `timeout` seconds, built by one caller
    at a time (a lock at `<key>:lock`, given up after `lock_seconds` if its
    holder dies).

    While another caller builds: `stale` if there is one; otherwise wait up to
    `wait_seconds` for the value to appear, then build without the lock.
    """
    lock = f"{key}:lock"
    if not cache.add(lock, 1, timeout=lock_seconds):
        if stale is not None:
            return stale
        waited_until = time.monotonic() + wait_seconds
        while time.monotonic() < waited_until:
            time.sleep(_POLL_SECONDS)
            found = cache.get(key)
            if found is not None:
                return found
        value = build()
        cache.set(key, value, timeout)
        return value
    try:
        value = build()
        cache.set(key, value, timeout)
    finally:
        cache.delete(lock)
    return value
