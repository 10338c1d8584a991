"""An invitation whose mail the server will not take is retried, and a
refusal for good is reported rather than dropped without a word."""

import logging

import pytest
from django.core import mail

from accounts.models import Invitation
from accounts.tasks import send_invitation
from tests.organisers import factories as f
from tests.petitions.failing_mail import FailingMailBackend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def failing_mail(settings):
    FailingMailBackend.reset()
    settings.MAILERS = {"default": {"BACKEND": "tests.petitions.failing_mail.FailingMailBackend"}}
    settings.TASKS = {"default": {"BACKEND": "tests.petitions.failing_mail.ImmediateRetryingBackend"}}
    yield FailingMailBackend
    FailingMailBackend.reset()


@pytest.fixture
def invitation():
    return Invitation.objects.create(email="new@example.org", invited_by=f.user(staff=True))


def test_a_dropped_connection_is_retried_until_the_invitation_is_sent(invitation, failing_mail):
    failing_mail.flaky = {"new@example.org": 3}

    send_invitation.enqueue(invitation_id=invitation.pk)

    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    assert failing_mail.attempts.count("new@example.org") == 4


def test_a_refused_address_is_reported_once_without_the_address(invitation, failing_mail, caplog):
    failing_mail.refused = {"new@example.org"}

    with caplog.at_level(logging.ERROR, logger="accounts.tasks"):
        send_invitation.enqueue(invitation_id=invitation.pk)

    assert mail.outbox == [] and failing_mail.attempts == ["new@example.org"], "not retried: it will never work"
    (report,) = [record for record in caplog.records if record.name == "accounts.tasks"]
    assert f"Invitation {invitation.pk} could not be mailed" in report.getMessage()
    assert "new@example.org" not in report.getMessage()
