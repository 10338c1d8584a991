import re

import pytest
from django.urls import reverse
from django.utils import translation

from petitions.models import Petition
from tests.conftest import page_text
from tests.petitions.factories import closed_petition, confirmed_signature, draft_petition, open_petition

pytestmark = pytest.mark.django_db


def home(client, **params):
    return client.get(reverse("petitions:list"), params)


def test_the_home_page_lists_open_petitions_with_count_and_goal(client):
    popular = open_petition(title="Free the Almaty relatives")
    Petition.objects.filter(pk=popular.pk).update(signature_count=1234)
    open_petition(title="Bring the wives home")
    draft_petition(title="Secret draft")
    closed_petition(title="Finished campaign")

    text = page_text(home(client))

    assert "Free the Almaty relatives" in text
    assert "1,234 have signed. Let's get to 2,000!" in text
    assert "0 have signed. Let's get to 100!" in text
    assert "Secret draft" not in text
    assert "Finished campaign" not in text


def test_the_home_page_sorts_by_most_signed_or_newest(client):
    older = open_petition(title="Older but popular")
    Petition.objects.filter(pk=older.pk).update(signature_count=50)
    open_petition(title="Newer and quiet")

    popular_first = page_text(home(client))
    newest_first = page_text(home(client, sort="new"))

    assert popular_first.index("Older but popular") < popular_first.index("Newer and quiet")
    assert newest_first.index("Newer and quiet") < newest_first.index("Older but popular")


def test_the_home_page_paginates(client):
    for n in range(14):
        open_petition(title=f"Campaign {n:02d}")

    first, second = home(client), home(client, page=2)

    assert "Page 1 of 2" in page_text(first)
    assert len(first.context["page"].object_list) == 12
    assert len(second.context["page"].object_list) == 2
    assert home(client, page=99999).context["page"].number == 2


def test_the_home_page_needs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(12):
        open_petition()
    with django_assert_max_num_queries(4):
        home(client)


def test_the_petition_page_shows_everything_a_visitor_needs(client):
    petition = open_petition(
        title="Free the wives",
        addressed_to="The Xinjiang authorities",
        organiser_name="YAM Human Rights Campaign",
        story="## Why\n\nThey were **detained** in 2017.",
    )

    response = client.get(petition.get_absolute_url())
    text = page_text(response)

    assert response.status_code == 200
    for expected in ("Free the wives", "The Xinjiang authorities", "YAM Human Rights Campaign", "Open", "Opened:"):
        assert expected in text
    assert "<strong>detained</strong>" in response.content.decode()
    assert "<h2>Why</h2>" in response.content.decode()
    assert "0 have signed. Let's get to 100!" in text
    assert '<progress class="goal-progress w-100" max="100" value="0"' in response.content.decode()
    for label in ("Full name", "Email", "Country", "Why are you signing?", "Show my name and reason publicly",
                  "Email me updates about this petition", "Your privacy."):  # fmt: skip
        assert label in text


def test_email_updates_are_off_until_the_signer_asks(client, petition):
    body = client.get(petition.get_absolute_url()).content.decode()

    assert 'name="wants_updates"' in body
    assert 'name="wants_updates" class="checkboxinput form-check-input" id="id_wants_updates" checked' not in body


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (0, "0 have signed. Let's get to 100!"),
        (1, "1 has signed. Let's get to 100!"),
        (2, "2 have signed. Let's get to 100!"),
        (100, "100 have signed. Let's get to 200!"),
        (999, "999 have signed. Let's get to 1,000!"),
        (1_000_000, "1,000,000 have signed. Let's get to 2,000,000!"),
    ],
)
def test_the_goal_message_is_pluralised_and_climbs(client, petition, count, message):
    Petition.objects.filter(pk=petition.pk).update(signature_count=count)

    assert message in page_text(client.get(petition.get_absolute_url()))


def test_a_fixed_goal_replaces_the_ladder(client):
    petition = open_petition(goal=250)

    assert "0 have signed. Let's get to 250!" in page_text(client.get(petition.get_absolute_url()))


def test_a_milestone_shows_once_a_rung_is_crossed(client, petition):
    Petition.objects.filter(pk=petition.pk).update(signature_count=230)

    assert "Milestone reached: 200 signatures" in page_text(client.get(petition.get_absolute_url()))


def test_markdown_in_the_story_cannot_run_script_or_load_anything(client):
    petition = open_petition(
        story='<script>alert(1)</script>\n\n[click](javascript:alert(1)) <img src="https://tracker.example/p.gif">'
        '\n\n<a href="https://example.org" onclick="steal()">source</a>'
    )

    body = client.get(petition.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in body
    assert "javascript:" not in body
    assert "tracker.example" not in body
    assert "onclick" not in body
    assert 'href="https://example.org"' in body


def test_draft_petitions_are_not_public(client):
    draft = draft_petition()

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 404
    assert "Page not found" in page_text(response)


def test_recent_signers_show_how_long_ago_and_are_capped_at_ten(client, petition):
    for n in range(12):
        confirmed_signature(petition, full_name=f"Public Signer {n:02d}", show_publicly=True)

    text = page_text(client.get(petition.get_absolute_url()))

    assert "Public Signer 11" in text
    assert "Public Signer 01" not in text
    assert "0 minutes ago" in text


def test_the_petition_page_needs_a_fixed_number_of_queries(client, petition, django_assert_max_num_queries):
    for _ in range(10):
        confirmed_signature(petition, show_publicly=True)
    # Deliveries and responses are one query each, however many there are;
    # the tally by day and by country two, only once every few minutes.
    with django_assert_max_num_queries(10):
        client.get(petition.get_absolute_url())


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ur", "rtl"), ("ug", "rtl"), ("ru", "ltr")])
def test_pages_declare_their_language_and_direction(client, petition, language, direction):
    with translation.override(language):
        url = petition.get_absolute_url()
    body = client.get(url).content.decode()

    assert f'<html lang="{language}" dir="{direction}">' in body
    expected_css = "bootstrap.rtl.min.css" if direction == "rtl" else "bootstrap.min.css"
    assert expected_css in body


def test_the_language_switcher_keeps_the_page(client, petition):
    response = client.post(reverse("set_language"), {"language": "ur", "next": petition.get_absolute_url()})

    assert response.status_code == 302
    assert response["Location"] == f"/ur/petitions/{petition.slug}/"


def test_the_site_root_sends_visitors_to_their_language(client):
    response = client.get("/", headers={"accept-language": "ru"})

    assert response.status_code == 302
    assert response["Location"] == "/ru/"


def test_pages_load_nothing_from_other_origins(client, petition):
    response = client.get(petition.get_absolute_url())
    body = response.content.decode()

    # Every tag that makes the browser fetch something points at this site.
    loaded = re.findall(
        r"<(?:link|script|img|iframe|source|video|audio|object|embed)\b[^>]*\b(?:src|href)=\"([^\"]*)\"", body
    )
    assert loaded, "the page loads its stylesheets"
    assert all(url.startswith("/") and not url.startswith("//") for url in loaded), loaded
    assert "default-src 'self'" in response["Content-Security-Policy"]
