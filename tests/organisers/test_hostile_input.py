"""The hostile corpus against every organiser form field and query parameter:
never a 500, nothing corrupted, the count exact, markup never live."""

import urllib.parse

import pytest
from django.test import Client
from django.utils import timezone

from petitions.models import Delivery, OfficialResponse, PaperBatch, Petition, PetitionText, PetitionUpdate
from petitions.paper import paper_batch_record
from tests.hostile import RAW_QUERY, SCRIPT_MARKERS, TEXT
from tests.organisers.factories import assert_count_exact, confirmed_signature, open_petition, user, with_role

pytestmark = pytest.mark.django_db

PETITION = {
    "title": "T", "summary": "", "addressed_to": "A", "organiser_name": "O", "story": "S", "language": "en",
    "goal": "", "closes_at": "",
}  # fmt: skip
PAPER_BATCH = {"count": "3", "gathered_on": "{today}", "place": "Mosque", "collected_by": "Dilnur", "note": ""}
FORMS = {
    "petition_create": ("organisers/petitions/new/", PETITION),
    "petition_edit": ("organisers/petitions/{slug}/edit/", PETITION),
    "update_create": ("organisers/petitions/{slug}/updates/new/", {"title": "News", "body": "Body"}),
    "translations": (
        "organisers/petitions/{slug}/translations/",
        {"language": "ur", "title": "T", "summary": "", "story": "S"},
    ),
    "organisers": ("organisers/petitions/{slug}/organisers/", {"email": "nobody@example.org", "role": "moderator"}),
    "bulk": ("organisers/petitions/{slug}/signatures/selected/", {"ids": "1", "action": "hide", "note": ""}),
    "rule_apply": (
        "organisers/petitions/{slug}/signatures/rule/apply/",
        {
            "kind": "domain",
            "domain": "example.org",
            "ip_hash": "",
            "since": "",
            "until": "",
            "action": "hide",
            "max_id": "0",
            "expected_touched": "0",
            "expected_counted": "0",
            "note": "",
        },
    ),
    "victory": ("organisers/petitions/{slug}/victory/", {"note": "Won"}),
    "paper": ("organisers/petitions/{slug}/paper/", PAPER_BATCH),
    "paper_edit": ("organisers/petitions/{slug}/paper/{batch}/edit/", {**PAPER_BATCH, "reason": "Recounted"}),
    "paper_delete": ("organisers/petitions/{slug}/paper/{batch}/delete/", {"reason": ""}),
    "delivery": (
        "organisers/petitions/{slug}/deliveries/new/",
        {"addressee": "Consul", "institution": "", "delivered_on": "{today}", "method": "post", "note": ""},
    ),
    "response": (
        "organisers/petitions/{slug}/responses/new/",
        {"responder": "Consul", "responded_on": "{today}", "summary": "S", "link": "", "comment": ""},
    ),
    "victory_link": ("organisers/petitions/{slug}/victory/link/", {"marks": "response-1"}),
    "invitation": ("organisers/invitations/new/", {"email": "new@example.org", "role": "moderator", "organiser": "on"}),
    "password_reset": ("accounts/password/reset/", {"email": "someone@example.org"}),
    "login": ("accounts/login/", {"username": "someone", "password": "wrong"}),
}
QUERIES = {
    "signatures": (
        "organisers/petitions/{slug}/signatures/",
        ["state", "name", "email", "domain", "country", "since", "until", "page"],
    ),
    "rule": ("organisers/petitions/{slug}/signatures/rule/", ["kind", "domain", "ip_hash", "since", "until", "action"]),
    "audit": ("organisers/petitions/{slug}/audit/", ["page"]),
    "translations": ("organisers/petitions/{slug}/translations/", ["language"]),
}


@pytest.fixture
def staff_client(db):
    petition = open_petition(title="Hostile ground")
    confirmed_signature(petition)
    account = user("staffer", staff=True)
    with_role(petition, account)
    client = Client()
    client.force_login(account)
    return client, petition


def stored_text() -> str:
    rows = [
        *Petition.objects.values_list("title", "summary", "addressed_to", "organiser_name", "story"),
        *PetitionUpdate.objects.values_list("title", "body"),
        *PetitionText.objects.values_list("title", "summary", "story"),
        *PaperBatch.objects.values_list("place", "collected_by", "note"),
        *Delivery.objects.values_list("addressee", "institution", "note"),
        *OfficialResponse.objects.values_list("responder", "summary", "link", "comment"),
    ]
    return "".join("".join(row) for row in rows)


@pytest.mark.parametrize("form", list(FORMS))
def test_hostile_values_in_every_organiser_form_field(staff_client, form):
    client, petition = staff_client
    path, valid = FORMS[form]
    today = timezone.localdate()
    batch = paper_batch_record(
        by=petition.organisers.first(), petition=petition, count=2, gathered_on=today, place="P", collected_by="C"
    )
    url = "/en/" + path.format(slug=petition.slug, batch=batch.pk)
    valid = {name: value.format(today=today.isoformat()) for name, value in valid.items()}
    for field in valid:
        for value in TEXT:
            response = client.post(url, {**valid, field: value})
            assert response.status_code < 500, (form, field, value[:30], response.status_code)
            petition.refresh_from_db()
        if form == "login":
            client.force_login(Petition.objects.get(pk=petition.pk).organisers.first())
    stored = stored_text()
    assert "\x00" not in stored and "\x1b" not in stored
    assert_count_exact(petition)
    organiser_pages = [f"/en/organisers/petitions/{petition.slug}/{page}" for page in ("", "paper/", "deliveries/")]
    for page in (petition.get_absolute_url(), *organiser_pages, f"/en/petitions/{petition.slug}/sign-up-sheet/"):
        body = client.get(page).content.decode()
        assert not any(marker in body for marker in SCRIPT_MARKERS), (form, page)


@pytest.mark.parametrize("name", list(QUERIES))
def test_hostile_query_parameters_on_organiser_pages(staff_client, name):
    client, petition = staff_client
    path, parameters = QUERIES[name]
    url = "/en/" + path.format(slug=petition.slug)
    for parameter in parameters:
        for value in RAW_QUERY + [urllib.parse.quote(text) for text in TEXT]:
            response = client.get(f"{url}?{parameter}={value}")
            assert response.status_code < 500, (name, parameter, value[:30], response.status_code)
            body = response.content.decode(errors="replace")
            assert not any(marker in body for marker in SCRIPT_MARKERS), (name, parameter, value[:30])
