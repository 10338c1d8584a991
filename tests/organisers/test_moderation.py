import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from petitions.models import Signature
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db

State = Signature.State


@pytest.fixture
def petition():
    return f.open_petition()


@pytest.fixture
def moderator(petition, client):
    account = f.moderator_of(petition)
    client.force_login(account)
    return account


def act(client, petition, signature, action, **data):
    url = reverse("organisers:signature_action", kwargs={"slug": petition.slug, "pk": signature.pk, "action": action})
    return client.post(url, data, follow=True)


# --- One at a time -------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "action", "state", "hidden", "count"),
    [
        (f.public_signature, "hide", State.CONFIRMED, True, 1),
        (f.hidden_signature, "unhide", State.CONFIRMED, False, 1),
        (f.public_signature, "approve", State.CONFIRMED, False, 1),
        (f.confirmed_signature, "invalidate_spam", State.INVALIDATED, False, 0),
        (f.confirmed_signature, "invalidate_fraud", State.INVALIDATED, False, 0),
        (f.pending_signature, "invalidate_spam", State.INVALIDATED, False, 0),
        (f.invalidated_signature, "reinstate", State.CONFIRMED, False, 1),
        (f.pending_signature, "hide", State.PENDING, True, 0),
    ],
)
def test_single_actions(client, petition, moderator, make, action, state, hidden, count):
    signature = make(petition)
    response = act(client, petition, signature, action, note="checked")
    assert response.status_code == 200
    assert "Done:" in response.text
    signature.refresh_from_db()
    assert (signature.state, signature.hidden) == (state, hidden)
    petition.refresh_from_db()
    assert petition.signature_count == count
    f.assert_count_exact(petition)
    entry = AuditEntry.objects.get(action__startswith="signature.")
    assert (entry.actor, entry.subject_type, entry.subject_id, entry.target_id, entry.reason) == (
        moderator,
        "petitions.petition",
        str(petition.pk),
        str(signature.pk),
        "checked",
    )


def test_invalidate_records_why(client, petition, moderator):
    signature = f.confirmed_signature(petition)
    act(client, petition, signature, "invalidate_fraud")
    signature.refresh_from_db()
    assert signature.invalidation_reason == "fraud"
    assert signature.invalidated_at is not None


def test_reinstate_of_never_confirmed_goes_back_to_pending(client, petition, moderator):
    signature = f.pending_signature(petition)
    signature.invalidate(reason="spam")
    act(client, petition, signature, "reinstate")
    signature.refresh_from_db()
    assert signature.state == State.PENDING
    f.assert_count_exact(petition)


@pytest.mark.parametrize(
    ("make", "action", "message"),
    [
        (f.withdrawn_signature, "hide", "Only a pending or confirmed signature"),
        (f.hidden_signature, "hide", "already hidden"),
        (f.public_signature, "unhide", "not hidden"),
        (f.invalidated_signature, "invalidate_spam", "Only a pending or confirmed"),
        (f.confirmed_signature, "reinstate", "Only an invalidated"),
        (f.withdrawn_signature, "invalidate_spam", "Only a pending or confirmed"),
        (f.confirmed_signature, "resend", "Only a signature waiting"),
        (f.confirmed_signature, "explode", "Unknown action"),
    ],
)
def test_wrong_state_is_refused_clearly(client, petition, moderator, make, action, message):
    signature = make(petition)
    before = Signature.objects.values().get(pk=signature.pk)
    response = act(client, petition, signature, action)
    assert response.status_code == 200
    assert message in response.text
    assert Signature.objects.values().get(pk=signature.pk) == before
    assert not AuditEntry.objects.filter(action__startswith="signature.").exists()
    f.assert_count_exact(petition)


def test_signature_of_another_petition_is_refused(client, petition, moderator):
    other = f.confirmed_signature(f.open_petition())
    response = act(client, petition, other, "invalidate_spam")
    assert "does not belong to this petition" in response.text
    other.refresh_from_db()
    assert other.state == State.CONFIRMED
    f.assert_count_exact(other.petition)


def test_resend_mails_a_pending_signer(client, petition, moderator, mailoutbox, django_capture_on_commit_callbacks):
    signature = f.pending_signature(petition)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, petition, signature, "resend")
    assert "Done:" in response.text
    assert [m.to for m in mailoutbox] == [[signature.email]]
    # Rate-limited: a second re-send straight away is refused.
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, petition, signature, "resend")
    assert "a few minutes ago" in response.text
    assert len(mailoutbox) == 1


def test_a_final_count_refuses_reinstate_and_resend_but_allows_invalidate(client, petition, moderator):
    invalid = f.invalidated_signature(petition)
    pending = f.pending_signature(petition)
    confirmed = f.confirmed_signature(petition)
    petition.close(now=timezone.now() - datetime.timedelta(hours=25))
    assert "its count is final" in act(client, petition, invalid, "reinstate").text
    assert "its count is final" in act(client, petition, pending, "resend").text
    assert "Done:" in act(client, petition, confirmed, "invalidate_fraud").text
    invalid.refresh_from_db()
    assert invalid.state == State.INVALIDATED
    f.assert_count_exact(petition)


def test_within_the_grace_period_a_closed_petition_may_still_reinstate_and_resend(client, petition, moderator):
    invalid = f.invalidated_signature(petition)
    pending = f.pending_signature(petition, last_mailed_at=None)
    petition.close(now=timezone.now() - datetime.timedelta(hours=23))
    assert "Done:" in act(client, petition, invalid, "reinstate").text
    assert "Done:" in act(client, petition, pending, "resend").text
    petition.refresh_from_db()
    assert petition.signature_count == 1
    f.assert_count_exact(petition)


def test_hidden_names_leave_the_public_page_but_stay_counted(client, petition, moderator):
    signature = f.public_signature(petition, full_name="Visible Person")
    assert "Visible Person" in client.get(petition.get_absolute_url()).text
    act(client, petition, signature, "hide")
    page = client.get(petition.get_absolute_url())
    assert "Visible Person" not in page.text
    petition.refresh_from_db()
    assert petition.signature_count == 1


# --- Selection -----------------------------------------------------------------


def bulk(client, petition, ids, action, **data):
    url = reverse("organisers:signatures_bulk", kwargs={"slug": petition.slug})
    return client.post(url, {"ids": ids, "action": action, **data}, follow=True)


def test_bulk_invalidate_selected(client, petition, moderator):
    confirmed = [f.confirmed_signature(petition) for _ in range(3)]
    pending = f.pending_signature(petition)
    withdrawn = f.withdrawn_signature(petition)
    keep = f.confirmed_signature(petition)
    ids = [s.pk for s in [*confirmed, pending, withdrawn]]
    response = bulk(client, petition, ids, "invalidate_spam", note="bot wave")
    assert "4 signature(s) changed" in response.text
    petition.refresh_from_db()
    assert petition.signature_count == 1
    f.assert_count_exact(petition)
    assert Signature.objects.get(pk=keep.pk).state == State.CONFIRMED
    entry = AuditEntry.objects.get()
    assert entry.details["changed"] == 4 and entry.details["count_change"] == -3
    assert entry.reason == "bot wave"


def test_bulk_with_an_id_from_another_petition_changes_nothing(client, petition, moderator):
    mine = f.confirmed_signature(petition)
    theirs = f.confirmed_signature(f.open_petition())
    response = bulk(client, petition, [mine.pk, theirs.pk], "invalidate_spam")
    assert "do not belong to this petition" in response.text
    assert Signature.objects.filter(state=State.CONFIRMED).count() == 2
    f.assert_count_exact(petition)


def test_bulk_without_selection_is_refused(client, petition, moderator):
    response = bulk(client, petition, [], "hide")
    assert "Select at least one signature" in response.text


def test_bulk_hide_then_reinstate_round_trip(client, petition, moderator):
    signatures = [f.public_signature(petition) for _ in range(3)]
    ids = [s.pk for s in signatures]
    bulk(client, petition, ids, "hide")
    assert Signature.objects.filter(hidden=True).count() == 3
    bulk(client, petition, ids, "invalidate_fraud")
    f.assert_count_exact(petition)
    bulk(client, petition, ids, "reinstate")
    petition.refresh_from_db()
    assert petition.signature_count == 3
    f.assert_count_exact(petition)


# --- By rule -------------------------------------------------------------------


def hidden_fields(response) -> dict[str, str]:
    """The confirmation form's hidden inputs, as a browser would send them."""
    form_html = response.text.split('class="card rule-preview"', 1)[1]
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form_html)
    return {name: html.unescape(value) for name, value in fields if name != "csrfmiddlewaretoken"}


def rule_url(petition):
    return reverse("organisers:signatures_rule", kwargs={"slug": petition.slug})


def apply_url(petition):
    return reverse("organisers:signatures_rule_apply", kwargs={"slug": petition.slug})


def test_domain_rule_preview_then_apply(client, petition, moderator):
    for _ in range(3):
        f.confirmed_signature(petition, email=f"bot{_}@spam.test")
    f.pending_signature(petition, email="bot9@spam.test")
    f.confirmed_signature(petition, email="real@example.org")
    preview = client.get(rule_url(petition), {"kind": "domain", "domain": "spam.test", "action": "invalidate_spam"})
    assert preview.status_code == 200
    assert preview.context["preview"].touched == 4
    assert preview.context["preview"].count_delta == -3
    assert "The public count will go down by 3" in preview.text
    data = hidden_fields(preview)
    response = client.post(apply_url(petition), {**data, "note": "bots"}, follow=True)
    assert "4 signature(s) changed" in response.text
    petition.refresh_from_db()
    assert petition.signature_count == 1
    f.assert_count_exact(petition)
    assert AuditEntry.objects.get().details["rule"]["domain"] == "spam.test"


def test_stale_rule_preview_is_refused(client, petition, moderator):
    first = f.confirmed_signature(petition, email="a@spam.test")
    f.confirmed_signature(petition, email="b@spam.test")
    preview = client.get(rule_url(petition), {"kind": "domain", "domain": "spam.test", "action": "invalidate_spam"})
    data = hidden_fields(preview)
    first.withdraw()  # the matching set changes between preview and confirmation
    response = client.post(apply_url(petition), data, follow=True)
    assert "changed since the preview (2 then, 1 now)" in response.text
    assert Signature.objects.filter(state=State.CONFIRMED).count() == 1
    assert not AuditEntry.objects.exists()
    f.assert_count_exact(petition)


def test_rule_ignores_signatures_after_the_preview(client, petition, moderator):
    f.confirmed_signature(petition, email="a@spam.test")
    preview = client.get(rule_url(petition), {"kind": "domain", "domain": "spam.test", "action": "invalidate_spam"})
    data = hidden_fields(preview)
    late = f.confirmed_signature(petition, email="late@spam.test")
    response = client.post(apply_url(petition), data, follow=True)
    assert "1 signature(s) changed" in response.text
    late.refresh_from_db()
    assert late.state == State.CONFIRMED
    f.assert_count_exact(petition)


def test_ip_rule_respects_its_window(client, petition, moderator):
    now = f.now()
    inside = f.confirmed_signature(petition, ip_hash="b" * 64, created_at=now - datetime.timedelta(minutes=30))
    outside = f.confirmed_signature(petition, ip_hash="b" * 64, created_at=now - datetime.timedelta(days=2))
    other_ip = f.confirmed_signature(petition, ip_hash="c" * 64, created_at=now - datetime.timedelta(minutes=30))
    params = {
        "kind": "ip",
        "ip_hash": "b" * 64,
        "since": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "until": (now + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "action": "hide",
    }
    preview = client.get(rule_url(petition), params)
    assert preview.context["preview"].touched == 1
    data = hidden_fields(preview)
    client.post(apply_url(petition), data)
    assert Signature.objects.get(pk=inside.pk).hidden
    assert not Signature.objects.get(pk=outside.pk).hidden
    assert not Signature.objects.get(pk=other_ip.pk).hidden
    f.assert_count_exact(petition)


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"kind": "domain", "domain": "", "action": "hide"}, "Enter a domain"),
        ({"kind": "ip", "ip_hash": "zz", "action": "hide"}, "needs both ends"),
        ({"kind": "domain", "domain": "x.org", "action": "resend"}, "Select a valid choice"),
    ],
)
def test_bad_rules_are_explained(client, petition, moderator, params, error):
    response = client.get(rule_url(petition), params)
    assert response.status_code == 200
    assert error in response.text
    assert "preview" not in response.context or response.context.get("preview") is None


def test_tampered_rule_confirmation_is_refused(client, petition, moderator):
    f.confirmed_signature(petition, email="a@spam.test")
    response = client.post(apply_url(petition), {"kind": "domain", "domain": "spam.test"}, follow=True)
    assert "This rule is incomplete" in response.text
    f.assert_count_exact(petition)


# --- The list ------------------------------------------------------------------


def test_list_filters_and_searches(client, petition, moderator):
    f.public_signature(petition, full_name="Gulnar Omarova", email="ayse@mail.test", country="TR")
    f.pending_signature(petition, full_name="Pending Person")
    f.hidden_signature(petition, full_name="Hidden Person")
    f.invalidated_signature(petition, full_name="Spam Bot")
    f.withdrawn_signature(petition)
    url = reverse("organisers:signatures", kwargs={"slug": petition.slug})

    def names(**params):
        return {s.full_name for s in client.get(url, params).context["page"].object_list}

    assert names(state="pending") == {"Pending Person"}
    assert names(state="hidden") == {"Hidden Person"}
    assert names(state="invalidated") == {"Spam Bot"}
    assert names(state="withdrawn") == {""}
    assert names(state="to_review") == {"Gulnar Omarova"}
    assert names(name="OMAROV") == {"Gulnar Omarova"}
    # Whether an address signed is for owners (tests/organisers/test_address_lookup.py).
    assert client.get(url, {"email": "AYSE@mail.test"}).status_code == 403
    assert names(domain="mail.test") == {"Gulnar Omarova"}
    assert names(country="TR") == {"Gulnar Omarova"}
    today = f.now().date()
    assert len(names(since=today.isoformat(), until=today.isoformat())) == 5
    assert names(until=(today - datetime.timedelta(days=1)).isoformat()) == set()


def test_list_paginates_with_few_queries(client, petition, moderator, django_assert_max_num_queries):
    for _ in range(60):
        f.confirmed_signature(petition)
    url = reverse("organisers:signatures", kwargs={"slug": petition.slug})
    # +1 since every signed-in request checks its session is still listed (accounts.sessions).
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert "Page 1 of 2" in response.text


def test_signer_can_withdraw_an_invalidated_signature(client, petition):
    from petitions.tokens import Purpose, make_token

    signature = f.invalidated_signature(petition, full_name="Flagged Person")
    url = reverse(
        "petitions:withdraw", kwargs={"token": make_token(signature_id=signature.pk, purpose=Purpose.WITHDRAW)}
    )
    assert client.get(url).status_code == 200
    client.post(url)
    signature.refresh_from_db()
    assert (signature.state, signature.full_name, signature.email) == (State.WITHDRAWN, "", "")
    f.assert_count_exact(petition)
