"""Where the organisers' signature list and delivery export spend their time,
in process: each filter bench/suite.py measures, GET through the real WSGI
handler (config.wsgi.application, every middleware) as a verified owner,
with its queries (count and time each, EXPLAIN ANALYZE of the slow ones),
Python CPU (`time.process_time`) and the PostgreSQL backend's CPU from
/proc; then the export, read to its end. `--profile LABEL` (a filter's
label, or "export") adds cProfile under `time.process_time`.

    DATABASE_URL=postgres://... python bench/profile_organisers.py [--repeats 5] [--profile "to review"]

Needs a database filled by bench/generate_data.py (gen-00001 holds the big
petition). It adds the bench owner (user, Organiser row, TOTP device, session).
"""

import argparse
import cProfile
import datetime
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.profile_signing import backend_cpu, environ, production_like_environment  # noqa: E402

SLOW_MS = 10


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", default=None, help='a filter label from bench/suite.py, or "export"')
    parser.add_argument("--lines", type=int, default=35)
    parser.add_argument("--no-export", action="store_true")
    options = parser.parse_args()

    production_like_environment(DATABASE_CONN_MAX_AGE="86400", DJANGO_STATIC_MANIFEST="0")

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.suite import BIG_SLUG, SIGNATURE_LIST_QUERIES, organiser_session
    from config.wsgi import application  # sets Django up
    from petitions.models import Petition, Signature

    cookie = organiser_session()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    petition = Petition.objects.get(slug=BIG_SLUG)
    newest = Signature.objects.filter(petition=petition).order_by("-created_at").values_list("created_at", flat=True)[0]
    days = {"d1": (newest - datetime.timedelta(days=1)).date(), "d5": (newest - datetime.timedelta(days=5)).date()}
    base = f"/en/organisers/petitions/{BIG_SLUG}/signatures/"

    def get(url: str) -> tuple[str, int]:
        path, _, query = url.partition("?")
        env = environ("GET", path, headers={"Cookie": cookie})
        env["QUERY_STRING"] = query
        seen = {}

        def start_response(status, headers, exc_info=None):
            seen["status"] = status

        size = sum(len(chunk) for chunk in application(env, start_response))
        return seen["status"], size

    def measure(label: str, url: str) -> None:
        get(url)  # warm-up
        cpu, db, wall = [], [], []
        for _ in range(options.repeats):
            c0, d0, w0 = time.process_time(), backend_cpu(backend), time.perf_counter()
            status, size = get(url)
            cpu.append((time.process_time() - c0) * 1000)
            db.append((backend_cpu(backend) - d0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        with CaptureQueriesContext(connection) as captured:
            get(url)
        print(f"\n{label}: {status}, {size:,} bytes, {len(captured)} queries; median python CPU "
              f"{statistics.median(cpu):.1f} ms, db CPU {statistics.median(db):.1f} ms, wall "
              f"{statistics.median(wall):.1f} ms")  # fmt: skip
        for query in captured.captured_queries:
            ms = float(query["time"]) * 1000
            print(f"  {ms:7.1f} ms  {query['sql'][:150]}")
            if ms >= SLOW_MS and query["sql"].lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) " + query["sql"])
                    for (line,) in cursor.fetchall():
                        print("           | " + line)

    def profiled(label: str, run) -> None:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        run()
        profile.disable()
        print(f"\ncProfile, {label} (process time):")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(options.lines)

    for label, query in SIGNATURE_LIST_QUERIES.items():
        url = base + query.format(**days)
        measure(label, url)
        if options.profile == label:
            profiled(label, lambda url=url: [get(url) for _ in range(options.repeats)])
    if not options.no_export:
        url = f"/en/organisers/petitions/{BIG_SLUG}/export/signatures.csv"
        c0, d0, w0 = time.process_time(), backend_cpu(backend), time.perf_counter()
        status, size = get(url)
        seconds = time.perf_counter() - w0
        rows = Signature.objects.filter(petition=petition).counted().count()
        print(f"\nexport: {status}, {size:,} bytes, {rows:,} rows in {seconds:.2f} s ({rows / seconds:,.0f} rows/s); "
              f"python CPU {time.process_time() - c0:.2f} s, db CPU {backend_cpu(backend) - d0:.2f} s")  # fmt: skip
        if options.profile == "export":
            profiled("export", lambda: get(url))


if __name__ == "__main__":
    main()
