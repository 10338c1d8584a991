"""Plea when parts fail, on real services. Run by CI:

    scripts/with-postgres.sh .venv/bin/python bench/resilience.py

On the throwaway PostgreSQL of scripts/with-postgres.sh and a redis-server of
its own (on a free port), it serves the app from two gunicorn instances on
two ports, as two machines behind a load balancer would, and checks:

1. a page cached by both is cleared on both when an organiser on one of them
   hides a signer;
2. the per-address signing limit holds across the two;
3. signing and confirming spread over both keeps the count exact, and the
   db_worker sends the confirmation mail queued by either;
4. PostgreSQL restarted (pg_ctl restart -m fast) under concurrent signing:
   no 500, every refusal a 503 with Retry-After (a sign form given back as
   typed), nothing acknowledged lost, counts exact, signing again within
   seconds;
5. Redis stopped: pages and signing still work, /health/ says "degraded";
6. a backup (scripts/backup.sh) of signatures in every state, a testifier's
   contact and an uploaded file, restored (scripts/restore.sh) into a fresh
   database: the same rows, `recount --check` clean, the file back, no secret
   key and no contact in plain text in the dump; the contact reads back only
   with PLEA_ENCRYPTION_KEYS, and a restore without it cannot open it.

Everything talks to 127.0.0.1 and stops by itself. Exits 1 listing what
failed. About a minute.
"""

import io
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402

from bench.client import FORM_SUBMISSION, HOST, NAVIGATION, Response, Visitor, request, signed_in_cookie  # noqa: E402
from bench.suite import Gunicorn  # noqa: E402

PETITION_PAGE_SECONDS = 300  # long enough that only a cleared cache explains a fresh page
RESTART_SIGNERS = 8
RESTART_SECONDS = 6.0

problems: list[str] = []


def email_hash(email: str) -> str:
    """What a signature keeps of its address (petitions.email_keys), to find it by."""
    from petitions.email_keys import email_hash as keyed

    return keyed(email)


def log(message: str) -> None:
    print(f"[resilience {time.strftime('%H:%M:%S')}] {message}", flush=True)


def check(ok: bool, what: str) -> bool:
    log(("ok     " if ok else "FAILED ") + what)
    if not ok:
        problems.append(what)
    return ok


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def as_pg_user(*command: str) -> list[str]:
    # PostgreSQL refuses to run as root; scripts/with-postgres.sh runs it as `postgres`.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


# --- the services ---------------------------------------------------------------


class Redis:
    def __init__(self, workdir: Path):
        self.port, self.workdir = free_port(), workdir
        self.url = f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            sys.exit("bench/resilience.py needs redis-server (apt-get install redis-server)")
        subprocess.run(
            [binary, "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no",
             "--daemonize", "yes", "--pidfile", str(self.workdir / "redis.pid"),
             "--logfile", str(self.workdir / "redis.log"), "--dir", str(self.workdir)],
            check=True,
        )  # fmt: skip
        self._wait(up=True)

    def stop(self) -> None:
        pidfile = self.workdir / "redis.pid"
        if pidfile.exists():
            os.kill(int(pidfile.read_text()), signal.SIGTERM)
            self._wait(up=False)

    def _wait(self, *, up: bool) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=0.2).close()
                answering = True
            except OSError:
                answering = False
            if answering == up:
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not {'start' if up else 'stop'}")


def gunicorn(name: str, workdir: Path) -> Gunicorn:
    """One app server of two workers, ready once /health/ answers."""
    return Gunicorn(free_port(), workdir / f"gunicorn-{name}.log", workers=2, ready_path="/health/")


def configure_environment(*, redis_url: str, site_port: int, media: Path) -> None:
    """Production settings (debug off), on plain http on loopback; tasks in the
    database queue, as in production, and mail kept in memory by whoever sends it."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "PLEA_IP_HASH_KEY": secrets.token_urlsafe(50),
            "PLEA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_MANIFEST": "0",
            "DJANGO_MEDIA_ROOT": str(media),
            "DJANGO_LOG_LEVEL": "WARNING",
            "SITE_URL": f"http://{HOST}:{site_port}",
            "DATABASE_CONN_MAX_AGE": "60",  # kept connections, as in production: a restart breaks them
            "REDIS_URL": redis_url,
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PLEA_PAGE_CACHE_SECONDS": str(PETITION_PAGE_SECONDS),
            # Each simulated signer gets its own address through the load balancer's header.
            "PLEA_TRUSTED_PROXIES": "1",
            "PLEA_MIN_FILL_SECONDS": "0",
        }
    )


# --- what a browser does ----------------------------------------------------------

_signer_numbers = iter(range(1, 10**6))


def next_signer() -> tuple[str, str]:
    """A fresh (email, client address)."""
    n = next(_signer_numbers)
    return f"signer{n}@example.org", f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def sign(port: int, slug: str, *, email: str, address: str, name: str = "") -> Response:
    from petitions.abuse import form_started_token

    # The start token a page would have stamped into this petition's form (the
    # servers share the secret key with this script).
    started = form_started_token(slug=slug)
    form = {"full_name": name or f"Signer {email}", "email": email, "country": "KZ", "reason": "", "started": started}
    return request(
        port,
        "POST",
        f"/en/petitions/{slug}/sign/",
        body=form,
        headers={**FORM_SUBMISSION, "Origin": f"http://{HOST}:{port}", "X-Forwarded-For": address},
    )


def page(port: int, slug: str) -> str:
    response = request(port, "GET", f"/en/petitions/{slug}/", headers=NAVIGATION)
    if response.status != 200:
        raise RuntimeError(f"petition page on :{port} answered {response.status}")
    return response.body.decode()


def confirm_path(signature_id: int) -> str:
    from petitions.tokens import Purpose, make_token

    return f"/en/signatures/confirm/{make_token(signature_id=signature_id, purpose=Purpose.CONFIRM)}/"


# --- the checks ----------------------------------------------------------------------


def make_petition(slug: str, owner=None):
    from petitions.models import Organiser, Petition

    petition = Petition.objects.create(
        slug=slug, title=f"Free them ({slug})", addressed_to="The decision maker", organiser_name="A campaign",
        story="Release them.",
    )  # fmt: skip
    petition.open()
    if owner is not None:
        Organiser.objects.create(petition=petition, user=owner, role=Organiser.Role.OWNER)
    return petition


def signed_and_confirmed(petition, *, name: str, ip: str = "192.0.2.1"):
    from petitions import signing
    from petitions.models import Signature

    email, _address = next_signer()
    signing.signature_create(
        petition=petition, full_name=name, email=email, country="KZ", reason="", show_publicly=True,
        wants_updates=False, ip_address=ip, language="en",
    )  # fmt: skip
    signature = Signature.objects.get(petition=petition, email_key=email_hash(email))
    signature.confirm()
    return signature


def organiser_cookie(user) -> str:
    return signed_in_cookie(user, host=HOST)


def cache_cleared_on_both(one: Gunicorn, two: Gunicorn, *, petition, session: str) -> None:
    from petitions.models import Signature

    shown = signed_and_confirmed(petition, name="Nurlan Shown")
    before = [page(server.port, petition.slug) for server in (one, two)]
    check(all("Nurlan Shown" in html for html in before), "both servers show a public signer")
    # A change that does not clear the page: both keep serving what they cached.
    signed_and_confirmed(petition, name="Aisulu Later")
    check(
        not any("Aisulu Later" in page(server.port, petition.slug) for server in (one, two)),
        "both servers serve the petition page from the shared cache",
    )
    form_page = request(
        one.port, "GET", f"/en/organisers/petitions/{petition.slug}/signatures/", headers={"Cookie": session}
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form_page.body)
    csrf_cookie = form_page.cookies().get("csrftoken")
    if not check(form_page.status == 200 and token and csrf_cookie, "an organiser's page opens on server one"):
        return
    hidden = request(
        one.port,
        "POST",
        f"/en/organisers/petitions/{petition.slug}/signatures/{shown.pk}/hide/",
        body={"csrfmiddlewaretoken": token.group(1).decode()},
        headers={"Cookie": f"{session}; csrftoken={csrf_cookie}", "Origin": f"http://{HOST}:{one.port}"},
    )
    check(hidden.status == 302 and Signature.objects.get(pk=shown.pk).hidden, "an organiser hides a signer on one")
    after = [page(server.port, petition.slug) for server in (one, two)]
    check(
        all("Nurlan Shown" not in html and "Aisulu Later" in html for html in after),
        "the hidden signer is gone from the page on both servers at once",
    )


def rate_limit_shared(one: Gunicorn, two: Gunicorn, *, petition) -> None:
    _email, address = next_signer()
    first = sign(one.port, petition.slug, email=next_signer()[0], address=address)
    second = sign(two.port, petition.slug, email=next_signer()[0], address=address)
    check(first.status == 302, "a first signature from an address is taken (server one)")
    check(second.status == 429, f"a second from that address a moment later is refused on server two ({second.status})")


def spread_signing(one: Gunicorn, two: Gunicorn, *, petition, count: int = 40) -> set[str]:
    from django.core import mail
    from django.core.management import call_command

    from petitions.models import Signature

    servers = (one, two)
    emails = [next_signer() for _ in range(count)]
    statuses: Counter = Counter()

    def signer(index: int) -> None:
        email, address = emails[index]
        statuses[sign(servers[index % 2].port, petition.slug, email=email, address=address).status] += 1

    run_threads(signer, count)
    check(statuses == Counter({302: count}), f"{count} signers spread over both servers all signed ({dict(statuses)})")

    # The worker mails the links before anyone clicks one: confirming erases
    # the address of a signer who did not ask for updates.
    mail.outbox = []
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    mailed = {message.to[0] for message in mail.outbox if "/confirm/" in message.body}
    check(
        {email for email, _a in emails} <= mailed,
        f"the db_worker sent the confirmation queued by either server ({len(mailed)} mails)",
    )

    pending = list(
        Signature.objects.filter(petition=petition, email_key__in=[email_hash(e) for e, _a in emails]).values_list(
            "pk", flat=True
        )
    )
    visitors = [Visitor.arrive(server.port, {}) for server in servers]
    confirmed: Counter = Counter()

    def confirmer(index: int) -> None:
        response = visitors[index % 2].post(servers[index % 2].port, confirm_path(pending[index]), {})
        confirmed[response.status] += 1

    run_threads(confirmer, len(pending))
    check(
        confirmed == Counter({302: count}),
        f"their confirmations over both servers all went through ({dict(confirmed)})",
    )
    petition.refresh_from_db()
    counted = Signature.objects.filter(petition=petition).counted().count()
    check(petition.signature_count == counted, f"the count is exact ({petition.signature_count} = {counted})")

    return mailed


def run_threads(work, count: int, *, threads: int = 8) -> None:
    indexes = iter(range(count))
    lock = threading.Lock()

    def loop() -> None:
        while True:
            with lock:
                index = next(indexes, None)
            if index is None:
                return
            work(index)

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)


def database_restart(one: Gunicorn, two: Gunicorn, *, petition) -> None:
    """Signers and confirmers keep posting to both servers while PostgreSQL restarts."""
    from django.core.management import call_command
    from django.db import connections

    from petitions import signing
    from petitions.models import Signature

    to_confirm = []
    for _ in range(60):
        email, address = next_signer()
        signing.signature_create(
            petition=petition, full_name="Waiting Signer", email=email, country="KZ", reason="", show_publicly=False,
            wants_updates=False, ip_address=address, language="en",
        )  # fmt: skip
        to_confirm.append(Signature.objects.get(petition=petition, email_key=email_hash(email)).pk)
    visitors = {server.port: Visitor.arrive(server.port, {}) for server in (one, two)}
    connections.close_all()  # this process's own connection would break too

    outcomes: list[tuple[str, str, int, str, str, str]] = []  # (kind, key, status, location, body, Retry-After)
    lock = threading.Lock()
    stop = time.monotonic() + RESTART_SECONDS
    restarted: dict[str, float] = {}

    def record(kind: str, key: str, response: Response | None, error: str = "") -> None:
        with lock:
            if response is None:
                outcomes.append((kind, key, 0, "", error, ""))
            else:
                location, retry_after = response.header("Location") or "", response.header("Retry-After") or ""
                outcomes.append((kind, key, response.status, location, response.body.decode(), retry_after))

    def client(number: int) -> None:
        turn = 0
        while time.monotonic() < stop:
            turn += 1
            port = (one, two)[(number + turn) % 2].port
            try:
                if number % 2 and to_confirm:
                    with lock:
                        signature_id = to_confirm.pop() if to_confirm else None
                    if signature_id is None:
                        continue
                    record("confirm", str(signature_id), visitors[port].post(port, confirm_path(signature_id), {}))
                else:
                    email, address = next_signer()
                    record(
                        "sign", email, sign(port, petition.slug, email=email, address=address, name=f"Typed {email}")
                    )
            except OSError as error:
                record("error", "", None, repr(error))

    def restart() -> None:
        time.sleep(1.5)
        restarted["at"] = time.monotonic()
        subprocess.run(
            as_pg_user(
                f"{os.environ['PLEA_PG_BINDIR']}/pg_ctl", "-D", os.environ["PLEA_PG_DATADIR"], "-m", "fast", "-w",
                "restart",
            ),
            check=True, cwd="/tmp", stdout=subprocess.DEVNULL,
        )  # fmt: skip
        restarted["done"] = time.monotonic()

    pool = [threading.Thread(target=client, args=(n,)) for n in range(RESTART_SIGNERS)]
    restarter = threading.Thread(target=restart)
    for thread in [*pool, restarter]:
        thread.start()
    for thread in [*pool, restarter]:
        thread.join(timeout=120)

    statuses = Counter(outcome[2] for outcome in outcomes)
    log(f"{len(outcomes)} posts during the restart: {dict(statuses)}")
    check("done" in restarted, f"PostgreSQL restarted ({restarted.get('done', 0) - restarted.get('at', 0):.1f} s)")
    check(statuses[500] == 0 and statuses[0] == 0, "no 500 and no dropped connection while the database restarted")
    check(set(statuses) <= {302, 503}, "every answer was a success or a 503")
    unavailable = [o for o in outcomes if o[2] == 503]
    check(all(o[5].isdigit() for o in unavailable), f"{len(unavailable)} requests were told to retry after seconds")
    signs_refused = [o for o in unavailable if o[0] == "sign"]
    check(
        all("please press Sign again" in o[4] and f'value="Typed {o[1]}"' in o[4] for o in signs_refused),
        f"each of the {len(signs_refused)} refused signers got their form back as typed",
    )
    signed = [o[1] for o in outcomes if o[0] == "sign" and o[2] == 302 and o[3].endswith("/signed/")]
    confirmed = [int(o[1]) for o in outcomes if o[0] == "confirm" and o[2] == 302]
    keys = set(
        Signature.objects.filter(petition=petition, email_key__in=[email_hash(e) for e in signed]).values_list(
            "email_key", flat=True
        )
    )
    stored = {email for email in signed if email_hash(email) in keys}
    check(set(signed) == stored, f"every acknowledged signature is stored ({len(stored)} of {len(signed)})")
    now_confirmed = Signature.objects.filter(pk__in=confirmed, state=Signature.State.CONFIRMED).count()
    check(
        now_confirmed == len(confirmed), f"every acknowledged confirmation holds ({now_confirmed} of {len(confirmed)})"
    )
    email, address = next_signer()
    check(sign(one.port, petition.slug, email=email, address=address).status == 302, "signing works after the restart")
    try:
        call_command("recount", check=True, stdout=io.StringIO())
        check(True, "recount --check: every count exact after the restart")
    except Exception as error:  # CommandError: counts differ
        check(False, f"recount --check after the restart: {error}")


def one_503_has_retry_after(one: Gunicorn) -> None:
    """Stop PostgreSQL for a moment and look at one refusal's headers."""
    pg_ctl = f"{os.environ['PLEA_PG_BINDIR']}/pg_ctl"
    datadir = Path(os.environ["PLEA_PG_DATADIR"])
    # `pg_ctl start` does not reuse the options the server ran with (port, socket): read them back.
    options = shlex.split((datadir / "postmaster.opts").read_text())[1:]
    options = [option for index, option in enumerate(options) if option != "-D" and options[index - 1] != "-D"]

    def pg(*args: str) -> None:
        subprocess.run(
            as_pg_user(pg_ctl, "-D", str(datadir), "-w", *args), check=True, cwd="/tmp", stdout=subprocess.DEVNULL
        )

    from django.db import connections

    connections.close_all()  # this process's kept connection does not survive the stop
    pg("-m", "fast", "stop")
    try:
        response = request(one.port, "GET", "/en/", headers=NAVIGATION)
        health = request(one.port, "GET", "/health/")
    finally:
        pg("-o", shlex.join(options), "-l", str(datadir.parent / "log"), "start")
    check(
        response.status == 503 and (response.header("Retry-After") or "").isdigit(),
        "database stopped: 503 with Retry-After",
    )
    check(health.status == 503 and b'"database": "down"' in health.body, "database stopped: /health/ answers 503")


def redis_stopped(one: Gunicorn, two: Gunicorn, *, redis: Redis, petition) -> None:
    redis.stop()
    try:
        pages_ok = all(
            request(server.port, "GET", path, headers=NAVIGATION).status == 200
            for server in (one, two)
            for path in ("/en/", f"/en/petitions/{petition.slug}/", "/en/cases/")
        )
        check(pages_ok, "Redis stopped: the petition list, a petition page and the people pages answer 200 on both")
        email, address = next_signer()
        check(sign(two.port, petition.slug, email=email, address=address).status == 302, "Redis stopped: signing works")
        health = request(one.port, "GET", "/health/")
        check(health.status == 200 and b'"cache": "down"' in health.body, "Redis stopped: /health/ is 200, degraded")
    finally:
        redis.start()
    time.sleep(0.1)
    deadline = time.monotonic() + 10  # each process leaves Redis alone for a few seconds after a failure
    while time.monotonic() < deadline and b'"status": "ok"' not in request(one.port, "GET", "/health/").body:
        time.sleep(0.5)
    check(b'"status": "ok"' in request(one.port, "GET", "/health/").body, "Redis back: /health/ says ok again")


BACKED_UP_PHONE = "+7 701 555 0199 Zqbackedup"
READ_CONTACT = "from cases.models import TestifierContact as C; print(C.objects.get(pk={pk}).phone)"


def backed_up_contact():
    from cases.models import Case, TestifierContact, Testimony

    case = Case.objects.create(reference="backed-up-person")
    testimony = Testimony.objects.create(case=case, testifier_label="his wife", relationship="spouse", summary="S")
    return TestifierContact.objects.create(testimony=testimony, phone=BACKED_UP_PHONE, address="Almaty")


def contact_read_back(restore_env: dict, *, contact_pk: int) -> None:
    """The restored contact opens with the site's encryption key, and a site
    restored without it (no key, a new secret key) cannot open it."""

    def read(env: dict) -> subprocess.CompletedProcess:
        command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", READ_CONTACT.format(pk=contact_pk)]
        return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)

    with_key = read(restore_env)
    read_back = with_key.stdout.strip().splitlines()[-1:] == [BACKED_UP_PHONE]
    check(
        read_back,
        "with PLEA_ENCRYPTION_KEYS, the restored contact reads back" + ("" if read_back else with_key.stderr[-300:]),
    )
    without = {**restore_env, "PLEA_ENCRYPTION_KEYS": "", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    without_key = read(without)
    check(
        without_key.returncode != 0 and BACKED_UP_PHONE not in without_key.stdout + without_key.stderr
        and "DecryptionFailed" in without_key.stderr,
        "without it, the restored contact cannot be read",
    )  # fmt: skip
    rotated = subprocess.run(
        [sys.executable, "manage.py", "rotate_encryption_keys", "--check"], env=without, cwd=ROOT,
        capture_output=True, text=True,
    )  # fmt: skip
    check(rotated.returncode != 0, "and rotate_encryption_keys --check says which values no key opens")


def backup_round_trip(workdir: Path, *, owner) -> None:
    import psycopg
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from petitions import signing
    from petitions.models import InvalidationReason

    petition = make_petition("backed-up", owner)
    states = {}
    for state in ("pending", "confirmed", "hidden", "withdrawn", "invalidated"):
        email, _address = next_signer()
        signing.signature_create(
            petition=petition, full_name=f"Backed {state}", email=email, country="KZ", reason="", show_publicly=True,
            wants_updates=True, ip_address="203.0.113.99", language="en",
        )  # fmt: skip
        signature = petition.signatures.get(email_key=email_hash(email))
        if state != "pending":
            signature.confirm()
        if state == "hidden":
            signature.hide()
        elif state == "withdrawn":
            signature.withdraw()
        elif state == "invalidated":
            signature.invalidate(reason=InvalidationReason.values[0])
        states[state] = signature.pk
    photo = default_storage.save("cases/photo.jpg", ContentFile(b"\xff\xd8 not really a photo"))
    contact = backed_up_contact()

    source_url = os.environ["DATABASE_URL"]
    restored_url = source_url.rsplit("/", 1)[0] + "/plea_restored"
    destination = workdir / "backup"
    env = {**os.environ, "PYTHON": sys.executable}
    subprocess.run([str(ROOT / "scripts/backup.sh"), str(destination)], check=True, env=env, cwd=ROOT)
    with psycopg.connect(source_url, autocommit=True) as admin:
        admin.execute("CREATE DATABASE plea_restored")
    restored_media = workdir / "restored-media"
    restore_env = {
        **env,
        "DATABASE_URL": restored_url,
        "DJANGO_MEDIA_ROOT": str(restored_media),
        "PLEA_PRIVATE_ROOT": str(workdir / "restored-private"),
    }
    subprocess.run([str(ROOT / "scripts/restore.sh"), str(destination)], check=True, env=restore_env, cwd=ROOT)

    def rows(url: str) -> list[tuple]:
        with psycopg.connect(url) as connection:
            return connection.execute(
                "SELECT id, state, hidden, email, ip_hash FROM petitions_signature ORDER BY id"
            ).fetchall()

    before, after = rows(source_url), rows(restored_url)
    check(before == after and len(after) > 100, f"the restored database holds the same {len(after)} signatures")
    restored_states = {row[1] for row in after}
    check({"pending", "confirmed", "withdrawn", "invalidated"} <= restored_states, "in every state")
    recount = subprocess.run(
        [sys.executable, "manage.py", "recount", "--check"], env=restore_env, cwd=ROOT, capture_output=True, text=True
    )
    check(
        recount.returncode == 0,
        f"recount --check on the restored database: {recount.stdout.strip() or recount.stderr.strip()}",
    )
    check((restored_media / photo).read_bytes() == b"\xff\xd8 not really a photo", "the uploaded file is restored")
    sql = subprocess.run(
        [f"{os.environ['PLEA_PG_BINDIR']}/pg_restore", "--file=-", str(destination / "database.dump")],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    check(
        settings.SECRET_KEY.encode() not in sql and settings.PLEA_IP_HASH_KEY.encode() not in sql,
        "no secret key is in the backup",
    )
    check(
        settings.PLEA_ENCRYPTION_KEYS[0].encode() not in sql and BACKED_UP_PHONE.encode() not in sql,
        "neither the encryption key nor a testifier's phone number in plain text is in the backup",
    )
    contact_read_back(restore_env, contact_pk=contact.pk)
    # Keyed with a secret held outside the database: the restored hashes match
    # an address only with that key.
    hashed = {row[0]: row[4] for row in after}[states["confirmed"]]
    check(hashed == signing.ip_hash("203.0.113.99"), "with the site's key, a restored IP hash matches its address")
    settings.PLEA_IP_HASH_KEY = "another key"
    check(hashed != signing.ip_hash("203.0.113.99"), "without it, the hash tells nothing")


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")) or not os.environ.get(
        "PLEA_PG_DATADIR"
    ):
        sys.exit("bench/resilience.py needs the throwaway PostgreSQL of scripts/with-postgres.sh")
    workdir = Path(tempfile.mkdtemp(prefix="plea-resilience."))
    redis = Redis(workdir)
    redis.start()
    one, two = gunicorn("one", workdir), gunicorn("two", workdir)
    try:
        configure_environment(redis_url=redis.url, site_port=one.port, media=workdir / "media")
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        owner = get_user_model().objects.create_user(username="owner", email="owner@example.org")
        shared = make_petition("two-servers", owner)
        with one, two:
            session = organiser_cookie(owner)
            log(f"two servers on :{one.port} and :{two.port}, Redis on :{redis.port}")
            cache_cleared_on_both(one, two, petition=shared, session=session)
            rate_limit_shared(one, two, petition=make_petition("rate-limited"))
            spread_signing(one, two, petition=make_petition("spread"))
            database_restart(one, two, petition=make_petition("restarted"))
            one_503_has_retry_after(one)
            redis_stopped(one, two, redis=redis, petition=shared)
        backup_round_trip(workdir, owner=owner)
    finally:
        redis.stop()
        if not problems:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"logs kept in {workdir}")
    if problems:
        log(f"{len(problems)} check(s) failed:\n  - " + "\n  - ".join(problems))
        sys.exit(1)
    log("every check passed")


if __name__ == "__main__":
    main()
