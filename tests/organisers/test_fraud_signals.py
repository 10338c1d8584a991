import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions import fraud
from petitions.models import Signature
from tests.conftest import page_text
from tests.organisers.factories import confirmed_signature, moderator_of, open_petition, pending_signature
from tests.petitions.factories import sign_form

pytestmark = pytest.mark.django_db

BOT_IP = "b" * 64


@pytest.fixture
def petition(db):
    return open_petition()


@pytest.fixture
def moderator(client, petition):
    account = moderator_of(petition)
    client.force_login(account)
    return account


def wave(petition, *, n: int, at: datetime.datetime, **fields):
    for index in range(n):
        signature = pending_signature(petition, **fields)
        Signature.objects.filter(pk=signature.pk).update(created_at=at + datetime.timedelta(seconds=index))


def test_a_burst_from_one_network_is_flagged_and_one_click_from_invalidation(client, petition, moderator, settings):
    settings.PLEA_FRAUD_IP_PER_HOUR = 10
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=2)
    wave(petition, n=12, at=hour, ip_hash=BOT_IP)
    wave(petition, n=3, at=hour, ip_hash="c" * 64)

    response = client.get(f"/en/organisers/petitions/{petition.slug}/signals/")
    text = page_text(response)

    assert response.status_code == 200
    assert text.count("Above threshold") == 1
    link = re.search(rf'href="([^"]*kind=ip&amp;ip_hash={BOT_IP}[^"]*)"', response.content.decode())
    preview = client.get(html.unescape(link.group(1)))
    assert preview.status_code == 200
    assert "12" in page_text(preview)


def test_a_burst_from_one_email_domain_is_flagged(client, petition, moderator, settings):
    settings.PLEA_FRAUD_DOMAIN_PER_HOUR = 5
    hour = timezone.now() - datetime.timedelta(hours=1)
    for n in range(6):
        confirmed_signature(petition, email=f"bot{n}@bots.example")
    Signature.objects.update(created_at=hour)

    text = page_text(client.get(f"/en/organisers/petitions/{petition.slug}/signals/"))

    assert "bots.example" in text
    assert "Above threshold" in text


def test_signatures_older_than_a_day_raise_no_signal(petition, settings):
    settings.PLEA_FRAUD_IP_PER_HOUR = 2
    wave(petition, n=5, at=timezone.now() - datetime.timedelta(days=2), ip_hash=BOT_IP)

    assert fraud.fraud_signals(petition=petition).by_ip == []


def test_refused_signing_attempts_are_shown(client, petition, moderator):
    sign_url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    for email in ("first@example.org", "second@example.org"):
        client.post(sign_url, sign_form(petition, email=email), REMOTE_ADDR="198.51.100.3")

    text = page_text(client.get(f"/en/organisers/petitions/{petition.slug}/signals/"))

    assert "1 signing attempt was refused by the rate limits in the last 24 hours." in text


def test_the_dashboard_counts_flagged_bursts_per_petition(client, petition, moderator, settings):
    settings.PLEA_FRAUD_IP_PER_HOUR = 3
    wave(petition, n=4, at=timezone.now() - datetime.timedelta(minutes=5), ip_hash=BOT_IP)

    text = page_text(client.get("/en/organisers/"))

    assert "1 flagged" in text


def test_another_petitions_organiser_sees_nothing(client, petition):
    other = open_petition()
    client.force_login(moderator_of(other))

    assert client.get(f"/en/organisers/petitions/{petition.slug}/signals/").status_code == 404
