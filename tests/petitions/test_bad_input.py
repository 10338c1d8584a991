import pytest
from django.core import mail
from django.urls import reverse

from petitions.models import Signature
from tests.conftest import page_text
from tests.petitions.factories import sign_form

pytestmark = pytest.mark.django_db


def post_sign(client, petition, data):
    return client.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), data)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"full_name": ""}, "This field is required."),
        ({"full_name": "x" * 121}, "Ensure this value has at most 120 characters"),
        ({"full_name": "Amina\x00Yusuf"}, "Null characters are not allowed."),
        ({"full_name": "Amina\x1bYusuf"}, "Remove the invisible control characters"),
        ({"full_name": "Amina\r\nBcc: victim@example.org"}, "Remove the invisible control characters"),
        ({"full_name": "Amina \u202eFasuY"}, "change the direction of text"),
        ({"full_name": "\u2067Amina\u2069 Yusuf"}, "change the direction of text"),
        ({"full_name": "Amina\u200f Yusuf"}, "change the direction of text"),
        ({"email": ""}, "This field is required."),
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"email": "amina@example.org\r\nBcc: x@example.org"}, "Enter a valid email address."),
        ({"email": "a" * 250 + "@example.org"}, "Ensure this value has at most 254 characters"),
        ({"country": "XX"}, "Select a valid choice."),
        ({"country": ""}, "This field is required."),
        ({"reason": "y" * 501}, "Ensure this value has at most 500 characters"),
        ({"reason": "fine\x07bell"}, "Remove the invisible control characters"),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(client, petition, changes, message):
    response = post_sign(client, petition, {**sign_form(petition), **changes})

    assert response.status_code == 400
    text = page_text(response)
    assert "Please correct the following:" in text
    assert message in text
    assert not Signature.objects.exists()
    assert mail.outbox == []


def test_the_error_summary_links_to_the_fields(client, petition):
    response = post_sign(client, petition, {**sign_form(petition), "email": "nope"})

    assert 'href="#id_email"' in response.content.decode()
    assert 'id="id_email"' in response.content.decode()


def test_a_reason_may_span_lines(client, petition, send_on_commit):
    response = send_on_commit(
        lambda: post_sign(client, petition, {**sign_form(petition), "reason": "Line one\r\nLine two"})
    )

    assert response.status_code == 302
    assert Signature.objects.get().reason == "Line one\nLine two"


def test_html_in_names_and_reasons_is_shown_as_text(client, petition, send_on_commit):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    send_on_commit(
        lambda: post_sign(
            client, petition, {**sign_form(petition), "full_name": hostile, "reason": hostile, "show_publicly": "on"}
        )
    )
    Signature.objects.get().confirm()

    body = client.get(petition.get_absolute_url()).content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;" in body


def test_a_huge_request_body_is_refused_without_a_server_error(client, petition):
    response = post_sign(client, petition, {**sign_form(petition), "reason": "z" * (2 * 1024 * 1024)})

    assert response.status_code == 413
    assert "Too much sent at once" in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/en/petitions/no-such-petition/",
        "/en/petitions/%00/",
        "/en/signatures/confirm/%00%ff/",
        "/en/signatures/withdraw/" + "a" * 5000 + "/",
        "/en/?page=99999",
        "/en/?page=-1&sort=%00",
        "/en/?sort=" + "x" * 5000,
        "/en/?page=%ff%fe",
    ],
)
def test_odd_addresses_get_a_page_never_a_server_error(client, petition, path):
    response = client.get(path)

    assert response.status_code in (200, 400, 404)


def test_get_on_the_sign_address_goes_back_to_the_petition(client, petition):
    response = client.get(reverse("petitions:sign", kwargs={"slug": petition.slug}))

    assert response.status_code == 302
    assert response["Location"] == petition.get_absolute_url()
