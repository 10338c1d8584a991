import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from petitions import counting
from petitions.management.commands import load_demo
from petitions.models import InvalidTransition, Organiser, Petition
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db

Status = Petition.Status

FORM = {
    "title": "Release Ablikim",
    "summary": "A teacher held since 2017.",
    "addressed_to": "The Xinjiang authorities",
    "organiser_name": "His daughter",
    "language": "en",
    "story": "## His story\n\nHe taught music.",
    "goal": "",
    "closes_at": "",
}


def url(name, petition, **kwargs):
    return reverse(f"organisers:{name}", kwargs={"slug": petition.slug, **kwargs})


@pytest.fixture
def organiser(client):
    account = f.organiser_user()
    client.force_login(account)
    return account


def test_create_a_draft_preview_it_and_open_it(client, organiser):
    response = client.post(reverse("organisers:petition_create"), FORM, follow=True)
    petition = Petition.objects.get()
    assert response.redirect_chain[-1][0] == url("petition", petition)
    assert (petition.status, petition.slug) == (Status.DRAFT, "release-ablikim")
    assert Organiser.objects.get(petition=petition).user == organiser
    assert Organiser.objects.get(petition=petition).role == "owner"
    # The public cannot see a draft; its organisers can preview it.
    client.logout()
    assert client.get(petition.get_absolute_url()).status_code == 404
    client.force_login(organiser)
    preview = client.get(url("petition_preview", petition))
    assert preview.status_code == 200
    assert "Preview of a draft" in preview.text
    assert "He taught music." in preview.text
    assert "It takes signatures once it is opened." in preview.text
    assert "This petition is closed" not in preview.text
    opened = client.post(url("petition_open", petition), follow=True)
    assert "The petition is open" in opened.text
    petition.refresh_from_db()
    assert petition.status == Status.OPEN and petition.opened_at
    assert client.get(petition.get_absolute_url()).status_code == 200
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == ["petition.create", "petition.open"]


def test_same_title_gets_a_distinct_address_with_a_random_suffix(client, organiser):
    for _ in range(3):
        client.post(reverse("organisers:petition_create"), FORM)

    slugs = set(Petition.objects.values_list("slug", flat=True))
    assert len(slugs) == 3 and "release-ablikim" in slugs
    for slug in slugs - {"release-ablikim"}:
        assert re.fullmatch(r"release-ablikim-[a-z2-9]{6}", slug), slug
        assert not re.fullmatch(r"release-ablikim-\d+", slug), "a counter would reveal how many share the title"


def test_a_title_like_another_organisers_draft_does_not_reveal_the_draft(client, organiser):
    from tests.petitions.factories import draft_petition

    draft_petition(title="Release Ablikim", slug="release-ablikim")
    client.post(reverse("organisers:petition_create"), FORM)

    mine = Petition.objects.exclude(slug="release-ablikim").get()
    assert re.fullmatch(r"release-ablikim-[a-z2-9]{6}", mine.slug)


def test_invalid_form_is_explained(client, organiser):
    response = client.post(reverse("organisers:petition_create"), {**FORM, "title": ""})
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert not Petition.objects.exists()


def test_closing_date_must_be_in_the_future(client, organiser):
    past = (timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("organisers:petition_create"), {**FORM, "closes_at": past})
    assert "must be in the future" in response.text


def test_editing_an_open_petition_says_when_it_changed(client):
    petition = f.open_petition()
    client.force_login(f.owner_of(petition))
    form = client.get(url("petition_edit", petition))
    assert "people have signed this text" in form.text
    client.post(url("petition_edit", petition), {**FORM, "story": "A corrected story."})
    petition.refresh_from_db()
    assert petition.story == "A corrected story." and petition.changed_after_opening
    page = client.get(petition.get_absolute_url())
    assert "The organisers changed this text on" in page.text
    entry = AuditEntry.objects.get()
    assert entry.action == "petition.edit" and "story" in entry.details["changed"]


def test_editing_one_field_logs_only_that_field(client):
    closes_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=30, seconds=17)
    petition = f.open_petition(closes_at=closes_at, story="Line one.\nLine two.", goal=None, **{
        name: FORM[name] for name in ("summary", "addressed_to", "organiser_name", "language")
    })  # fmt: skip
    client.force_login(f.owner_of(petition))
    # What a browser sends back: the date to the minute, the story with CRLF line breaks.
    sent = {
        **FORM,
        "title": "A clearer title",
        "story": "Line one.\r\nLine two.",
        "closes_at": timezone.localtime(closes_at).strftime("%Y-%m-%dT%H:%M"),
    }
    assert client.post(url("petition_edit", petition), sent).status_code == 302

    entry = AuditEntry.objects.get(action="petition.edit")
    assert entry.details == {"changed": ["title"], "before": {"title": petition.title}}
    petition.refresh_from_db()
    assert (petition.title, petition.story, petition.closes_at) == (
        "A clearer title",
        "Line one.\nLine two.",
        closes_at,
    )


def test_closed_petition_text_cannot_be_edited(client):
    petition = f.closed_petition()
    client.force_login(f.owner_of(petition))
    response = client.post(url("petition_edit", petition), {**FORM, "title": "Rewritten"}, follow=True)
    assert "cannot be changed" in response.text
    petition.refresh_from_db()
    assert petition.title != "Rewritten"


@pytest.mark.parametrize(
    ("make", "action", "data", "message", "status"),
    [
        (f.open_petition, "petition_open", {}, "Only a draft petition can be opened", Status.OPEN),
        (f.draft_petition, "petition_close", {}, "Only an open petition can be closed", Status.DRAFT),
        (f.closed_petition, "petition_close", {}, "Only an open petition can be closed", Status.CLOSED),
        (f.draft_petition, "petition_victory", {"note": "Won"}, "Only an open or closed", Status.DRAFT),
        (f.open_petition, "petition_victory", {"note": ""}, "Say in a few words", Status.OPEN),
    ],
)
def test_wrong_transitions_are_refused_with_a_message(client, make, action, data, message, status):
    petition = make()
    client.force_login(f.owner_of(petition))
    response = client.post(url(action, petition), data, follow=True)
    assert response.status_code == 200
    assert message in response.text
    petition.refresh_from_db()
    assert petition.status == status
    assert not AuditEntry.objects.exists()


def test_close_then_declare_victory(client):
    petition = f.open_petition()
    f.confirmed_signature(petition)
    client.force_login(f.owner_of(petition))
    client.post(url("petition_close", petition), {"note": "Handed in"})
    petition.refresh_from_db()
    assert petition.status == Status.CLOSED and not petition.accepts_signatures()
    client.post(url("petition_victory", petition), {"note": "**She is free** and home."})
    petition.refresh_from_db()
    assert petition.status == Status.VICTORY
    page = client.get(petition.get_absolute_url())
    assert page.status_code == 200
    assert "<strong>She is free</strong>" in page.text and "Victory" in page.text
    sign = client.post(
        reverse("petitions:sign", kwargs={"slug": petition.slug}),
        {"full_name": "Late", "email": "late@example.org", "country": "PK"},
        follow=True,
    )
    assert "no longer takes signatures" in sign.text
    assert petition.signatures.count() == 1


def test_model_transitions_table():
    now = timezone.now()
    for start, method, allowed in [
        (Status.DRAFT, "open", True),
        (Status.OPEN, "open", False),
        (Status.OPEN, "close", True),
        (Status.CLOSED, "close", False),
        (Status.VICTORY, "close", False),
        (Status.OPEN, "declare_victory", True),
        (Status.CLOSED, "declare_victory", True),
        (Status.VICTORY, "declare_victory", False),
        (Status.DRAFT, "declare_victory", False),
    ]:
        petition = f.draft_petition(status=start)
        kwargs = {"note": "Won"} if method == "declare_victory" else {}
        if allowed:
            getattr(petition, method)(now=now, **kwargs)
        else:
            with pytest.raises(InvalidTransition):
                getattr(petition, method)(now=now, **kwargs)


def test_closing_date_stops_signing_by_itself():
    petition = f.open_petition(closes_at=timezone.now() + datetime.timedelta(hours=1))
    assert petition.accepts_signatures()
    assert not petition.accepts_signatures(now=timezone.now() + datetime.timedelta(hours=2))
    assert petition.is_closed(now=timezone.now() + datetime.timedelta(hours=2))


def test_owner_removes_a_moderator_but_keeps_an_owner(client):
    petition = f.open_petition()
    owner = f.owner_of(petition)
    newcomer = f.moderator_of(petition, "newcomer")
    role = Organiser.objects.get(user=newcomer)
    client.force_login(owner)
    client.post(url("organiser_remove", petition, pk=role.pk))
    assert not Organiser.objects.filter(user=newcomer).exists()
    last = client.post(url("organiser_remove", petition, pk=Organiser.objects.get(user=owner).pk), follow=True)
    assert "at least one owner" in last.text
    assert Organiser.objects.filter(user=owner).exists()


def test_removing_an_organiser_of_another_petition_is_a_404(client):
    petition, other = f.open_petition(), f.open_petition()
    client.force_login(f.owner_of(petition))
    theirs = Organiser.objects.get(user=f.moderator_of(other))
    assert client.post(url("organiser_remove", petition, pk=theirs.pk)).status_code == 404


def test_dashboard_counts(client, django_assert_max_num_queries):
    petition = f.open_petition(title="Counted petition")
    owner = f.owner_of(petition)
    f.confirmed_signature(petition)
    f.public_signature(petition)
    f.pending_signature(petition)
    f.pending_signature(petition)
    f.confirmed_signature(petition, created_at=timezone.now() - datetime.timedelta(days=3))
    f.confirmed_signature(f.open_petition())  # not mine
    client.force_login(owner)
    client.get(reverse("organisers:dashboard"))  # the first request stamps the new session once
    # Session, user, the session's row (accounts.sessions), second factors, groups, then the page's own.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("organisers:dashboard"))
    (row,) = response.context["rows"]
    assert row[0].signature_count == 3
    assert (row[1]["pending"], row[1]["last_day"], row[1]["to_review"]) == (2, 4, 1)
    assert "Counted petition" in response.text


def test_demo_data_lets_the_demo_organiser_run_the_demo_petition(client, monkeypatch, tmp_path):
    monkeypatch.setattr(load_demo, "PASSWORD_FILE", tmp_path / "demo-password")
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    petition = Petition.objects.get(pk=1)
    assert counting.find_mismatches() == []
    assert petition.signature_count == 6
    client.force_login(get_user_model().objects.get(username="demo-organiser"))
    assert client.get(reverse("organisers:dashboard")).status_code == 200
    page = client.get(url("signatures", petition), {"domain": "spam.example.org"})
    assert len(page.context["page"].object_list) == 3
