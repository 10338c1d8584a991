"""The petition page against hello, in process: GETs through the real WSGI
handler (config.wsgi.application, every middleware), as a stranger's browser
sends them (fetch metadata, no cookie), timed with `time.process_time`;
`--profile page` says where a cached hit's time goes (bench/README.md,
"Petition page served before the middleware").

    DATABASE_URL=postgres://... python bench/profile_page.py [--count 5000] [--profile hello|page]
        [--without-early-answer]

Without DATABASE_URL it makes a SQLite database in a temporary directory with
generate_data's petitions (gen-00001 with --signatures of them). Settings as
the suite's: debug off, bench.settings, page cache on. The first page request of
each round renders and caches the page; the rest are cached hits, as nearly
every request of a surge is.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.profile_signing import call, environ, production_like_environment  # noqa: E402

NAVIGATION = {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}


def configure(workdir: str) -> bool:
    """The suite's settings; returns whether the database must be filled."""
    fresh = not os.environ.get("DATABASE_URL")
    production_like_environment()
    os.environ.update(
        {
            "DJANGO_STATIC_ROOT": workdir,
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/page.sqlite3",
        }
    )
    return fresh


def timed(app, env: dict, count: int) -> float:
    """CPU seconds per request over `count` requests."""
    started = time.process_time()
    for _ in range(count):
        call(app, dict(env))
    return (time.process_time() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--signatures", type=int, default=2000, help="gen-00001's, for a fresh SQLite database")
    parser.add_argument("--slug", default="gen-00001")
    parser.add_argument("--language", default="en")
    parser.add_argument("--profile", choices=["hello", "page"], default=None)
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument(
        "--without-early-answer",
        action="store_true",
        help="as before SharedPageMiddleware: every hit through the stack",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        fresh = configure(workdir)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)  # the manifest the pages' links need
        if fresh:
            from bench import generate_data

            call_command("migrate", verbosity=0)
            call_command(generate_data.Command(), petitions=2, signatures=args.signatures, signatures_each=10, cases=20)
        if args.without_early_answer:
            from django.conf import settings

            settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.endswith(".SharedPageMiddleware")]
        from config.wsgi import application

        hello = environ("GET", "/_bench/hello/", headers=NAVIGATION)
        page = environ("GET", f"/{args.language}/petitions/{args.slug}/", headers=NAVIGATION)
        status, headers = call(application, dict(page))
        print(f"page: {status}, {headers.get('Content-Length')} bytes", file=sys.stderr)
        if args.profile:
            env = hello if args.profile == "hello" else page
            profiler = cProfile.Profile(time.process_time)
            profiler.runcall(timed, application, env, args.count)
            pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(args.lines)
            return
        figures = {"hello": [], "page": []}
        for _ in range(args.rounds):
            for name, env in (("hello", hello), ("page", page)):
                figures[name].append(timed(application, env, args.count) * 1e6)
        for name, values in figures.items():
            print(f"{name}: {statistics.median(values):.0f} µs CPU per request (runs: {[round(v) for v in values]})")
        ratio = statistics.median(figures["hello"]) / statistics.median(figures["page"])
        print(f"page vs hello by CPU: {ratio:.3f}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
