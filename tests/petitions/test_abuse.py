"""Bots and floods: honeypot, fill time, disposable addresses, rate limits."""

import re
import time

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from petitions import abuse
from petitions.email_keys import email_key
from petitions.models import Signature
from tests.conftest import page_text, rate_limit_rules
from tests.petitions.factories import another_address, open_petition, sign_form

pytestmark = pytest.mark.django_db


def post(client, petition, data, *, address="203.0.113.7"):
    return client.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), data, REMOTE_ADDR=address)


def test_the_sign_form_carries_a_hidden_honeypot_and_a_start_time(client, petition):
    body = client.get(petition.get_absolute_url()).content.decode()

    assert re.search(r'class="plea-hp"\s+aria-hidden="true"', body)
    assert 'name="website"' in body
    assert 'name="started"' in body


def test_a_filled_honeypot_looks_like_success_but_stores_and_sends_nothing(client, petition, send_on_commit):
    response = send_on_commit(lambda: post(client, petition, sign_form(petition, website="http://spam.example")))

    assert response.status_code == 302
    assert response["Location"].endswith("/signed/")
    assert not Signature.objects.exists()
    assert mail.outbox == []


def test_a_form_sent_faster_than_a_person_can_fill_it_is_shown_again(client, petition):
    response = post(client, petition, sign_form(petition, started=abuse.form_started_token(slug=petition.slug)))

    assert response.status_code == 400
    assert "quicker than a person usually is" in page_text(response)
    assert 'value="Amina Yusuf"' in response.content.decode(), "what the person typed is kept"
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "started",
    [
        "",
        "forged",
        lambda petition: abuse.form_started_token(slug=petition.slug, at=time.time() - 60)[:-2] + "xx",
        # older than the form's 2 hours
        lambda petition: abuse.form_started_token(slug=petition.slug, at=time.time() - 2 * 3600 - 5),
        # shown on another petition's page
        lambda petition: abuse.form_started_token(slug="another-petition", at=time.time() - 60),
    ],
    ids=["missing", "forged", "tampered", "expired", "other-petition"],
)
def test_a_missing_forged_expired_or_foreign_start_time_asks_to_sign_again(client, petition, started):
    token = started(petition) if callable(started) else started

    response = post(client, petition, sign_form(petition, started=token))

    assert response.status_code == 400
    assert "This form had expired" in page_text(response)
    assert 'value="Amina Yusuf"' in response.content.decode(), "what the person typed is kept"
    assert not Signature.objects.exists()


def test_one_start_token_cannot_serve_two_petitions(client, send_on_commit, petition):
    other = open_petition()
    token = abuse.form_started_token(slug=petition.slug, at=time.time() - 60)

    first = send_on_commit(lambda: post(client, petition, sign_form(petition, started=token)))
    second = post(client, other, sign_form(other, email="second@example.org", started=token), address=another_address())

    assert first.status_code == 302
    assert second.status_code == 400
    assert list(Signature.objects.values_list("petition_id", flat=True)) == [petition.pk]


def test_a_form_just_inside_its_two_hours_is_accepted(settings):
    handed_out = 1_800_000_000

    token = abuse.form_started_token(slug="p", at=handed_out)

    assert settings.PLEA_FORM_MAX_AGE == 2 * 3600
    assert abuse.form_timing(token, slug="p", now=handed_out + 2 * 3600 - 1) is abuse.FormTiming.HUMAN
    assert abuse.form_timing(token, slug="p", now=handed_out + 2 * 3600 + 1) is abuse.FormTiming.MISSING


def test_the_re_shown_form_can_be_sent_once_the_person_has_checked_it(client, petition, monkeypatch):
    response = post(client, petition, sign_form(petition, started=""))
    fresh = response.context["form"].data["started"]
    a_minute_later = time.time() + 60
    monkeypatch.setattr(time, "time", lambda: a_minute_later)

    assert abuse.form_timing(fresh, slug=petition.slug) is abuse.FormTiming.HUMAN


@pytest.mark.parametrize("fraction", [0.0, 0.001, 0.5, 0.999])
def test_the_form_clock_never_makes_a_form_look_older_than_it_is(fraction):
    handed_out = 1_800_000_000 + fraction

    token = abuse.form_started_token(slug="p", at=handed_out)

    too_soon, later = (
        handed_out + settings.PLEA_MIN_FILL_SECONDS - 0.01,
        handed_out + settings.PLEA_MIN_FILL_SECONDS + 1,
    )
    assert abuse.form_timing(token, slug="p", now=too_soon) is abuse.FormTiming.TOO_FAST
    assert abuse.form_timing(token, slug="p", now=later) is abuse.FormTiming.HUMAN


def test_with_the_minimum_fill_time_off_a_form_sent_at_once_is_accepted(client, petition, settings):
    settings.PLEA_MIN_FILL_SECONDS = 0

    response = post(client, petition, sign_form(petition, started=abuse.form_started_token(slug=petition.slug)))

    assert response.status_code == 302
    assert Signature.objects.count() == 1


def test_pages_handed_out_in_the_same_second_share_one_signed_time():
    def token(at):
        return abuse.form_started_token(slug="p", at=at)

    assert token(1_800_000_000.2) == token(1_800_000_000.9)
    assert token(1_800_000_000.9) != token(1_800_000_001.1)


@pytest.mark.parametrize(
    "address",
    [
        "someone@mailinator.com",
        "someone@sub.mailinator.com",
        "x@guerrillamail.com",
        "mallory@ＭＡＩＬＩＮＡＴＯＲ.com",  # fullwidth letters: NFKC makes them mailinator.com
        "mallory@MAILINATOR.COM",
        "mallory@mailinator.com。",  # an ideographic full stop ends the domain
    ],
)
def test_disposable_addresses_are_refused_however_the_domain_is_typed(client, petition, address):
    response = post(client, petition, sign_form(petition, email=address))

    assert response.status_code == 400
    assert "disposable addresses cannot confirm a signature" in page_text(response)
    assert not Signature.objects.exists()


@pytest.mark.parametrize("address", ["someone@gmail.com", "someone@proton.me", "someone@example.org"])
def test_ordinary_addresses_are_welcome(address):
    assert not abuse.is_disposable(email_key(address))


def test_one_address_signing_twice_in_a_minute_is_refused_with_a_clear_message(client, petition, send_on_commit):
    send_on_commit(lambda: post(client, petition, sign_form(petition, email="first@example.org")))
    response = send_on_commit(lambda: post(client, petition, sign_form(petition, email="second@example.org")))

    assert response.status_code == 429
    assert "Too many signatures have come from your network" in page_text(response)
    assert 'value="second@example.org"' in response.content.decode()
    assert list(Signature.objects.values_list("email", flat=True)) == ["first@example.org"]
    assert abuse.refused_in_last_day(petition_id=petition.pk) == 1


def test_a_sustained_limit_caps_signatures_over_a_longer_window(client, petition, send_on_commit, settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(sign_per_petition=[(5, 300)])
    statuses = [
        send_on_commit(lambda: post(client, petition, sign_form(petition, email=f"s{n}@example.org"))).status_code  # noqa: B023
        for n in range(7)
    ]

    assert statuses == [302] * 5 + [429] * 2
    assert Signature.objects.count() == 5


def test_the_defaults_are_the_uk_petitions_sites(settings):
    from config.settings import env_limits

    assert env_limits("UNSET_FOR_THIS_TEST", default="1/60,5/300") == [(1, 60), (5, 300)]
    assert settings.PLEA_RATE_LIMITS["sign_per_petition"] == [(1, 60), (5, 300)]


def test_other_networks_are_not_slowed_by_one_busy_one(client, petition, send_on_commit):
    for n in range(3):
        post(client, petition, sign_form(petition, email=f"busy{n}@example.org"))

    response = send_on_commit(
        lambda: post(client, petition, sign_form(petition, email="calm@example.org"), address=another_address())
    )

    assert response.status_code == 302
    assert Signature.objects.filter(email="calm@example.org").exists()


def test_limits_can_be_switched_off_for_a_trusted_event(client, petition, settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(sign_per_petition=[], sign=[])
    for n in range(4):
        assert post(client, petition, sign_form(petition, email=f"hall{n}@example.org")).status_code == 302
