"""Many parallel sign and confirm requests against a live server (PostgreSQL)."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core import mail
from django.db import connection  # noqa: F401 - read by the skipif condition

from petitions.models import Petition, Signature
from tests.conftest import rate_limit_rules
from tests.petitions.factories import open_petition
from tests.petitions.mailbox import confirm_link

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs concurrent writers"),
]

TOKEN = re.compile(r'name="(csrfmiddlewaretoken|started)" value="([^"]+)"')


class Browser:
    """A visitor with their own cookies, speaking plain HTTP."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def submit(self, path: str, fields: dict, *, action: str | None = None) -> int:
        """Open a page and send its form; the page's own status if it has none
        (a confirmation link already used redirects to the petition)."""
        status, page = self.request(path)
        if status != 200:
            return status
        hidden = dict(TOKEN.findall(page))
        return self.request(action or path, {**hidden, **fields})[0]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def together(jobs) -> None:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        barrier.wait()
        try:
            job()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_parallel_signing_and_confirming_end_with_an_exact_count_and_no_server_error(live_server, settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(sign_per_petition=[], sign=[])
    settings.PLEA_MIN_FILL_SECONDS = 0
    petition = open_petition()
    page = petition.get_absolute_url()
    sign = f"{page}sign/"
    people = [f"person{n}@example.org" for n in range(12)]
    # Each person submits twice at once, once in capitals: 24 racing requests.
    submissions = people + [email.upper() for email in people]
    statuses: list[int] = []

    def signer(email):
        def job():
            fields = {"full_name": "Parallel Signer", "email": email, "country": "KZ", "reason": ""}
            statuses.append(Browser(live_server.url).submit(page, fields, action=sign))

        return job

    together([signer(email) for email in submissions])

    assert sorted(set(statuses)) == [302], statuses
    assert Signature.objects.filter(petition=petition).count() == len(people)

    links = sorted({confirm_link(message) for message in mail.outbox if "Confirm" in message.subject})
    assert len(links) == len(people)

    def confirmer(link):
        def job():
            statuses.append(Browser(live_server.url).submit(link, {}))

        return job

    statuses.clear()
    together([confirmer(link) for link in links + links])  # every link clicked twice at once

    assert all(status in (302, 200) for status in statuses), statuses
    counted = Signature.objects.filter(petition=petition).counted().count()
    assert counted == len(people)
    assert Petition.objects.get(pk=petition.pk).signature_count == counted
