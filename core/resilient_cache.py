"""Redis as the cache, with this process's memory standing in while Redis is away.

Everything the cache holds can be rebuilt or forgotten: rendered petition
pages, rate-limit counters, login throttles. So when Redis cannot be reached
the site keeps answering: each call goes to a local-memory cache instead,
which makes the page cache per process and rate limits per process (looser
by the number of processes, never "no limit"). Redis is left alone for a few
seconds after a failure, so a stopped server costs one failed connection per
process every few seconds rather than one per request, and the outage is
logged once a minute rather than once a call.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
LOG_EVERY_SECONDS = 60

# Per process, shared by the per-thread cache instances Django makes.
_lock = threading.Lock()
_outage = {"down_until": 0.0, "logged_at": float("-inf")}


def _note_failure(error: Exception) -> None:
    now = time.monotonic()
    with _lock:
        _outage["down_until"] = now + RETRY_AFTER_SECONDS
        should_log = now - _outage["logged_at"] >= LOG_EVERY_SECONDS
        if should_log:
            _outage["logged_at"] = now
    if should_log:
        # The error's class only: its text can carry the Redis URL and password.
        logger.error(
            "Cache server unreachable (%s): serving from this process's memory; "
            "rate limits are per process until it is back.",
            type(error).__name__,
        )


def _redis_resting() -> bool:
    return time.monotonic() < _outage["down_until"]


def reset() -> None:
    """Forget a past outage (tests, or an operator's shell)."""
    with _lock:
        _outage.update(down_until=0.0, logged_at=float("-inf"))


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # One name for every instance: LocMemCache instances that share a name share their data.
        self._local = LocMemCache("plea-redis-fallback", {"TIMEOUT": params.get("TIMEOUT", 300)})


def _falling_back(name: str):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if not _redis_resting():
            try:
                return redis_method(self, *args, **kwargs)
            except RedisError as error:
                _note_failure(error)
        return getattr(self._local, name)(*args, **kwargs)

    method.__name__ = name
    return method


# Every primitive that reaches Redis; the rest of BaseCache (get_or_set, decr,
# the async variants) is built on these.
for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(FallbackRedisCache, _name, _falling_back(_name))


def cache_reachable() -> bool:
    """Whether the cache server answers (True for a cache that has no server)."""
    from django.core.cache import caches

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return True
    try:
        # Straight to Redis: the cache's own methods would answer from the fallback.
        return bool(cache._cache.get_client(write=False).ping())
    except RedisError:
        return False
