"""Load generation: wrk for plain GETs, a small threaded client for the
sign-and-confirm flow. Requests carry what a current browser sends
(`Sec-Fetch-Site`, and `Origin` on posts); the confirm form, which keeps
Django's CSRF token, also gets a CSRF cookie and token per visitor.

Everything here talks to 127.0.0.1 only and stops by itself: wrk runs for a
fixed duration, the threaded client for a fixed number of requests or until
its deadline, whichever comes first.
"""

import http.client
import os
import queue
import re
import shutil
import statistics
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# The sign form's start time (for its minimum fill time), sent back as a browser would.
STARTED_INPUT = re.compile(rb'name="started" value="([^"]+)"')
# Any page with Django's token CSRF: it hands out the cookie and token.
TOKEN_PAGE = "/en/accounts/login/"
# A current browser opening a page from a link or bookmark...
NAVIGATION = {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
# ...and submitting a form on one of the site's pages.
FORM_SUBMISSION = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        for key, value in self.headers:
            if key.lower() == "set-cookie":
                jar.load(value)
        return {name: morsel.value for name, morsel in jar.items()}


def request(port: int, method: str, path: str, *, body: dict | None = None, headers: dict | None = None) -> Response:
    """One request on a fresh connection (gunicorn's sync workers close after each)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = dict(headers or {})
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=headers)
        raw = connection.getresponse()
        return Response(raw.status, raw.getheaders(), raw.read())
    finally:
        connection.close()


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- wrk ---------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(port: int, path: str, *, seconds: int, connections: int, threads: int = 1, headers: dict | None = None) -> dict:
    """Requests/s and latency of GET path, from wrk's own report."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, flags=re.M))
    if "99" not in latency:
        raise RuntimeError(f"could not read wrk's report:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_second": rps,
        "median_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "requests": total,
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
        "seconds": seconds,
        "connections": connections,
    }


# --- the signing flow --------------------------------------------------------


@dataclass
class Visitor:
    """A browser's form state: the CSRF cookie and a form token made for it
    (for the confirm form), and each petition's sign-form start time."""

    cookie: str
    token: str
    started: dict[str, str] = field(default_factory=dict)  # sign path -> start token

    @classmethod
    def arrive(cls, port: int, started: dict[str, str]) -> "Visitor":
        # The petition page carries no token (core/cross_origin.py); the
        # confirm form's cookie and token come from a page with Django's
        # token CSRF, as a browser gets them from the confirm page, which
        # this client does not fetch.
        response = request(port, "GET", TOKEN_PAGE)
        match = CSRF_INPUT.search(response.body)
        cookie = response.cookies().get("csrftoken")
        if response.status != 200 or not match or not cookie:
            raise RuntimeError(f"GET {TOKEN_PAGE}: {response.status}, no CSRF cookie or form token")
        return cls(cookie=cookie, token=match.group(1).decode(), started=started)

    def post(self, port: int, path: str, form: dict) -> Response:
        # The cookie is Secure (debug off) and sent anyway: this is plain http
        # on loopback. The sign view goes by Sec-Fetch-Site (core/cross_origin.py);
        # the confirm view checks the token.
        return request(
            port,
            "POST",
            path,
            body={"csrfmiddlewaretoken": self.token, "started": self.started.get(path, ""), **form},
            headers={"Cookie": f"csrftoken={self.cookie}", "Origin": f"http://{HOST}:{port}", **FORM_SUBMISSION},
        )


def sign_form_start_times(port: int, jobs: list[tuple[str, dict, str]]) -> dict[str, str]:
    """Each petition's sign-form start token, as its page hands it out (a
    token is bound to its petition; the same for every visitor). Fetched
    before a run's clock starts: a hundred cold pages take seconds."""

    def start_time(path: str) -> tuple[str, str]:
        page = request(port, "GET", path.removesuffix("sign/"), headers=NAVIGATION)
        match = STARTED_INPUT.search(page.body)
        return path, match.group(1).decode() if match else ""

    paths = {path for path, _form, _expected in jobs if path.endswith("/sign/")}
    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(pool.map(start_time, paths))


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    ok: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, started: float, good: bool, what: str) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies_ms.append(elapsed)
            if good:
                self.ok += 1
            else:
                self.failed += 1
                if len(self.failures) < 5:
                    self.failures.append(what)


def run_posts(
    port: int,
    *,
    jobs: list[tuple[str, dict, str]],
    threads: int,
    deadline: float,
    started: dict[str, str] | None = None,
) -> dict:
    """POST every (path, form, expected Location fragment) with `threads`
    visitors in parallel; each visitor fetches its CSRF token once, outside
    the timed window; sign forms carry `started` (sign_form_start_times).
    Stops early at `deadline` (time.monotonic())."""
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    visitors = [Visitor.arrive(port, started or {}) for _ in range(threads)]
    tally = Tally()

    def worker(visitor: Visitor) -> None:
        while time.monotonic() < deadline:
            try:
                path, form, expected = work.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            try:
                response = visitor.post(port, path, form)
                location = response.header("Location") or ""
                tally.record(started, response.status == 302 and expected in location, f"{response.status} {location}")
            except OSError as error:
                tally.record(started, False, repr(error))

    cpu_before, wall_before = time.process_time(), time.perf_counter()
    pool = [threading.Thread(target=worker, args=(visitor,)) for visitor in visitors]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - wall_before
    cpu = time.process_time() - cpu_before
    return {
        "ok": tally.ok,
        "failed": tally.failed,
        "failures": tally.failures,
        "seconds": wall,
        "per_second": tally.ok / wall if wall else 0.0,
        "median_ms": statistics.median(tally.latencies_ms) if tally.latencies_ms else float("nan"),
        "p99_ms": percentile(tally.latencies_ms, 0.99),
        "client_cpu_seconds": cpu,
        "unfinished": work.qsize(),
    }


# --- server CPU, which noise from other processes barely moves ------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from 3 (state) on


def tree_cpu_seconds(root: int) -> float:
    """CPU used by a process and its children, living and exited (a gunicorn
    master and its workers; a postmaster and its backends)."""
    fields = _stat(root)
    if fields is None:
        return 0.0
    # utime, stime, cutime, cstime are fields 14-17, here 11-14.
    ticks = sum(int(value) for value in fields[11:15])
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            child = _stat(int(entry.name))
            if child and int(child[1]) == root:
                ticks += int(child[11]) + int(child[12])
    return ticks / TICKS


class CpuMeter:
    """Server CPU seconds spent between start() and stop(), per named group of
    process trees (one root, or several: the task workers)."""

    def __init__(self, **roots: int | list[int]):
        self.roots = {name: pids if isinstance(pids, list) else [pids] for name, pids in roots.items()}
        self.before: dict[str, float] = {}

    def _now(self) -> dict[str, float]:
        return {name: sum(tree_cpu_seconds(pid) for pid in pids) for name, pids in self.roots.items()}

    def start(self) -> None:
        self.before = self._now()

    def stop(self) -> dict[str, float]:
        return {name: seconds - self.before[name] for name, seconds in self._now().items()}


def signed_in_cookie(user, *, host: str) -> str:
    """The Cookie header of a session made in the shared database as a sign-in
    with both factors would leave it, so the throttled sign-in form and
    password hashing stay out of the figures. These run under production
    settings, where an owner must hold a second factor (PLEA_REQUIRE_2FA)."""
    import time

    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import two_factor

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[two_factor.VERIFIED_AT] = int(time.time())
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
