"""Strangers get the petition page from a short cache; nobody gets someone
else's CSRF token or messages, and the count lags by at most the TTL."""

import re
import time

import pytest
from django.core import mail
from django.core.cache.backends import locmem
from django.test import Client
from django.urls import reverse

from petitions import page_cache
from petitions.models import Petition
from tests.conftest import page_text
from tests.petitions.factories import confirmed_signature, pending_signature, sign_form
from tests.petitions.mailbox import confirm_link

pytestmark = pytest.mark.django_db

CSRF_INPUTS = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM = sign_form()


def tokens(response) -> set[str]:
    return set(CSRF_INPUTS.findall(response.content.decode()))


def test_each_browser_without_fetch_metadata_gets_its_own_working_csrf_token_from_the_cached_page(petition):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    url = petition.get_absolute_url()

    first_page, second_page = first.get(url), second.get(url)

    assert page_cache.get(slug=petition.slug) is not None
    assert page_cache.CSRF_PLACEHOLDER not in second_page.content.decode()
    assert len(tokens(first_page)) == len(tokens(second_page)) == 1
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert "Cookie" in second_page["Vary"]
    [token] = tokens(second_page)
    response = second.post(
        reverse("petitions:sign", kwargs={"slug": petition.slug}), {**FORM, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_a_visitor_with_a_message_gets_a_fresh_page_and_the_next_visitor_never_sees_it(
    client, send_on_commit, petition
):
    stranger = Client()
    stranger.get(petition.get_absolute_url())  # the page is now cached, at 0 signatures
    send_on_commit(lambda: client.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), FORM))
    confirmed = client.post(confirm_link(mail.outbox[-1]), follow=True)

    assert "Your signature is confirmed and counted" in page_text(confirmed)
    assert "1 has signed" in page_text(confirmed), "the signer sees their own signature at once"
    later = page_text(stranger.get(petition.get_absolute_url()))
    assert "confirmed and counted" not in later
    assert "0 have signed" in later, "strangers may see the count as it was, within the TTL"


def test_strangers_see_the_new_count_once_the_ttl_has_passed(client, petition, settings, monkeypatch):
    settings.PLEA_PAGE_CACHE_SECONDS = 5
    client.get(petition.get_absolute_url())
    confirmed_signature(petition)
    assert "0 have signed" in page_text(client.get(petition.get_absolute_url()))

    now = time.time()
    monkeypatch.setattr(locmem.time, "time", lambda: now + 5.1)

    assert "1 has signed" in page_text(client.get(petition.get_absolute_url()))


def test_closing_or_editing_the_petition_shows_at_once(client, petition):
    client.get(petition.get_absolute_url())
    petition.close()

    assert "This petition is closed" in page_text(client.get(petition.get_absolute_url()))


def test_a_withdrawn_signer_leaves_the_recent_signers_at_once(client, petition):
    signature = confirmed_signature(petition, full_name="Bilal Tohti", show_publicly=True)
    assert "Bilal Tohti" in page_text(client.get(petition.get_absolute_url()))

    signature.withdraw()

    assert "Bilal Tohti" not in page_text(client.get(petition.get_absolute_url()))


def test_a_logged_in_visitor_gets_a_fresh_page(client, petition, django_user_model):
    client.get(petition.get_absolute_url())
    Petition.objects.filter(pk=petition.pk).update(signature_count=7)
    client.force_login(django_user_model.objects.create_user("organiser", password="x" * 20))

    assert "7 have signed" in page_text(client.get(petition.get_absolute_url()))


def test_a_query_string_is_never_echoed_to_other_visitors(client, petition):
    url = petition.get_absolute_url()

    client.get(f"{url}?from=someone-elses-newsletter")

    assert page_cache.get(slug=petition.slug) is None
    assert "someone-elses-newsletter" not in Client().get(url).content.decode()


def test_caching_can_be_turned_off(client, petition, settings):
    settings.PLEA_PAGE_CACHE_SECONDS = 0
    client.get(petition.get_absolute_url())
    Petition.objects.filter(pk=petition.pk).update(signature_count=3)

    assert "3 have signed" in page_text(client.get(petition.get_absolute_url()))


def test_each_language_is_cached_apart(client, petition):
    english = client.get(f"/en/petitions/{petition.slug}/").content.decode()
    urdu = client.get(f"/ur/petitions/{petition.slug}/").content.decode()

    assert '<html lang="en"' in english
    assert '<html lang="ur"' in urdu


def test_a_cached_page_costs_no_queries_and_an_uncached_one_few(
    petition, django_assert_num_queries, django_assert_max_num_queries
):
    for _ in range(10):
        confirmed_signature(petition, show_publicly=True)
    pending_signature(petition)
    # The petition, its translations, recent signers, the people behind it,
    # and its updates, deliveries and responses; and, at most once every few
    # minutes, the tally of signatures by day and by country (2).
    with django_assert_max_num_queries(9):
        Client().get(petition.get_absolute_url())
    with django_assert_num_queries(0):
        Client().get(petition.get_absolute_url())


STARTED = re.compile(r'name="started" value="([^"]+)"')


def test_every_visitor_gets_a_fresh_form_clock_even_from_the_cache(petition, monkeypatch):
    from petitions import abuse

    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    first = STARTED.findall(Client().get(petition.get_absolute_url()).content.decode())
    clock[0] += 4
    second = STARTED.findall(Client().get(petition.get_absolute_url()).content.decode())

    assert len(first) == len(second) == 1
    assert first != second, "a cached page must not hand out an old start time"
    assert abuse.STARTED_PLACEHOLDER not in first + second
    # The second visitor's clock starts when they got the page: posting now is too fast.
    assert abuse.form_timing(second[0], now=clock[0]) is abuse.FormTiming.TOO_FAST


def test_moderation_updates_and_translations_show_at_once(client, petition):
    from petitions import services
    from petitions.moderation import Action, signature_moderate
    from tests.organisers.factories import owner_of

    signer = confirmed_signature(petition, full_name="Visible Signer", show_publicly=True)
    assert "Visible Signer" in page_text(client.get(petition.get_absolute_url()))
    owner = owner_of(petition)

    signature_moderate(by=owner, petition=petition, signature=signer, action=Action.HIDE)
    assert "Visible Signer" not in page_text(Client().get(petition.get_absolute_url()))

    services.update_post(by=owner, petition=petition, title="Delivered today", body="News")
    assert "Delivered today" in page_text(Client().get(petition.get_absolute_url()))

    services.petition_text_save(
        by=owner, petition=petition, language="ur", fields={"title": "اردو عنوان", "summary": "", "story": "کہانی"}
    )
    assert "اردو عنوان" in page_text(Client().get(f"/ur/petitions/{petition.slug}/"))


def test_no_visitor_ever_gets_another_visitors_csrf_token(petition, monkeypatch):
    from petitions.templatetags import petition_tags

    monkeypatch.setattr(petition_tags, "_empty_form_html", {})  # a fresh process
    earlier = Client(enforce_csrf_checks=True)
    earlier.get(petition.get_absolute_url() + "?from=newsletter")  # rendered afresh, with their token
    later = Client(enforce_csrf_checks=True)

    page = later.get(petition.get_absolute_url())

    assert tokens(page) and len(tokens(page)) == 1
    assert all(_unmasked(token) == later.cookies["csrftoken"].value for token in tokens(page))
    assert earlier.cookies["csrftoken"].value != later.cookies["csrftoken"].value


def _unmasked(token: str) -> str:
    from django.middleware.csrf import _unmask_cipher_token

    return _unmask_cipher_token(token)
