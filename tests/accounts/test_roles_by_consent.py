"""A role is an invitation the person accepts by signing in."""

import re

import pytest
from django.urls import reverse

from accounts import audit_actions
from accounts.models import AuditEntry, Invitation
from accounts.roles import ORGANISERS_GROUP
from petitions.models import Organiser
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db


def invite(client, send_on_commit, petition, email, role="moderator"):
    url = reverse("organisers:organisers", kwargs={"slug": petition.slug})
    return send_on_commit(lambda: client.post(url, {"email": email, "role": role}, follow=True))


def link_in(mail, settings) -> str:
    return re.search(r"https?://\S+", mail.body).group(0).removeprefix(settings.SITE_URL)


def test_the_organisers_page_answers_the_same_whether_or_not_an_account_exists(client, send_on_commit, mailoutbox):
    petition = f.open_petition()
    client.force_login(f.owner_of(petition))
    f.user("known")  # known@example.org
    known = invite(client, send_on_commit, petition, "known@example.org")
    unknown = invite(client, send_on_commit, petition, "unknown@example.org")
    assert known.status_code == unknown.status_code == 200

    def answer(response):
        text = response.content.decode()
        message = re.search(r'class="alert[^"]*"[^>]*>(.*?)</div>', text, re.S).group(1)
        return " ".join(message.replace("unknown@example.org", "X").replace("known@example.org", "X").split())

    assert answer(known) == answer(unknown)
    assert "no account" not in known.text.lower()
    # Nobody got a role, known or not.
    assert Organiser.objects.filter(petition=petition).count() == 1
    # The account learns of it by email; an owner makes no accounts, so the unknown address gets nothing.
    assert [m.to for m in mailoutbox] == [["known@example.org"]]


def test_an_existing_account_accepts_by_signing_in(client, send_on_commit, mailoutbox, settings):
    petition = f.open_petition()
    owner = f.owner_of(petition)
    known = f.user("known")
    client.force_login(owner)
    invite(client, send_on_commit, petition, "KNOWN@example.org")
    client.logout()
    link = link_in(mailoutbox[0], settings)
    assert petition.title in mailoutbox[0].body
    # Signed out: to the sign-in page, and back to the link.
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(known)
    page = client.get(link)
    assert page.status_code == 200 and "Accept" in page.text
    assert not Organiser.objects.filter(user=known).exists()
    accepted = client.post(link)
    assert accepted.status_code == 302
    assert Organiser.objects.get(user=known, petition=petition).role == "moderator"
    assert AuditEntry.objects.filter(action=audit_actions.INVITATION_ACCEPT, actor=known).exists()
    # Holding a role on someone else's petition does not grant starting petitions.
    assert not known.groups.filter(name=ORGANISERS_GROUP).exists()
    assert client.get(reverse("organisers:dashboard")).status_code == 200
    assert client.get(reverse("organisers:petition_create")).status_code == 403
    assert reverse("organisers:petition_create") not in client.get(reverse("organisers:dashboard")).text
    # The link works once.
    assert client.post(link).status_code == 410


def test_another_account_cannot_accept_an_invitation(client, send_on_commit, mailoutbox, settings):
    petition = f.open_petition()
    client.force_login(f.owner_of(petition))
    f.user("known")
    invite(client, send_on_commit, petition, "known@example.org", role="owner")
    intruder = f.user("intruder")
    client.force_login(intruder)
    link = link_in(mailoutbox[0], settings)
    assert client.get(link).status_code == 403
    assert client.post(link).status_code == 403
    assert not Organiser.objects.filter(user=intruder).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_owners_invitation_cannot_make_an_account(client, send_on_commit):
    from accounts.tokens import invitation_token

    petition = f.open_petition()
    client.force_login(f.owner_of(petition))
    invite(client, send_on_commit, petition, "stranger@example.org")
    client.logout()
    link = reverse("accounts:invitation_accept", kwargs={"token": invitation_token(Invitation.objects.get().pk)})
    assert client.get(link).status_code == 410
    password = "a-good-long-password-4"
    assert client.post(link, {"username": "s", "password1": password, "password2": password}).status_code == 410
    assert not Organiser.objects.filter(petition=petition, role="moderator").exists()


def test_staff_invitation_to_an_existing_account_is_accepted_by_signing_in(client, send_on_commit, settings):
    staff = f.user("staff", staff=True)
    known = f.user("known")
    client.force_login(staff)
    response = send_on_commit(
        lambda: client.post(
            reverse("accounts:invitation_create"), {"email": "known@example.org", "case_editor": "on"}, follow=True
        )
    )
    assert "Invitation sent to known@example.org" in response.text
    from django.core import mail

    link = link_in(mail.outbox[0], settings)
    assert "sign in" in mail.outbox[0].body
    client.force_login(known)
    client.post(link)
    known.refresh_from_db()
    assert known.groups.filter(name="Case editors").exists() and known.is_staff
