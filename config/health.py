"""A health check for load balancers and monitors: GET /health/.

200 while the database answers, 503 when it does not (this server cannot
serve pages then, so a balancer should send visitors elsewhere). A cache
server that is down makes the answer "degraded" but still 200: every server
shares the one Redis, and each one works without it (config/resilient_cache.py),
so taking them all out of the pool would turn a slow site into no site.
The body says which part is down and nothing else: no host names, versions,
error texts or timings.
"""

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.resilient_cache import cache_reachable


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    database, cache = _database_reachable(), cache_reachable()
    status = "ok" if database and cache else "degraded" if database else "unavailable"
    return JsonResponse(
        {"status": status, "database": "ok" if database else "down", "cache": "ok" if cache else "down"},
        status=200 if database else 503,
    )
