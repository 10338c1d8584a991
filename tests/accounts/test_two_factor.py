"""Two-factor sign-in through the pages: enrolment, the second step with an
authenticator code or a recovery code, the fresh check before sensitive
pages, enforcement, the manage page, staff resets, and the mails."""

import datetime
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import AuditEntry
from tests.accounts.second_factors import RECOVERY_CODES, enrolled, totp_code
from tests.conftest import page_text
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db

VERIFY = reverse("two_factor_verify")


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Requests whose mail goes out once their transaction commits."""

    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            return request()

    return run


def two_factor_mail():
    """Mail about second factors (sign-ins from new browsers are mailed too)."""
    return [message for message in mail.outbox if "New sign-in" not in message.subject]


def login(client, username, password=f.PASSWORD, *, next_url=None, ip="203.0.113.5"):
    url = reverse("login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def has_2fa(user) -> bool:
    return two_factor.has_second_factor(get_user_model().objects.get(pk=user.pk))


def a_moment_later(device) -> None:
    """django-otp makes a device wait a second after a wrong code; a person takes longer to type again."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=10)
    )


def actions(user=None) -> list[str]:
    entries = AuditEntry.objects.order_by("pk")
    if user is not None:
        entries = entries.filter(target_id=str(user.pk), target_type="user")
    return list(entries.values_list("action", flat=True))


def owner_with_petition(name="amina"):
    petition = f.open_petition()
    owner = f.owner_of(petition, name)
    owner.set_password(f.PASSWORD)
    owner.save()
    return petition, owner


# Enrolment ------------------------------------------------------------------


def test_enrolment_scan_confirm_save_the_codes_and_continue(client, on_commit):
    _petition, owner = owner_with_petition()
    client.force_login(owner)
    target = reverse("organisers:dashboard")
    page = client.get(with_next("two_factor_enrol", target))
    assert page.status_code == 200
    # The QR code is drawn here (no request to anyone else); the key is there as text too.
    assert re.search(r'<img src="data:image/svg\+xml', page.text)
    device = TOTPDevice.objects.get(user=owner)
    assert not device.confirmed
    secret = page.context["secret"].replace(" ", "")
    assert secret in page.text.replace(" ", "")
    # A wrong code changes nothing.
    wrong = client.post(reverse("two_factor_enrol"), {"code": "000000", "next": target})
    assert "That code does not work" in wrong.text
    assert not has_2fa(owner)
    a_moment_later(device)
    # The code the app shows turns it on and leads to the recovery codes.
    done = on_commit(lambda: client.post(reverse("two_factor_enrol"), {"code": totp_code(device), "next": target}))
    assert done["Location"] == with_next("two_factor_recovery_codes", target)
    codes_page = client.get(done["Location"])
    assert "no-store" in codes_page["Cache-Control"]
    shown = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page.text)
    assert len(shown) == 10
    assert sorted(shown) == sorted(StaticToken.objects.filter(device__user=owner).values_list("token", flat=True))
    # Not ticking the box keeps the codes on the page.
    unticked = client.post(reverse("two_factor_recovery_codes"), {"next": target})
    assert "Save the codes first" in unticked.text
    assert shown[0] in unticked.text
    saved = client.post(reverse("two_factor_recovery_codes"), {"saved": "on", "next": target})
    assert saved["Location"] == target
    # Shown once: later the page sends people to make new ones.
    assert client.get(reverse("two_factor_recovery_codes"))["Location"] == reverse("two_factor_manage")
    assert client.get(target).status_code == 200
    assert actions(owner) == ["two_factor.add", "two_factor.verify", "two_factor.recovery_codes"]
    (message,) = two_factor_mail()
    assert message.to == ["amina@example.org"]
    assert "turned on" in message.subject


def test_with_a_second_factor_adding_another_app_needs_a_fresh_check(client):
    owner = f.organiser_user("amina")
    enrolled(owner)
    client.force_login(owner)
    assert client.get(reverse("two_factor_enrol"))["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=owner, confirmed=False).exists()


# The second step ------------------------------------------------------------


def test_sign_in_with_an_authenticator_code(client):
    _petition, owner = owner_with_petition()
    device = enrolled(owner)
    response = login(client, "amina")
    assert response["Location"] == with_next("two_factor_verify", reverse("organisers:dashboard"))
    # Signed in with the password only: no organiser page yet.
    assert client.get(reverse("organisers:dashboard"))["Location"].startswith(VERIFY)
    # Nor can the password alone change the password.
    assert client.get(reverse("password_change"))["Location"].startswith(VERIFY)
    page = client.get(response["Location"])
    assert "authenticator app" in page.text
    done = client.post(VERIFY, {"code": totp_code(device), "next": reverse("organisers:dashboard")})
    assert done["Location"] == reverse("organisers:dashboard")
    assert client.get(reverse("organisers:dashboard")).status_code == 200
    assert actions(owner)[-1] == "two_factor.verify"
    # The same code cannot be replayed on another sign-in.
    other = f.user("other")
    assert other.pk
    client.post(reverse("logout"))
    login(client, "amina")
    replay = client.post(VERIFY, {"code": totp_code(device)})
    assert "That code does not work" in replay.text


def test_sign_in_with_a_recovery_code_works_once_and_is_audited_and_mailed(client, on_commit):
    _petition, owner = owner_with_petition()
    enrolled(owner)
    login(client, "amina")
    # Spaces, hyphens and capitals as people copy them are fine.
    typed = " " + RECOVERY_CODES[3].upper()[:4] + "-" + RECOVERY_CODES[3].upper()[4:] + " "
    done = on_commit(lambda: client.post(VERIFY, {"code": typed}))
    assert done["Location"] == reverse("organisers:dashboard")
    assert client.get(reverse("organisers:dashboard")).status_code == 200
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.RECOVERY_CODE_USE).get()
    assert entry.details == {"left": 9}
    (message,) = two_factor_mail()
    assert message.to == ["amina@example.org"]
    assert "recovery code was used" in message.subject
    assert "9 codes left" in message.body
    client.post(reverse("logout"))
    login(client, "amina")
    again = client.post(VERIFY, {"code": RECOVERY_CODES[3]})
    assert "That code does not work" in again.text
    assert client.get(reverse("organisers:dashboard"))["Location"].startswith(VERIFY)


def test_wrong_codes_are_refused_then_throttled(client, settings):
    _petition, owner = owner_with_petition()
    device = enrolled(owner)
    login(client, "amina")
    for _ in range(settings.PLEA_RATE_LIMITS["second_factor"][0][0]):
        response = client.post(VERIFY, {"code": "123456"})
        assert response.status_code == 200
        assert "That code does not work" in response.text
    # Over the limit even the right code is not checked.
    throttled = client.post(VERIFY, {"code": totp_code(device)})
    assert throttled.status_code == 429
    assert "Too many wrong codes" in throttled.text
    assert client.get(reverse("organisers:dashboard"))["Location"].startswith(VERIFY)


def test_the_admin_needs_the_second_step_too(client):
    staff = f.user("root", staff=True, password=True)
    device = enrolled(staff)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))
    response = login(client, "root", next_url=reverse("admin:index"))
    assert response["Location"] == with_next("two_factor_verify", reverse("admin:index"))
    for page in (reverse("admin:index"), reverse("admin:auth_user_changelist")):
        assert client.get(page)["Location"].startswith(VERIFY)
    done = client.post(VERIFY, {"code": totp_code(device), "next": reverse("admin:index")})
    assert done["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


# Fresh checks ----------------------------------------------------------------


def verified_long_ago(client, device, *, minutes=11):
    """Sign in with both factors, then let the clock run past the fresh window."""
    login(client, device.user.get_username())
    client.post(VERIFY, {"code": totp_code(device)})
    session = client.session
    session[two_factor.VERIFIED_AT] = int(time.time()) - minutes * 60
    session.save()


def test_a_stale_second_factor_is_asked_again_before_the_email_export(client):
    petition, owner = owner_with_petition()
    f.confirmed_signature(petition, email="signer@example.org", wants_updates=True)
    device = enrolled(owner)
    verified_long_ago(client, device)
    export = reverse("organisers:export_emails", kwargs={"slug": petition.slug})
    # Other organiser pages still open...
    assert client.get(reverse("organisers:petition", kwargs={"slug": petition.slug})).status_code == 200
    # ...but the export asks for the second factor again, and nothing is exported.
    stale = client.get(export)
    assert stale["Location"] == with_next("two_factor_verify", export)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT_EMAILS).exists()
    back = client.post(VERIFY, {"code": totp_code(device, steps_ahead=1), "next": export})
    assert back["Location"] == export
    response = client.get(export)
    assert response.status_code == 200
    assert "signer@example.org" in b"".join(response.streaming_content).decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT_EMAILS, actor=owner).count() == 1


def test_full_addresses_on_the_signature_list_need_a_fresh_second_factor(client):
    petition, owner = owner_with_petition()
    f.confirmed_signature(petition, email="signer@example.org")
    device = enrolled(owner)
    verified_long_ago(client, device)
    url = reverse("organisers:signatures", kwargs={"slug": petition.slug})
    masked = client.get(url)
    assert masked.status_code == 200
    assert "signer@example.org" not in masked.text
    stale = client.get(url + "?emails=full")
    assert stale["Location"] == with_next("two_factor_verify", url + "?emails=full")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_EMAILS).exists()
    client.post(VERIFY, {"code": totp_code(device, steps_ahead=1)})
    assert "signer@example.org" in client.get(url + "?emails=full").text


def test_a_stale_post_returns_to_the_form_it_came_from_and_changes_nothing(client):
    petition, owner = owner_with_petition()
    device = enrolled(owner)
    verified_long_ago(client, device)
    page = reverse("organisers:organisers", kwargs={"slug": petition.slug})
    response = client.post(
        page, {"email": "new@example.org", "role": "moderator"}, HTTP_REFERER="http://testserver" + page
    )
    assert response["Location"] == with_next("two_factor_verify", "http://testserver" + page)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.INVITATION_CREATE).exists()


@pytest.mark.parametrize(
    "page",
    [
        lambda w: reverse("accounts:invitation_create"),
        lambda w: reverse("admin:auth_user_change", args=[w["staff"].pk]),
        lambda w: reverse("admin:auth_user_password_change", args=[w["staff"].pk]),
        lambda w: reverse("admin:cases_testimony_change", args=[w["testimony"].pk]),
    ],
    ids=["invitations", "roles in the admin", "passwords in the admin", "testifier contacts"],
)
def test_staff_pages_with_contacts_or_roles_ask_for_a_fresh_second_factor(client, page):
    from tests.cases.factories import draft_case

    staff = f.user("root", staff=True, password=True)
    device = enrolled(staff)
    case = draft_case()
    testimony = case.testimonies.create(testifier_label="A", summary="S", relationship="spouse", consent="internal")
    url = page({"staff": staff, "testimony": testimony})
    verified_long_ago(client, device)
    assert client.get(url)["Location"] == with_next("two_factor_verify", url)
    client.post(VERIFY, {"code": totp_code(device, steps_ahead=1)})
    assert client.get(url).status_code == 200


def test_without_2fa_required_and_without_a_device_the_fresh_check_passes(client, settings):
    settings.PLEA_REQUIRE_2FA = False
    petition, owner = owner_with_petition()
    client.force_login(owner)
    assert client.get(reverse("organisers:export_emails", kwargs={"slug": petition.slug})).status_code == 200


# Enforcement ----------------------------------------------------------------


def test_with_2fa_required_an_owner_is_guided_to_enrol_then_continues(client, settings):
    settings.PLEA_REQUIRE_2FA = True
    petition, _owner = owner_with_petition()
    target = reverse("organisers:petition", kwargs={"slug": petition.slug})
    response = login(client, "amina", next_url=target)
    assert response["Location"] == with_next("two_factor_enrol", target)
    assert client.get(target)["Location"] == with_next("two_factor_enrol", target)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor_enrol"))
    page = client.get(response["Location"])
    assert "needs a second factor before you continue" in page.text
    device = TOTPDevice.objects.get(user__username="amina")
    codes = client.post(reverse("two_factor_enrol"), {"code": totp_code(device), "next": target})
    saved = client.post(codes["Location"], {"saved": "on", "next": target})
    assert saved["Location"] == target
    assert client.get(target).status_code == 200


def test_with_2fa_required_a_moderator_is_not_made_to_enrol(client, settings):
    settings.PLEA_REQUIRE_2FA = True
    petition = f.open_petition()
    client.force_login(f.moderator_of(petition, "mod"))
    assert client.get(reverse("organisers:petition", kwargs={"slug": petition.slug})).status_code == 200


@pytest.mark.parametrize("required", [True, False])
def test_the_dashboard_says_when_2fa_is_not_required(client, settings, required):
    settings.PLEA_REQUIRE_2FA = required
    owner = f.organiser_user("amina")
    if required:
        device = enrolled(owner)
        owner.set_password(f.PASSWORD)
        owner.save()
        login(client, "amina")
        client.post(VERIFY, {"code": totp_code(device)})
    else:
        client.force_login(owner)
    page = client.get(reverse("organisers:dashboard"))
    assert page.status_code == 200
    assert ("Two-factor sign-in is not required on this site" in page_text(page)) is not required


# Managing --------------------------------------------------------------------


def signed_in_with_both(client, user):
    device = enrolled(user)
    user.set_password(f.PASSWORD)
    user.save()
    login(client, user.get_username())
    client.post(VERIFY, {"code": totp_code(device)})
    return device


def test_the_manage_page_counts_codes_and_makes_new_ones(client):
    owner = f.organiser_user("amina")
    signed_in_with_both(client, owner)
    assert "10 recovery codes left" in page_text(client.get(reverse("two_factor_manage")))
    made = client.post(reverse("two_factor_recovery_codes_new"))
    page = client.get(made["Location"])
    new_codes = re.findall(r"<li>([a-z2-7]{8})</li>", page.text)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(RECOVERY_CODES)
    assert "two_factor.recovery_codes" in actions(owner)


def test_turning_2fa_off_needs_the_password_and_is_mailed(client, on_commit):
    owner = f.organiser_user("amina")
    signed_in_with_both(client, owner)
    wrong = client.post(reverse("two_factor_remove"), {"password": "not it"}, follow=True)
    assert "That is not your password" in wrong.text
    assert has_2fa(owner)
    on_commit(lambda: client.post(reverse("two_factor_remove"), {"password": f.PASSWORD}))
    assert not has_2fa(owner)
    assert not StaticToken.objects.filter(device__user=owner).exists()
    assert actions(owner)[-1] == "two_factor.remove"
    (message,) = two_factor_mail()
    assert "turned off" in message.body


def test_turning_2fa_off_with_a_stale_factor_asks_again(client):
    owner = f.organiser_user("amina")
    device = enrolled(owner)
    owner.set_password(f.PASSWORD)
    owner.save()
    verified_long_ago(client, device)
    response = client.post(reverse("two_factor_remove"), {"password": f.PASSWORD})
    assert response["Location"].startswith(VERIFY)
    assert has_2fa(owner)


def test_removing_the_last_authenticator_app_turns_2fa_off(client):
    owner = f.organiser_user("amina")
    device = signed_in_with_both(client, owner)
    url = reverse("two_factor_authenticator_remove", kwargs={"pk": device.pk})
    client.post(url, {"password": f.PASSWORD})
    assert not has_2fa(owner)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SECOND_FACTOR_REMOVE).get().details["two_factor_off"]


def test_staff_reset_a_lost_phone_audited_and_mailed(client, on_commit):
    staff = f.user("root", staff=True)
    signed_in_with_both(client, staff)
    organiser = f.organiser_user("amina")
    enrolled(organiser)
    response = on_commit(
        lambda: client.post(reverse("two_factor_reset"), {"username": "amina", "reason": "Lost phone; called her."})
    )
    assert response.status_code == 302
    assert not has_2fa(organiser)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.SECOND_FACTOR_RESET).get()
    assert (entry.actor, entry.target_id, entry.reason) == (staff, str(organiser.pk), "Lost phone; called her.")
    (message,) = two_factor_mail()
    assert message.to == ["amina@example.org"]
    assert "staff turned off two-factor" in message.body
    unknown = client.post(reverse("two_factor_reset"), {"username": "nobody", "reason": "x"})
    assert "There is no account with this username" in unknown.text


def test_only_staff_reset_second_factors(client):
    client.force_login(f.organiser_user("amina"))
    victim = f.organiser_user("bilal")
    enrolled(victim)
    assert client.post(reverse("two_factor_reset"), {"username": "bilal", "reason": "x"}).status_code == 403
    assert has_2fa(victim)


def test_the_admin_offers_no_way_around_someone_elses_second_factor(client):
    staff = f.user("root", staff=True)
    signed_in_with_both(client, staff)
    for name in ("admin:otp_totp_totpdevice_changelist", "admin:otp_static_staticdevice_add"):
        with pytest.raises(NoReverseMatch):
            reverse(name)
    assert client.get("/en/admin/otp_static/staticdevice/add/").status_code == 404


def test_approving_a_case_for_publication_or_a_change_asks_for_a_fresh_second_factor(client):
    from cases.models import Visibility
    from cases.publication import case_submit
    from tests.cases.factories import draft_case
    from tests.organisers.test_permissions import proposed_change

    proposer = f.case_editor("alice")
    approver = f.case_editor("bilal")
    approver.set_password(f.PASSWORD)
    approver.save()
    device = enrolled(approver)
    case = draft_case()
    case_submit(case=case, by=proposer)
    revision = proposed_change()
    verified_long_ago(client, device)
    changelist = reverse("admin:cases_case_changelist")
    refused = client.post(
        changelist,
        {"action": "approve_publication", "_selected_action": [case.pk]},
        HTTP_REFERER="http://testserver" + changelist,
    )
    assert refused["Location"] == with_next("two_factor_verify", "http://testserver" + changelist)
    case.refresh_from_db()
    assert case.visibility == Visibility.DRAFT
    approve = reverse("organisers:case_revision_approve", kwargs={"pk": revision.pk})
    assert client.post(approve)["Location"].startswith(VERIFY)
    revision.refresh_from_db()
    assert revision.state == "proposed"
    client.post(VERIFY, {"code": totp_code(device, steps_ahead=1)})
    client.post(changelist, {"action": "approve_publication", "_selected_action": [case.pk]})
    case.refresh_from_db()
    assert case.visibility == Visibility.PUBLIC
    client.post(approve)
    revision.refresh_from_db()
    assert revision.state == "approved"


def test_family_contacts_files_case_export_and_photo_approval_ask_for_a_fresh_second_factor(client):
    """The pages issue 17 added that open what families sent, or publish a
    face, ask for the second factor again like every other such page."""
    from cases.models import Photo
    from tests.cases.factories import draft_case
    from tests.cases.intake_factories import new_case_submission, photo
    from tests.cases.photo_files import waiting_photo

    editor = f.case_editor("carol")
    editor.set_password(f.PASSWORD)
    editor.save()
    device = enrolled(editor)
    submission = new_case_submission(attachments=[photo()])
    attachment = submission.files.get()
    case = draft_case()
    waiting = waiting_photo(case, by=f.case_editor("dilnur"), alt="A man", source="Family")
    reads = [
        reverse("organisers:intake_contact", kwargs={"pk": submission.pk}),
        reverse("organisers:intake_file", kwargs={"pk": submission.pk, "file_pk": attachment.pk}),
        reverse("organisers:case_export"),
    ]
    approve = reverse(
        "organisers:photo_action", kwargs={"reference": case.reference, "key": waiting.key, "action": "approve"}
    )
    verified_long_ago(client, device)

    for url in reads:
        assert client.get(url)["Location"] == with_next("two_factor_verify", url)
    assert client.post(approve)["Location"].startswith(VERIFY)
    assert not Photo.objects.published().filter(pk=waiting.pk).exists()
    assert not AuditEntry.objects.filter(
        action__in=[AuditEntry.Action.SUBMISSION_CONTACT, AuditEntry.Action.SUBMISSION_FILE]
    ).exists()

    client.post(VERIFY, {"code": totp_code(device, steps_ahead=1)})
    for url in reads:
        assert client.get(url).status_code == 200
    client.post(approve)
    assert Photo.objects.published().filter(pk=waiting.pk).exists()
