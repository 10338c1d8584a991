"""The benchmark suite. Run through bench/run.sh, which provides a
throwaway PostgreSQL as DATABASE_URL; see bench/README.md.

Each figure is also given as a ratio to a bare Django "hello" view served by
the same gunicorn in the same run, because the machines are noisy.
"""

import datetime
import gzip
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.client import CpuMeter, signed_in_cookie  # noqa: E402  (needs ROOT on the path)

RESULTS = ROOT / "bench" / "results"
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
# wrk: connections to hold open and seconds per measured run.
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "3" if QUICK else "10"))
BIG = int(os.environ.get("BENCH_SIGNATURES", "10000" if QUICK else "1000000"))
SMALL = 1000
SPREAD = 100  # petitions the "spread" signing load is shared over
SIGNERS = int(os.environ.get("BENCH_SIGNERS", "300" if QUICK else "3000"))
CLIENT_THREADS = int(os.environ.get("BENCH_CLIENT_THREADS", "8"))
# Each phase of a signing run (sign, confirm, mail) stops by itself after
# this long; what is left undone is reported as a problem, not measured.
PHASE_SECONDS = int(os.environ.get("BENCH_PHASE_SECONDS", "90" if QUICK else "120"))
CONFIRM_CLICKS = 50 if QUICK else 300
CASES = int(os.environ.get("BENCH_CASES", "1000" if QUICK else "100000"))
# Mail goes through the database queue, as in production, drained by this
# many `manage.py db_worker` processes whose CPU counts in the signing figures.
TASK_WORKERS = int(os.environ.get("BENCH_TASK_WORKERS", "2"))

# Petitions made by generate_data: gen-00001 holds BIG signatures, the rest
# SMALL each; gen-00002 is the "1k" page, gen-00003.. take the signing load.
BIG_SLUG, SMALL_SLUG = "gen-00001", "gen-00002"
SIGNING_SLUGS = [f"gen-{n:05d}" for n in range(3, 3 + SPREAD)]
HOT_SLUG = SIGNING_SLUGS[0]


# Server CPU per process tree (gunicorn, PostgreSQL), set once both run.
METER = None


def measured(action, *, count_key: str):
    """Run action(), adding the server and client CPU it cost per request:
    unlike requests/s, CPU per request hardly moves when other work shares
    the machine."""
    client_before = os.times()
    METER.start()
    result = action()
    cpu = METER.stop()
    client_after = os.times()
    client = (client_after.children_user + client_after.children_system + client_after.user + client_after.system) - (
        client_before.children_user + client_before.children_system + client_before.user + client_before.system
    )
    count = result[count_key] or 1
    result["cpu_ms_per_request"] = {
        "app": round(cpu["app"] * 1000 / count, 3),
        "db": round(cpu["db"] * 1000 / count, 3),
        "worker": round(cpu["worker"] * 1000 / count, 3),
        "load_generator": round(client * 1000 / count, 3),
    }
    return result


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure_environment(port: int, static_root: str) -> None:
    """The production settings path (debug off), adjusted only for plain http
    on loopback, mail that goes nowhere, and the bench-only hello and floor
    views. Mail is queued in the database and sent by db_worker processes, as
    in production (.env.example), so its CPU is the workers'."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("bench/suite.py needs a PostgreSQL DATABASE_URL; run it through bench/run.sh")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_ROOT": static_root,
            "DJANGO_LOG_LEVEL": "WARNING",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            # Every simulated signer comes from 127.0.0.1 and posts at machine
            # speed: the anti-abuse limits would refuse them all.
            "PLEA_SIGN_LIMITS_PER_PETITION": "off",
            "PLEA_SIGN_LIMITS_PER_IP": "off",
            "PLEA_RESEND_LIMITS_PER_IP": "off",
            # Likewise every reader of the API and feeds.
            "PLEA_API_LIMITS_PER_IP": "off",
            "PLEA_MIN_FILL_SECONDS": "0",
        }
    )


def machine() -> dict:
    from django.db import connection

    meminfo = Path("/proc/meminfo").read_text()
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit')")
        durability = dict(cursor.fetchall())
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    import django
    import gunicorn

    return {
        "cores": len(os.sched_getaffinity(0)),
        "memory_bytes": int(re.search(r"MemTotal:\s+(\d+) kB", meminfo).group(1)) * 1024,
        "cpu_model": model.group(1).strip() if model else platform.processor(),
        "load_average_at_start": os.getloadavg(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": postgres,
        "postgresql_durability": durability,
        "wrk": wrk.strip(),
        "gunicorn_workers": WORKERS,
        "load_generator": "same machine: wrk (1 thread) for GETs, a Python thread client for signing",
    }


# --- setup --------------------------------------------------------------------


def prepare_database() -> dict:
    from django.core.management import call_command

    log("migrate")
    call_command("migrate", verbosity=0)
    log(f"generate_data: 102 petitions, {BIG:,} + 101 x {SMALL:,} signatures, {CASES:,} cases")
    started = time.monotonic()
    from bench import generate_data

    call_command(
        generate_data.Command(),
        petitions=2 + SPREAD,
        signatures=BIG,
        signatures_each=SMALL,
        cases=CASES,
        replace=True,
    )
    seconds = time.monotonic() - started
    rows = BIG + (1 + SPREAD) * SMALL
    log("collectstatic")
    call_command("collectstatic", interactive=False, verbosity=0)
    return {
        "signatures": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "target_seconds_per_million": 60,
        "cases": CASES,
    }


def postmaster_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    stat = Path(f"/proc/{backend}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[1])


class Gunicorn:
    def __init__(self, port: int, log_path: Path, *, workers: int = WORKERS, ready_path: str = "/_bench/hello/"):
        self.port, self.log_path, self.workers, self.ready_path = port, log_path, workers, ready_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(self.workers),
                   "--bind", f"127.0.0.1:{self.port}"]  # fmt: skip
        # Django logs to the workers' stderr: keep it with gunicorn's own log.
        self.log_file = open(self.log_path, "ab")  # closed in __exit__
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self.log_file, stderr=subprocess.STDOUT)
        from bench.client import request

        # Generous: on a machine shared with other work, importing Django into
        # every worker has taken more than 30 s.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                if request(self.port, "GET", self.ready_path).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 120 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


class TaskWorkers:
    """`manage.py db_worker` processes draining the mail queue, as production
    runs them beside gunicorn; stopped (SIGTERM, then killed) on exit."""

    def __init__(self, count: int, log_path: Path):
        self.count, self.log_path = count, log_path
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> "TaskWorkers":
        self.log_file = open(self.log_path, "ab")  # closed in __exit__
        command = [sys.executable, "manage.py", "db_worker", "--interval", "0.5", "--no-startup-delay", "--no-reload"]
        for _ in range(self.count):
            self.processes.append(subprocess.Popen(command, cwd=ROOT, stdout=self.log_file, stderr=subprocess.STDOUT))
        return self

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.log_file.close()


def queued_tasks() -> int:
    """Tasks not finished yet (waiting or running)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()


def drain_queue(deadline: float) -> dict:
    """Wait until the task workers have sent every queued mail."""
    started = time.perf_counter()
    waiting = queued_tasks()
    while waiting and time.monotonic() < deadline:
        time.sleep(0.02)
        waiting = queued_tasks()
    return {"ok": 1, "seconds": time.perf_counter() - started, "left": waiting}


# --- benchmarks ---------------------------------------------------------------


# The JSON detail and the feeds are served like the petition page.
OPEN_DATA_RUNS = ("json_1m", "feed_new_petitions", "feed_updates_1m")


def page_path(slug: str) -> str:
    return f"/en/petitions/{slug}/"


def pages(port: int) -> dict:
    """Hello, the 1k page, the 1M page, hello again: the two hello runs
    bracket the others, and their mean is the yardstick."""
    from bench.client import NAVIGATION, request, wrk

    # The share image as a link-preview crawler fetches it: the current
    # version's address, found as the petition page finds it. Its first
    # request draws it (timed once here); every later one is served cached.
    image = request(port, "GET", f"/en/petitions/{BIG_SLUG}/share.png").header("Location")
    drawn_at = time.monotonic()
    first_image = request(port, "GET", image)
    draw_ms = (time.monotonic() - drawn_at) * 1000

    # Visitors come as a current browser does (fetch metadata, no cookie);
    # "old browser" sends no fetch metadata and gets the same shared page
    # (core/cross_origin.py): the run checks that it costs no more.
    runs = {}
    big, small, hello = page_path(BIG_SLUG), page_path(SMALL_SLUG), "/_bench/hello/"
    for name, path, headers in [("hello_before", hello, NAVIGATION), ("page_1k", small, NAVIGATION),
                                ("page_1m", big, NAVIGATION), ("page_1m_old_browser", big, {}),
                                ("json_1m", f"/api/v1/petitions/{BIG_SLUG}/", {}),
                                ("feed_new_petitions", "/en/feed/", {}),
                                ("feed_updates_1m", f"/en/petitions/{BIG_SLUG}/updates/feed/", {}),
                                ("badge_1m", f"/en/petitions/{BIG_SLUG}/badge.svg", {}),
                                ("share_image_1m", image, {}),
                                ("hello_after", hello, NAVIGATION)]:  # fmt: skip
        wrk(port, path, seconds=1, connections=CONNECTIONS, headers=headers)  # warm up: workers, caches, connections
        log(f"wrk {name} {path} for {SECONDS}s")
        runs[name] = measured(
            lambda path=path, headers=headers: wrk(
                port, path, seconds=SECONDS, connections=CONNECTIONS, headers=headers
            ),
            count_key="requests",
        )
    hello_rps = statistics.mean(
        [runs["hello_before"]["requests_per_second"], runs["hello_after"]["requests_per_second"]]
    )
    for name in ("page_1k", "page_1m", "page_1m_old_browser", *OPEN_DATA_RUNS, "badge_1m", "share_image_1m"):
        runs[name]["ratio_to_hello"] = round(runs[name]["requests_per_second"] / hello_rps, 3)
    runs["hello"] = {"requests_per_second": hello_rps}
    runs["share_image_first"] = {"status": first_image.status, "bytes": len(first_image.body), "ms": round(draw_ms, 1)}
    runs["page_1m_vs_1k"] = {
        "rps_ratio": round(runs["page_1m"]["requests_per_second"] / runs["page_1k"]["requests_per_second"], 3),
        "median_ratio": round(runs["page_1m"]["median_ms"] / runs["page_1k"]["median_ms"], 3),
        "p99_ratio": round(runs["page_1m"]["p99_ms"] / runs["page_1k"]["p99_ms"], 3),
    }
    return runs


def page_queries() -> dict:
    """Queries per petition page, uncached (first visitor) and cached, in process."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for label, slug in [("1k", SMALL_SLUG), ("1m", BIG_SLUG)]:
        cache.clear()
        for state in ("uncached", "cached"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page_path(slug))
            assert response.status_code == 200, response.status_code
            counts[f"{label}_{state}"] = len(queries)
    counts["target_max"] = 10
    return counts


def flow_queries() -> dict:
    """Queries per sign POST and per confirm POST (with the mail sent inline),
    in process: a figure no noise can move."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from petitions.abuse import form_started_token
    from petitions.email_keys import email_hash
    from petitions.models import Signature
    from petitions.tokens import Purpose, make_token

    slug = SIGNING_SLUGS[-1]
    # The form's signed start time, as the page hands it out (its minimum fill time is off here).
    form = {"full_name": "Query Counter", "email": "query-counter@load.example.org", "country": "KZ", "reason": "",
            "started": form_started_token(slug=slug)}  # fmt: skip
    with CaptureQueriesContext(connection) as signing:
        response = Client(HTTP_HOST="127.0.0.1").post(f"/en/petitions/{slug}/sign/", form)
    assert response.status_code == 302, response.status_code
    pk = Signature.objects.get(email_key=email_hash(form["email"])).pk
    token = make_token(signature_id=pk, purpose=Purpose.CONFIRM)
    with CaptureQueriesContext(connection) as confirming:
        response = Client(HTTP_HOST="127.0.0.1").post(f"/en/signatures/confirm/{token}/")
    assert response.status_code == 302, response.status_code
    return {"sign": len(signing), "confirm": len(confirming)}


def _sign_jobs(run: str, slugs: list[str], count: int) -> list[tuple[str, dict, str]]:
    jobs = []
    for n in range(count):
        slug = slugs[n % len(slugs)]
        form = {"full_name": f"Load Signer {n}", "email": f"{run}-{n}@load.example.org", "country": "KZ", "reason": ""}
        if n % 2:
            form["show_publicly"] = "on"
        jobs.append((f"/en/petitions/{slug}/sign/", form, f"/en/petitions/{slug}/signed/"))
    return jobs


def _confirm_jobs(run: str, count: int) -> list[tuple[str, dict, str]]:
    """The links the confirmation emails would carry, made from the database
    (the benchmark's mail goes nowhere)."""
    from petitions.email_keys import email_hash
    from petitions.models import Signature
    from petitions.tokens import Purpose, make_token

    keys = [email_hash(f"{run}-{n}@load.example.org") for n in range(count)]
    rows = Signature.objects.filter(email_key__in=keys, state=Signature.State.PENDING).values_list(
        "pk", "petition__slug"
    )
    return [
        (
            f"/en/signatures/confirm/{make_token(signature_id=pk, purpose=Purpose.CONFIRM)}/",
            {},
            f"/en/petitions/{slug}/",
        )
        for pk, slug in rows
    ]


class WaitSampler:
    """What PostgreSQL's client backends are waiting on, sampled every 10 ms
    while a run goes: row-lock waits on the petition UPDATE are the hot
    counter row showing itself; WALSync is commits waiting for the disk."""

    def __init__(self):
        import threading

        self.counts: dict[str, int] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.sample)

    def sample(self) -> None:
        import psycopg

        query = """SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU'),
                          wait_event_type = 'Lock' AND (query LIKE 'UPDATE "petitions_petition"%%'
                                OR query LIKE '%%UPDATE petitions_petition SET signature_count%%')
                   FROM pg_stat_activity
                   WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()"""
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as sampler:
            while not self.stopping.wait(0.01):
                for event, counter_row in sampler.execute(query):
                    key = "Lock on the petition counter row" if counter_row else event
                    self.counts[key] = self.counts.get(key, 0) + 1

    def __enter__(self) -> "WaitSampler":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join()

    def shares(self) -> dict[str, float]:
        total = sum(self.counts.values()) or 1
        return {key: round(n / total, 3) for key, n in sorted(self.counts.items(), key=lambda item: -item[1])}


def signing_run(port: int, *, run: str, slugs: list[str]) -> dict:
    from bench.client import run_posts, sign_form_start_times
    from bench.generate_data import true_count
    from petitions.models import Petition

    before = dict(Petition.objects.filter(slug__in=slugs).values_list("slug", "signature_count"))
    log(f"signing {run}: {SIGNERS} signers over {len(slugs)} petition(s)")
    sign_jobs = _sign_jobs(run, slugs, SIGNERS)
    started = sign_form_start_times(port, sign_jobs)
    deadline = time.monotonic() + PHASE_SECONDS
    signed = measured(
        lambda: run_posts(port, jobs=sign_jobs, threads=CLIENT_THREADS, deadline=deadline, started=started),
        count_key="ok",
    )
    if signed["failed"]:
        log(f"signing {run}: {signed['failed']} refused, e.g. {signed['failures']}")
    confirm_jobs = _confirm_jobs(run, SIGNERS)
    deadline = time.monotonic() + PHASE_SECONDS
    with WaitSampler() as waits:
        confirmed = measured(
            lambda: run_posts(port, jobs=confirm_jobs, threads=CLIENT_THREADS, deadline=deadline),
            count_key="ok",
        )
    confirmed["database_waits"] = waits.shares()
    # End to end: until the workers have sent every confirmation mail of the run.
    mailed = measured(lambda: drain_queue(time.monotonic() + PHASE_SECONDS), count_key="ok")
    signatures = confirmed["ok"] or 1
    split = {
        part: round(sum(phase["cpu_ms_per_request"][part] * (phase["ok"] or 1) for phase in (signed, confirmed, mailed))
                    / signatures, 3)
        for part in ("app", "db", "worker", "load_generator")
    }  # fmt: skip
    server_ms = split["app"] + split["db"] + split["worker"]
    after = dict(Petition.objects.filter(slug__in=slugs).values_list("slug", "signature_count"))
    exact = [true_count(petition_id=pk) for pk in Petition.objects.filter(slug__in=slugs).values_list("pk", flat=True)]
    moved = sum(after.values()) - sum(before.values())
    seconds = signed["seconds"] + confirmed["seconds"] + mailed["seconds"]
    return {
        "petitions": len(slugs),
        "signatures_per_second": round(confirmed["ok"] / seconds, 1),
        "sign": signed,
        "confirm": confirmed,
        "mail_drain": mailed,
        # Per signature (sign + confirm + its mail), by process tree.
        "cpu_ms_per_signature": split,
        "server_cpu_ms_per_signature": round(server_ms, 3),
        # What the server alone could sustain with the machine's cores to itself.
        "cpu_ceiling_signatures_per_second": round(len(os.sched_getaffinity(0)) * 1000 / server_ms, 1),
        "count_moved": moved,
        "count_exact": moved == confirmed["ok"] and sum(after.values()) == sum(exact),
    }


def floor_run(port: int, *, run: str) -> dict:
    """The floor (bench/floor.py): SIGNERS bare inserts, then as many bare
    confirm-and-count updates, by the same client over the same 100 petitions."""
    from bench.client import run_posts
    from petitions.models import Signature

    log(f"signing floor {run}: {SIGNERS} bare inserts and updates over {len(SIGNING_SLUGS)} petitions")
    jobs = []
    for n, (_path, form, _expected) in enumerate(_sign_jobs(run, SIGNING_SLUGS, SIGNERS)):
        slug = SIGNING_SLUGS[n % len(SIGNING_SLUGS)]
        jobs.append((f"/_bench/floor/{slug}/sign/", form, "/_bench/floor/"))
    deadline = time.monotonic() + PHASE_SECONDS
    inserted = measured(lambda: run_posts(port, jobs=jobs, threads=CLIENT_THREADS, deadline=deadline), count_key="ok")
    keys = [form["email"].lower() for _path, form, _expected in jobs]
    pks = Signature.objects.filter(email_key__in=keys).values_list("pk", flat=True)
    updates = [(f"/_bench/floor/confirm/{pk}/", {}, "/_bench/floor/confirmed/") for pk in pks]
    deadline = time.monotonic() + PHASE_SECONDS
    updated = measured(lambda: run_posts(port, jobs=updates, threads=CLIENT_THREADS, deadline=deadline), count_key="ok")
    signatures = updated["ok"] or 1
    split = {
        part: round(sum(phase["cpu_ms_per_request"][part] * (phase["ok"] or 1) for phase in (inserted, updated))
                    / signatures, 3)
        for part in ("app", "db", "worker", "load_generator")
    }  # fmt: skip
    return {
        "signatures_per_second": round(updated["ok"] / (inserted["seconds"] + updated["seconds"]), 1),
        "insert": inserted,
        "update": updated,
        "cpu_ms_per_signature": split,
        "server_cpu_ms_per_signature": round(split["app"] + split["db"] + split["worker"], 3),
    }


def signing(port: int) -> dict:
    """Sign POSTs then confirm POSTs for SIGNERS people, spread over 100
    petitions and all on one; runs alternate (spread, hot, hot, spread) so
    drift in machine load falls on both alike, and the floor runs first and
    (full runs) last, with the same client."""
    from petitions import counting

    order = ["floor", "spread", "hot"] if QUICK else ["floor", "spread", "hot", "hot", "spread", "floor"]
    runs: dict[str, list[dict]] = {"spread": [], "hot": []}
    floors = []
    for index, kind in enumerate(order):
        if kind == "floor":
            floors.append(floor_run(port, run=f"floor{index}"))
            continue
        slugs = SIGNING_SLUGS if kind == "spread" else [HOT_SLUG]
        runs[kind].append(signing_run(port, run=f"{kind}{index}", slugs=slugs))
    result = {}
    result["floor"] = {
        "signatures_per_second": round(statistics.mean(f["signatures_per_second"] for f in floors), 1),
        "server_cpu_ms_per_signature": round(statistics.mean(f["server_cpu_ms_per_signature"] for f in floors), 3),
        "cpu_ms_per_signature": {
            part: round(statistics.mean(f["cpu_ms_per_signature"][part] for f in floors), 3)
            for part in ("app", "db", "worker", "load_generator")
        },
        "runs": floors,
    }
    for kind, items in runs.items():
        result[kind] = {
            "signatures_per_second": round(statistics.mean(item["signatures_per_second"] for item in items), 1),
            "sign_per_second": round(statistics.mean(item["sign"]["per_second"] for item in items), 1),
            "confirm_per_second": round(statistics.mean(item["confirm"]["per_second"] for item in items), 1),
            "count_exact": all(item["count_exact"] for item in items),
            "server_cpu_ms_per_signature": round(statistics.mean(i["server_cpu_ms_per_signature"] for i in items), 3),
            "cpu_ms_per_signature": {
                part: round(statistics.mean(i["cpu_ms_per_signature"][part] for i in items), 3)
                for part in ("app", "db", "worker", "load_generator")
            },
            "cpu_ceiling_signatures_per_second": round(
                statistics.mean(i["cpu_ceiling_signatures_per_second"] for i in items), 1
            ),
            "runs": items,
        }

    def ratio(a: float, b: float) -> float:  # a run that did nothing is a problem (problems()), not a crash
        return round(a / b, 3) if b else 0.0

    spread, floor = result["spread"], result["floor"]
    result["hot_vs_spread"] = ratio(result["hot"]["signatures_per_second"], spread["signatures_per_second"])
    result["spread_vs_floor"] = ratio(spread["signatures_per_second"], floor["signatures_per_second"])
    # By CPU: the floor's server CPU per signature over the real flow's (1.0: as cheap as the floor).
    result["spread_vs_floor_by_cpu"] = ratio(
        floor["server_cpu_ms_per_signature"], spread["server_cpu_ms_per_signature"]
    )
    result["recount_mismatches"] = len(counting.find_mismatches())
    return result


def confirm_click(port: int) -> dict:
    """One visitor at a time, so the latency is the server's (plus loopback)."""
    from bench.client import run_posts, sign_form_start_times

    run = "click"
    sign_jobs = _sign_jobs(run, SIGNING_SLUGS, CONFIRM_CLICKS)
    started = sign_form_start_times(port, sign_jobs)
    deadline = time.monotonic() + 60
    run_posts(port, jobs=sign_jobs, threads=4, deadline=deadline, started=started)
    log(f"confirm click: {CONFIRM_CLICKS} confirmations, one at a time")
    clicks = run_posts(port, jobs=_confirm_jobs(run, CONFIRM_CLICKS), threads=1, deadline=deadline)
    return {"median_ms": round(clicks["median_ms"], 2), "p99_ms": round(clicks["p99_ms"], 2), "ok": clicks["ok"],
            "failed": clicks["failed"], "target_median_ms": 10}  # fmt: skip


EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", re.I)
ASSETS = re.compile(r"""<(?:link|script|img)\b[^>]*?(?:href|src)\s*=\s*["']([^"']+)["']""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?((?:https?:)?//[^"')]+)|@import\s+["']((?:https?:)?//[^"']+)""", re.I)


def page_weight(port: int) -> dict:
    """Bytes over the wire for the petition page: the HTML as a gzip proxy
    would send it, and each stylesheet/script as whitenoise serves it."""
    from bench.client import request

    html_response = request(port, "GET", page_path(BIG_SLUG), headers={"Accept-Encoding": "gzip"})
    html = html_response.body
    html_gz = len(gzip.compress(html, 6)) if html_response.header("Content-Encoding") != "gzip" else len(html)
    text = html.decode()
    elsewhere = [url for url in EXTERNAL.findall(text) if not url.startswith(("http://127.0.0.1", "//127.0.0.1"))]
    elsewhere = [url for url in elsewhere if not re.search(r"<a\b[^>]*" + re.escape(url), text)]  # links aren't loads
    assets = {}
    for url in ASSETS.findall(text):
        if url.startswith(("http:", "https:", "//")):
            continue
        response = request(port, "GET", url, headers={"Accept-Encoding": "gzip"})
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
        assets[url] = {"bytes": len(response.body), "encoding": response.header("Content-Encoding") or "identity"}
        if url.endswith(".css"):
            css = gzip.decompress(response.body) if assets[url]["encoding"] == "gzip" else response.body
            elsewhere += [a or b for a, b in CSS_URL.findall(css.decode(errors="replace"))]
    total = html_gz + sum(item["bytes"] for item in assets.values())
    return {
        "html_bytes": len(html),
        "html_gzip_bytes": html_gz,
        "assets": assets,
        "total_compressed_bytes": total,
        "target_bytes": 100 * 1024,
        "other_origins": elsewhere,
        "csp": html_response.header("Content-Security-Policy"),
    }


# --- organisers and cases -------------------------------------------------------

OWNER_USERNAME = "bench-owner"


def organiser_session() -> str:
    """An owner of the 1M petition, logged in: the session is made in the
    database (as a login would leave it), so the throttled login form and
    password hashing stay out of the figures. Returns the Cookie header."""
    from django.contrib.auth import get_user_model

    from petitions.models import Organiser, Petition

    user, _ = get_user_model().objects.get_or_create(username=OWNER_USERNAME, defaults={"email": "owner@bench.example"})
    Organiser.objects.get_or_create(
        petition=Petition.objects.get(slug=BIG_SLUG), user=user, defaults={"role": Organiser.Role.OWNER}
    )
    return signed_in_cookie(user, host="127.0.0.1")


def worker_pids(master: int) -> list[int]:
    from bench.client import _stat

    pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    return [pid for pid in pids if (_stat(pid) or ["", ""])[1] == str(master)]


def memory_kb(pid: int) -> dict[str, int]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {"VmRSS": 0, "VmHWM": 0}
    return {key: int(re.search(rf"{key}:\s+(\d+) kB", text).group(1)) for key in ("VmRSS", "VmHWM")}


def export_csv(port: int, *, cookie: str, master: int) -> dict:
    """GET the 1M petition's signature CSV as its owner, stream-read it and
    count rows; meanwhile sample every worker's RSS every 50 ms. The worker
    that served it is the one whose memory moved most."""
    import http.client
    import threading

    from accounts.models import AuditEntry
    from petitions import audit_actions
    from petitions.models import Petition, Signature

    petition = Petition.objects.get(slug=BIG_SLUG)
    expected = Signature.objects.filter(petition=petition).counted().count()
    audits_before = AuditEntry.objects.about(petition).filter(action=audit_actions.EXPORT_SIGNATURES).count()
    pids = worker_pids(master)
    before = {pid: memory_kb(pid) for pid in pids}
    peak = {pid: m["VmRSS"] for pid, m in before.items()}
    stopping = threading.Event()

    def sample() -> None:
        while not stopping.wait(0.05):
            for pid in pids:
                peak[pid] = max(peak[pid], memory_kb(pid)["VmRSS"])

    sampler = threading.Thread(target=sample)
    sampler.start()
    log(f"export: CSV of {BIG_SLUG} ({expected:,} counted signatures)")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        connection.request("GET", f"/en/organisers/petitions/{BIG_SLUG}/export/signatures.csv",
                           headers={"Cookie": cookie})  # fmt: skip
        response = connection.getresponse()
        status, content_type = response.status, response.getheader("Content-Type")
        first_byte = time.perf_counter() - started
        lines = size = 0
        while chunk := response.read(65536):
            lines += chunk.count(b"\n")
            size += len(chunk)
        seconds = time.perf_counter() - started
    finally:
        connection.close()
        stopping.set()
        sampler.join()
    after = {pid: memory_kb(pid) for pid in pids}
    growth = {pid: peak[pid] - before[pid]["VmRSS"] for pid in pids}
    hwm_growth = {pid: after[pid]["VmHWM"] - before[pid]["VmHWM"] for pid in pids}
    served_by = max(pids, key=lambda pid: (growth[pid], hwm_growth[pid]))
    rows = lines - 1  # the header
    audits = AuditEntry.objects.about(petition).filter(action=audit_actions.EXPORT_SIGNATURES).count()
    return {
        "status": status,
        "content_type": content_type,
        "rows": rows,
        "expected_rows": expected,
        "rows_exact": rows == expected,
        "bytes": size,
        "seconds": round(seconds, 3),
        "first_byte_ms": round(first_byte * 1000, 1),
        "rows_per_second": round(rows / seconds) if seconds else 0,
        "worker_rss_growth_mb": round(growth[served_by] / 1024, 1),
        "worker_hwm_growth_mb": round(max(hwm_growth.values()) / 1024, 1),
        "worker_rss_before_mb": round(before[served_by]["VmRSS"] / 1024, 1),
        "all_workers_rss_growth_mb": {str(pid): round(kb / 1024, 1) for pid, kb in growth.items()},
        "audit_rows_written": audits - audits_before,
        "target_rows_per_second": 200_000,
        "target_growth_mb": 50,
    }


# The organisers' list at 1M: each filter as an organiser uses it.
SIGNATURE_LIST_QUERIES = {
    "unfiltered": "",
    "state confirmed": "?state=confirmed",
    "state pending": "?state=pending",
    "to review": "?state=to_review",
    "name search (one name)": "?name=Amina",
    "name search (full name)": "?name=Gulnar+Tohti",
    "email domain": "?domain=mail.ru",
    "date range (5 days)": "?since={d5}&until={d1}",
    "confirmed, domain, since": "?state=confirmed&domain=gmail.com&since={d5}",
    "page 200": "?page=200",
}


def signature_list(port: int, *, cookie: str) -> dict:
    """Each filter ~30 times (10 quick), one request at a time: latency on
    loopback, so close to the server's time. Plus queries per page in process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.client import percentile, request
    from petitions.models import Petition, Signature

    petition = Petition.objects.get(slug=BIG_SLUG)
    newest = Signature.objects.filter(petition=petition).order_by("-created_at").values_list("created_at", flat=True)[0]
    days = {"d1": (newest - datetime.timedelta(days=1)).date(), "d5": (newest - datetime.timedelta(days=5)).date()}
    path = f"/en/organisers/petitions/{BIG_SLUG}/signatures/"
    repeats = 10 if QUICK else 30
    results = {}
    for label, query in SIGNATURE_LIST_QUERIES.items():
        url = path + query.format(**days)
        latencies = []
        for n in range(repeats + 1):
            started = time.perf_counter()
            response = request(port, "GET", url, headers={"Cookie": cookie})
            if response.status != 200:
                raise RuntimeError(f"GET {url}: {response.status}")
            if n:  # the first is a warm-up
                latencies.append((time.perf_counter() - started) * 1000)
        match = re.search(rb"([\d,]+) signatures? match", response.body)
        results[label] = {"url": url, "median_ms": round(statistics.median(latencies), 2),
                          "p95_ms": round(percentile(latencies, 0.95), 2),
                          "matches": int(match.group(1).replace(b",", b"")) if match else None}  # fmt: skip
        log(f"signature list {label}: median {results[label]['median_ms']} ms, p95 {results[label]['p95_ms']} ms")
    # Queries per page, and the plans of the two heaviest, in process.
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies.load(cookie)
    queries, plans = {}, {}
    for label in ("unfiltered", "name search (one name)", "state confirmed"):
        with CaptureQueriesContext(connection) as captured:
            client.get(path + SIGNATURE_LIST_QUERIES[label].format(**days))
        queries[label] = len(captured)
        heaviest = max(captured.captured_queries, key=lambda q: float(q["time"]))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + heaviest["sql"])
            plans[label] = [row[0] for row in cursor.fetchall()]
    medians = [r["median_ms"] for r in results.values()]
    p95s = [r["p95_ms"] for r in results.values()]
    return {"requests": results, "worst_median_ms": max(medians), "worst_p95_ms": max(p95s),
            "queries_per_page": queries, "heaviest_query_plans": plans, "target_ms": 100,
            "measured_at": timezone.now().isoformat()}  # fmt: skip


def case_queries() -> list[tuple[str, str]]:
    """~200 (kind, query) pairs: whole names and parts in each script, typed
    without accents or in other case, and names nobody has."""
    from bench.generate_data import NAME_PARTS

    rng = __import__("random").Random(7)
    found: list[tuple[str, str]] = []
    scripts = {0: "uyghur latin", 1: "pinyin", 2: "cyrillic", 3: "arabic"}
    for _ in range(25 if QUICK else 120):
        a, b = rng.sample(NAME_PARTS, 2)
        script = rng.randrange(4)
        found.append((f"full name, {scripts[script]}", f"{a[script]} {b[script]}"))
    for _ in range(5 if QUICK else 30):
        part = rng.choice(NAME_PARTS)
        found.append(("one name", rng.choice(part).lower()))
    for _ in range(3 if QUICK else 15):
        part = rng.choice(NAME_PARTS)[0]
        found.append(("partial (prefix)", part[: max(3, len(part) // 2)]))
    for _ in range(5 if QUICK else 35):
        found.append(("miss", f"{rng.choice(['Xavier', 'Quentin', 'Brigitte', 'Wolfgang'])} {rng.randrange(10**6)}"))
    return found


def case_search(port: int) -> dict:
    """GET /en/cases/?q=… one at a time over the mixed queries, twice (the
    first pass warms the workers); latencies from the second."""
    from bench.client import percentile, request
    from cases.models import Case

    queries = case_queries()
    by_kind: dict[str, list[float]] = {}
    latencies: list[float] = []
    for rep in range(2):
        for kind, q in queries:
            url = "/en/cases/?" + __import__("urllib.parse").parse.urlencode({"q": q})
            started = time.perf_counter()
            response = request(port, "GET", url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise RuntimeError(f"GET {url}: {response.status}")
            if rep:
                latencies.append(elapsed)
                by_kind.setdefault(kind.split(",")[0], []).append(elapsed)
    return {
        "cases": Case.objects.public().count(),
        "queries": len(queries),
        "median_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "by_kind": {
            kind: {"n": len(v), "median_ms": round(statistics.median(v), 2), "p95_ms": round(percentile(v, 0.95), 2)}
            for kind, v in by_kind.items()
        },
        "target_p95_ms": 50,
    }


def targets(results: dict) -> list[dict]:
    bench = results["benchmarks"]
    page, sign = bench["pages"], bench["signing"]
    rows = [
        ("data: 1M signatures generated in under 60 s", "s per 1M",
         results["data"]["seconds"] * 1_000_000 / results["data"]["signatures"], lambda v: v < 60),
        ("page at 1M: >= 90% of hello req/s", "ratio", page["page_1m"]["ratio_to_hello"], lambda v: v >= 0.9),
        ("badge at 1M: >= 90% of hello req/s", "ratio", page["badge_1m"]["ratio_to_hello"], lambda v: v >= 0.9),
        ("share image at 1M: >= 90% of hello req/s", "ratio", page["share_image_1m"]["ratio_to_hello"],
         lambda v: v >= 0.9),
        ("page at 1M within 10% of 1k: req/s", "ratio", page["page_1m_vs_1k"]["rps_ratio"], lambda v: v >= 0.9),
        ("page at 1M within 10% of 1k: median", "ratio", page["page_1m_vs_1k"]["median_ratio"], lambda v: v <= 1.1),
        ("page at 1M within 10% of 1k: p99", "ratio", page["page_1m_vs_1k"]["p99_ratio"], lambda v: v <= 1.1),
        # The same two comparisons by server CPU per request, which noise barely moves.
        ("page at 1M: >= 95% of hello, by CPU per request", "ratio",
         page["hello_before"]["cpu_ms_per_request"]["app"] / page["page_1m"]["cpu_ms_per_request"]["app"],
         lambda v: v >= 0.95),
        ("page at 1M within 10% of 1k, by CPU per request", "ratio",
         page["page_1m"]["cpu_ms_per_request"]["app"] / page["page_1k"]["cpu_ms_per_request"]["app"],
         lambda v: v <= 1.1),
        *[(f"{name}: >= 90% of hello req/s", "ratio", page[name]["ratio_to_hello"], lambda v: v >= 0.9)
          for name in OPEN_DATA_RUNS],
        ("page: at most 10 queries (uncached)", "queries", bench["page_queries"]["1m_uncached"], lambda v: v <= 10),
        ("signing: >= 300 signatures/s (spread)", "sig/s", sign["spread"]["signatures_per_second"], lambda v: v >= 300),
        ("signing: >= 50% of the floor (signatures/s, same run)", "ratio", sign["spread_vs_floor"],
         lambda v: v >= 0.5),
        ("signing: hot >= 80% of spread", "ratio", sign["hot_vs_spread"], lambda v: v >= 0.8),
        ("signing: counts exact afterwards", "bool",
         sign["spread"]["count_exact"] and sign["hot"]["count_exact"] and sign["recount_mismatches"] == 0, bool),
        ("confirm click: median < 10 ms", "ms", bench["confirm_click"]["median_ms"], lambda v: v < 10),
        ("page weight < 100 KB compressed", "KB", bench["page_weight"]["total_compressed_bytes"] / 1024,
         lambda v: v < 100),
        ("page weight: no other origin", "count", len(bench["page_weight"]["other_origins"]), lambda v: v == 0),
        ("export: >= 200,000 rows/s", "rows/s", bench["export_csv"]["rows_per_second"], lambda v: v >= 200_000),
        ("export: worker memory growth < 50 MB", "MB", bench["export_csv"]["worker_rss_growth_mb"], lambda v: v < 50),
        ("organiser list at 1M: every filter's median < 100 ms", "ms",
         bench["organiser_signature_list"]["worst_median_ms"], lambda v: v < 100),
        ("organiser list at 1M: every filter's p95 < 100 ms", "ms",
         bench["organiser_signature_list"]["worst_p95_ms"], lambda v: v < 100),
        ("case search: p95 < 50 ms", "ms", bench["case_search"]["p95_ms"], lambda v: v < 50),
    ]  # fmt: skip
    return [{"target": name, "unit": unit, "value": round(value, 3) if isinstance(value, float) else value,
             "met": bool(check(value))} for name, unit, value, check in rows]  # fmt: skip


def problems(results: dict) -> list[str]:
    """What makes a run untrustworthy (as opposed to a missed target): failed
    requests, wrong counts. The smoke run (make bench-smoke) fails on these."""
    bench = results["benchmarks"]
    found = []
    for name in ("hello_before", "page_1k", "page_1m", *OPEN_DATA_RUNS, "badge_1m", "share_image_1m", "hello_after"):
        run = bench["pages"][name]
        if run["non_2xx_3xx"] or run["socket_errors"]:
            found.append(f"{name}: {run['non_2xx_3xx']} bad responses, socket errors: {run['socket_errors'] or 0}")
    if bench["pages"]["share_image_first"]["status"] != 200:
        found.append(f"share image: status {bench['pages']['share_image_first']['status']}")
    for run in bench["signing"]["floor"]["runs"]:
        for phase in ("insert", "update"):
            if run[phase]["failed"] or run[phase]["unfinished"]:
                found.append(f"signing floor {phase}: {run[phase]['failed']} failed, e.g. {run[phase]['failures'][:2]}")
    for kind in ("spread", "hot"):
        for run in bench["signing"][kind]["runs"]:
            if run["mail_drain"]["left"]:
                found.append(f"signing {kind}: {run['mail_drain']['left']} mails still queued at the deadline")
            for phase in ("sign", "confirm"):
                tally = run[phase]
                if tally["failed"] or tally["unfinished"]:
                    found.append(f"signing {kind} {phase}: {tally['failed']} failed, "
                                 f"{tally['unfinished']} unfinished, e.g. {tally['failures'][:2]}")  # fmt: skip
        if not bench["signing"][kind]["count_exact"]:
            found.append(f"signing {kind}: the count is not exact")
    if bench["signing"]["recount_mismatches"]:
        found.append(f"recount: {bench['signing']['recount_mismatches']} petitions differ")
    if bench["confirm_click"]["failed"]:
        found.append(f"confirm click: {bench['confirm_click']['failed']} failed")
    export = bench["export_csv"]
    if export["status"] != 200 or not export["rows_exact"]:
        found.append(f"export: status {export['status']}, {export['rows']} rows for {export['expected_rows']}")
    if export["audit_rows_written"] != 1:
        found.append(f"export: {export['audit_rows_written']} audit rows written, not 1")
    return found


def summary(results: dict) -> str:
    bench = results["benchmarks"]
    page, sign = bench["pages"], bench["signing"]
    hello = page["hello"]["requests_per_second"]
    m = results["machine"]
    lines = [
        f"Run {results['started_at']} ({'QUICK' if QUICK else 'full'}), {m['cores']} cores, "
        f"{m['memory_bytes'] / 2**30:.0f} GB, {m['cpu_model']}, PostgreSQL {m['postgresql']}, "
        f"{m['gunicorn_workers']} gunicorn workers, {results['data']['signatures']:,} signatures",
        "",
        "| figure | value | ratio to hello | server CPU (app + db) |",
        "|---|---|---|---|",
    ]

    def cpu(run: dict) -> str:
        c = run["cpu_ms_per_request"]
        return f"{c['app']:.2f} + {c['db']:.2f} ms/req"

    hello_cpu = cpu(page["hello_before"])
    lines.append(f"| hello (bare Django view) | {hello:,.0f} req/s | 1.00 | {hello_cpu} |")
    for name, label in [("page_1k", "petition page, 1k signatures"), ("page_1m", "petition page, 1M signatures"),
                        ("page_1m_old_browser", "petition page, 1M, old browser (no fetch metadata)"),
                        ("json_1m", "JSON detail, 1M signatures"), ("feed_new_petitions", "feed: new petitions"),
                        ("feed_updates_1m", "feed: updates of the 1M petition"),
                        ("badge_1m", "count badge (SVG), 1M"),
                        ("share_image_1m", "share image (PNG, cached), 1M")]:  # fmt: skip
        run = page[name]
        lines.append(f"| {label} | {run['requests_per_second']:,.0f} req/s, median {run['median_ms']:.2f} ms, "
                     f"p99 {run['p99_ms']:.2f} ms | {run['ratio_to_hello']:.2f} | {cpu(run)} |")  # fmt: skip
    floor = sign["floor"]

    def split(run: dict) -> str:
        c = run["cpu_ms_per_signature"]
        return (f"{run['server_cpu_ms_per_signature']:.2f} ms/signature (app {c['app']:.2f} + db {c['db']:.2f} + "
                f"mail worker {c['worker']:.2f}; client {c['load_generator']:.2f})")  # fmt: skip

    lines.append(f"| signing floor (bare insert; bare update + count) | {floor['signatures_per_second']:,.0f} "
                 f"signatures/s | {floor['signatures_per_second'] / hello:.3f} | {split(floor)} |")  # fmt: skip
    for kind in ("spread", "hot"):
        run = sign[kind]
        lines.append(f"| signing, {kind} | {run['signatures_per_second']:,.0f} signatures/s "
                     f"(sign {run['sign_per_second']:,.0f}/s, confirm {run['confirm_per_second']:,.0f}/s), "
                     f"exact: {run['count_exact']}; "
                     f"{run['signatures_per_second'] / (floor['signatures_per_second'] or 1):.2f} of the floor | "
                     f"{run['signatures_per_second'] / hello:.3f} | {split(run)} |")  # fmt: skip
    click = bench["confirm_click"]
    lines.append(f"| confirm click (one at a time) | median {click['median_ms']} ms, p99 {click['p99_ms']} ms | | |")
    weight = bench["page_weight"]
    lines.append(f"| page weight | {weight['total_compressed_bytes'] / 1024:.1f} KB compressed, "
                 f"other origins: {len(weight['other_origins'])} | | |")  # fmt: skip
    q = bench["page_queries"]
    lines.append(f"| queries per page | 1k: {q['1k_uncached']} uncached / {q['1k_cached']} cached; "
                 f"1M: {q['1m_uncached']} / {q['1m_cached']} | | |")  # fmt: skip
    export = bench["export_csv"]
    lines.append(f"| export CSV, 1M petition | {export['rows']:,} rows in {export['seconds']:.1f} s: "
                 f"{export['rows_per_second']:,} rows/s; serving worker +{export['worker_rss_growth_mb']} MB RSS "
                 f"(from {export['worker_rss_before_mb']} MB) | | |")  # fmt: skip
    for label, run in bench["organiser_signature_list"]["requests"].items():
        matches = f", {run['matches']:,} match" if run["matches"] is not None else ""
        lines.append(f"| organiser list at 1M, {label} | median {run['median_ms']} ms, p95 {run['p95_ms']} ms"
                     f"{matches} | | |")  # fmt: skip
    search = bench["case_search"]
    kinds = "; ".join(f"{kind} {v['median_ms']}/{v['p95_ms']}" for kind, v in search["by_kind"].items())
    lines.append(f"| case search, {search['cases']:,} public cases, {search['queries']} queries | "
                 f"median {search['median_ms']} ms, p95 {search['p95_ms']} ms (ms by kind: {kinds}) | | |")  # fmt: skip
    flow = bench["flow_queries"]
    lines.append(f"| queries per sign / confirm POST | {flow['sign']} / {flow['confirm']} | | |")
    lines += ["", "| target | value | met |", "|---|---|---|"]
    lines += [
        f"| {t['target']} | {t['value']} {t['unit']} | {'PASS' if t['met'] else 'MISS'} |" for t in results["targets"]
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    os.chdir(ROOT)
    started = time.monotonic()
    port = free_port()
    static_root = tempfile.mkdtemp(prefix="plea-bench-static-")
    configure_environment(port, static_root)
    import django

    django.setup()
    results: dict = {"started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "quick": QUICK}
    results["machine"] = machine()
    try:
        results["data"] = prepare_database()
        log_path = Path(tempfile.gettempdir()) / f"plea-bench-gunicorn-{port}.log"
        with Gunicorn(port, log_path) as server, TaskWorkers(TASK_WORKERS, log_path) as workers:
            log(f"gunicorn on 127.0.0.1:{port} with {WORKERS} workers, {TASK_WORKERS} db_workers (log: {log_path})")
            global METER
            METER = CpuMeter(app=server.process.pid, db=postmaster_pid(), worker=workers.pids)
            bench: dict = {}
            bench["pages"] = pages(port)
            bench["page_queries"] = page_queries()
            bench["flow_queries"] = flow_queries()
            bench["signing"] = signing(port)
            bench["confirm_click"] = confirm_click(port)
            bench["page_weight"] = page_weight(port)
            cookie = organiser_session()
            bench["export_csv"] = export_csv(port, cookie=cookie, master=server.process.pid)
            bench["organiser_signature_list"] = signature_list(port, cookie=cookie)
            log("case search")
            bench["case_search"] = case_search(port)
            results["benchmarks"] = bench
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    results["targets"] = targets(results)
    results["problems"] = problems(results)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["seconds"] = round(time.monotonic() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(results, indent=2, default=str) + "\n"
    # Only the latest run is kept: git has the earlier ones.
    (RESULTS / ("latest-quick.json" if QUICK else "latest.json")).write_text(text)
    table = summary(results)
    (RESULTS / ("latest-quick.md" if QUICK else "latest.md")).write_text(table)
    print(table)
    log(f"done in {results['seconds']} s; results in {RESULTS / ('latest-quick' if QUICK else 'latest')}.json")
    if results["problems"]:
        log("THE RUN IS NOT TRUSTWORTHY:\n  " + "\n  ".join(results["problems"]))
        sys.exit(1)


if __name__ == "__main__":
    main()
