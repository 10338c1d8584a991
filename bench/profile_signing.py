"""Where a signature's CPU goes, in process: sign and confirm POSTs through
the real WSGI handler (config.wsgi.application, every middleware), then the
task worker's share, timed with `time.process_time` and, for PostgreSQL, the
backend process's own CPU from /proc. A profile (`--profile`) says which
parts of Django the time goes to (bench/README.md, on signing).

    DATABASE_URL=postgres://... python bench/profile_signing.py [--count 300] [--profile sign|confirm|worker]

Needs a database prepared as bench/suite.py leaves it (migrated, with the
generated gen-* petitions); it adds signatures to gen-00003..gen-00102.
Settings as the suite's (debug off, production paths), tasks through the
database queue unless TASKS_BACKEND says otherwise.
"""

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # the connection was replaced (DATABASE_CONN_MAX_AGE passed)
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / TICKS


def production_like_environment(**extra: str) -> None:
    """The suite's settings for an in-process profile (debug off, production
    paths, loopback host), plus `extra`; what the environment already says wins."""
    defaults = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        **extra,
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)


def environ(method: str, path: str, *, body: dict | None = None, headers: dict | None = None) -> dict:
    data = urlencode(body or {}).encode()
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(data)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
    }
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def call(app, env: dict) -> tuple[str, dict]:
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    for _chunk in app(env, start_response):
        pass
    return seen["status"], seen["headers"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--profile", choices=["sign", "confirm", "worker"], default=None)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=45)
    parser.add_argument(
        "--claim", type=int, default=None,
        help="tasks the worker claims at once (default: db_worker's); 0 runs django_tasks_db's own worker",
    )  # fmt: skip
    parser.add_argument(
        "--warmup", type=int, default=0,
        help="signatures signed, confirmed and mailed before measuring (imports, templates, first queries)",
    )  # fmt: skip
    parser.add_argument(
        "--stop-after", choices=["sign", "confirm", "worker"], default="worker",
        help="end after this phase: two runs under callgrind with different --count, subtracted, give "
        "instructions per item of the phases run",
    )  # fmt: skip
    options = parser.parse_args()

    production_like_environment(
        SITE_URL="http://127.0.0.1:8000",
        # One connection throughout, however slowly this runs (under valgrind, say).
        DATABASE_CONN_MAX_AGE="86400",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        DJANGO_STATIC_MANIFEST="0",
    )
    for name in ("PLEA_SIGN_LIMITS_PER_PETITION", "PLEA_SIGN_LIMITS_PER_IP", "PLEA_RESEND_LIMITS_PER_IP"):
        os.environ.setdefault(name, "off")
    os.environ.setdefault("PLEA_MIN_FILL_SECONDS", "0")

    from django.db import connection
    from django.tasks import task_backends

    from config.wsgi import application  # sets Django up
    from petitions.abuse import form_started_token
    from petitions.models import Signature
    from petitions.tokens import Purpose, make_token

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    run = f"p{int(time.time())}"
    slugs = [f"gen-{n:05d}" for n in range(3, 103)]
    started = {slug: form_started_token(slug=slug) for slug in slugs}
    browser = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate", "Origin": "http://127.0.0.1"}
    # The confirm form keeps Django's token CSRF: a cookie and a token for it.
    _status, headers = call(application, environ("GET", "/en/accounts/login/"))
    csrf_cookie = headers.get("Set-Cookie", "").split("csrftoken=", 1)[1].split(";", 1)[0]
    from django.middleware.csrf import _mask_cipher_secret, _unmask_cipher_token

    csrf_token = _mask_cipher_secret(_unmask_cipher_token(csrf_cookie) if len(csrf_cookie) == 64 else csrf_cookie)

    def sign(n: int) -> None:
        slug = slugs[n % len(slugs)]
        form = {"full_name": f"Profile Signer {n}", "email": f"{run}-{n}@load.example.org", "country": "KZ",
                "reason": "", "started": started[slug], **({"show_publicly": "on"} if n % 2 else {})}  # fmt: skip
        status, headers = call(application, environ("POST", f"/en/petitions/{slug}/sign/", body=form, headers=browser))
        assert status.startswith("302") and "/signed/" in headers["Location"], (status, headers)

    def confirm(pk: int) -> None:
        token = make_token(signature_id=pk, purpose=Purpose.CONFIRM)
        status, headers = call(
            application,
            environ("POST", f"/en/signatures/confirm/{token}/", body={"csrfmiddlewaretoken": csrf_token},
                    headers={**browser, "Cookie": f"csrftoken={csrf_cookie}"}),
        )  # fmt: skip
        assert status.startswith("302"), (status, headers)

    def drain() -> int:
        if type(task_backends["default"]).__name__ != "DatabaseBackend":
            return 0
        from django_tasks_db.management.commands.db_worker import Worker

        from core.task_worker import DEFAULT_CLAIM, BatchWorker

        common = {"queue_names": ["default"], "interval": 0, "batch": True, "backend_name": "default",
                  "startup_delay": False, "max_tasks": None, "worker_id": "profile",
                  "excluded_queue_names": []}  # fmt: skip
        if options.claim == 0:
            worker = Worker(**common)
        else:
            worker = BatchWorker(claim=options.claim or DEFAULT_CLAIM, **common)
        worker.run()
        return worker._run_tasks

    # Statements through Django's cursors, and commits, per phase.
    counted = {"statements": 0, "commits": 0}

    def count_statement(execute, sql, params, many, context):
        counted["statements"] += 1
        return execute(sql, params, many, context)

    plain_commit = connection.commit

    def counting_commit():
        counted["commits"] += 1
        return plain_commit()

    connection.commit = counting_commit

    if options.warmup:
        keys = []
        for n in range(options.warmup):
            sign(options.count + n)
            keys.append(f"{run}-{options.count + n}@load.example.org")
        for pk in Signature.objects.filter(email_key__in=keys).values_list("pk", flat=True):
            confirm(pk)
        drain()

    # CPU time, not wall time: waits for the database are not the app's cost.
    profiler = cProfile.Profile(time.process_time) if options.profile else None
    results = {}
    for phase in ("sign", "confirm", "worker"):
        if phase == "confirm":
            keys = [f"{run}-{n}@load.example.org" for n in range(options.count)]
            items = list(Signature.objects.filter(email_key__in=keys).values_list("pk", flat=True))
        else:
            items = list(range(options.count))
        cpu, db = time.process_time(), backend_cpu(backend)
        wall = time.perf_counter()
        counted.update(statements=0, commits=0)
        if profiler and options.profile == phase:
            profiler.enable()
        with connection.execute_wrapper(count_statement):
            if phase == "sign":
                for n in items:
                    sign(n)
                done = len(items)
            elif phase == "confirm":
                for pk in items:
                    confirm(pk)
                done = len(items)
            else:
                done = drain()
        if profiler and options.profile == phase:
            profiler.disable()
        cpu, db = time.process_time() - cpu, backend_cpu(backend) - db
        per = max(done, 1)
        results[phase] = (done, cpu * 1000 / per, db * 1000 / per, (time.perf_counter() - wall) * 1000 / per,
                          counted["statements"] / per, counted["commits"] / per)  # fmt: skip
        if phase == options.stop_after:
            break
    # The worker's tasks ran in this process on the same connection.
    total = 0.0
    for phase, (done, app, db, wall, statements, commits) in results.items():
        per_signature = (app + db) * done / options.count
        total += per_signature
        print(f"{phase:8} {done:5} done  app {app:6.3f} ms  db {db:6.3f} ms  wall {wall:6.3f} ms per item;"
              f"  {per_signature:6.3f} ms per signature;"
              f"  {statements:.2f} statements, {commits:.2f} commits per item")  # fmt: skip
    print(f"total    {total:.3f} ms of CPU per signature (app + PostgreSQL backend, in process)")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(options.sort).print_stats(options.lines)
        print(out.getvalue())


if __name__ == "__main__":
    main()
