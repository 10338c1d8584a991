"""The one way the site sends mail: the recipient's language, retries while
the server is away, giving up on an address refused for good, the headers
asked for, and links that survive the trip whole."""

import email
import email.policy

import pytest
from django.core import mail as outbox
from django.utils import translation
from django.utils.translation import gettext

from core import mail
from tests.core.mail_tasks import LINK, mail_a_signer
from tests.petitions.failing_mail import FailingMailBackend

pytestmark = pytest.mark.django_db

ADDRESS = "amina@example.org"


@pytest.fixture(autouse=True)
def failing_mail(settings):
    FailingMailBackend.reset()
    settings.MAILERS = {"default": {"BACKEND": "tests.petitions.failing_mail.FailingMailBackend"}}
    settings.TASKS = {"default": {"BACKEND": "tests.petitions.failing_mail.ImmediateRetryingBackend"}}
    yield FailingMailBackend
    FailingMailBackend.reset()


@pytest.mark.parametrize("language", ["en", "ur", "ug", "kk", "ru", "zh-hans", "tr"])
def test_the_mail_is_written_in_the_recipients_language_whatever_is_active(language):
    with translation.override(language):
        expected = gettext("Confirm your signature: %(title)s") % {"title": "Free Ekpar Asat"}

    active = "tr" if language == "en" else "en"
    with translation.override(active):
        mail_a_signer.enqueue(to=ADDRESS, language=language)
        assert translation.get_language() == active, "the sender's language is left as it was"

    (sent,) = outbox.outbox
    assert sent.subject == expected


@pytest.mark.parametrize(
    ("backend", "refused", "drops", "first_outcome", "tries", "delivered"),
    [
        ("retrying", False, 0, mail.Delivery.SENT, 1, 1),
        ("retrying", False, 2, mail.Delivery.RETRYING, 3, 1),
        ("retrying", False, 1000, mail.Delivery.RETRYING, len(mail.RETRY_DELAYS) + 1, 0),
        ("retrying", True, 0, mail.Delivery.FAILED, 1, 0),
        # Inside a request the mail is tried once more at once, never waited for.
        ("immediate", False, 1, mail.Delivery.RETRYING, 2, 1),
        ("immediate", False, 5, mail.Delivery.RETRYING, 2, 0),
        ("immediate", True, 0, mail.Delivery.FAILED, 1, 0),
    ],
)
def test_retried_while_the_server_is_away_and_given_up_when_refused_for_good(
    settings, failing_mail, backend, refused, drops, first_outcome, tries, delivered
):
    if backend == "immediate":
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    failing_mail.refused = {ADDRESS} if refused else set()
    failing_mail.flaky = {ADDRESS: drops}

    result = mail_a_signer.enqueue(to=ADDRESS, language="en")

    assert result.return_value == first_outcome
    assert failing_mail.attempts == [ADDRESS] * tries
    assert len(outbox.outbox) == delivered


def test_the_last_try_reports_failure_to_its_caller(failing_mail):
    failing_mail.flaky = {ADDRESS: 1}

    last = mail_a_signer.call(to=ADDRESS, language="en", attempt=len(mail.RETRY_DELAYS))

    assert last == mail.Delivery.FAILED and outbox.outbox == []


@pytest.mark.parametrize(
    ("extra", "header", "value"),
    [
        ({"reply_to": ["intake@example.org"]}, "Reply-To", "intake@example.org"),
        (
            {"headers": {"List-Unsubscribe": "<https://plea.example.org/u/x/>"}},
            "List-Unsubscribe",
            "<https://plea.example.org/u/x/>",
        ),
        ({}, "To", ADDRESS),
    ],
)
def test_the_headers_asked_for_are_set(extra, header, value):
    composed = mail.compose(
        template="signature_confirm",
        context={"title": "T", "confirm_url": LINK, "withdraw_url": LINK},
        to=[ADDRESS],
        language="en",
        **extra,
    )

    assert composed.message()[header] == value


def test_a_title_cannot_start_a_header_of_its_own():
    composed = mail.compose(
        template="signature_confirm",
        context={"title": "Free her\nBcc: everyone@example.org", "confirm_url": LINK, "withdraw_url": LINK},
        to=[ADDRESS],
        language="en",
    )

    parsed = email.message_from_bytes(composed.message().as_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Confirm your signature: Free her Bcc: everyone@example.org"
    assert parsed["Bcc"] is None


@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
@pytest.mark.parametrize("policy", [email.policy.default, email.policy.SMTP], ids=["console", "smtp"])
def test_every_link_stays_on_one_line_of_the_raw_message(language, policy):
    """Quoted-printable would cut a link over 76 characters with "=": a
    signer copying it from a mail (or a developer from the console) gets a
    broken link."""
    composed = mail.compose(
        template="signature_confirm",
        context={"title": "Free Ekpar Asat", "confirm_url": LINK, "withdraw_url": LINK + "withdraw/"},
        to=[ADDRESS],
        language=language,
    )

    raw = composed.message(policy=policy).as_bytes()

    lines = raw.splitlines()
    assert LINK.encode() in lines
    assert (LINK + "withdraw/").encode() in lines
    assert b"quoted-printable" not in raw.lower()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed.get_content().replace("\r\n", "\n") == composed.body, "the body reads back as written"


def test_a_line_too_long_for_smtp_goes_as_base64_and_reads_back_whole():
    composed = mail.TemplatedMail(subject="S", body="x" * 1200 + "\nshort\n", to=[ADDRESS])

    raw = composed.message(policy=email.policy.SMTP).as_bytes()

    assert max(len(line) for line in raw.splitlines()) <= 998
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Content-Transfer-Encoding"] == "base64"
    assert parsed.get_content().replace("\r\n", "\n") == "x" * 1200 + "\nshort\n"


def test_a_signers_confirmation_link_arrives_whole(client, petition, send_on_commit):
    from django.urls import reverse

    from tests.petitions.factories import sign_form

    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    send_on_commit(lambda: client.post(url, sign_form(petition), REMOTE_ADDR="203.0.113.40"))

    (sent,) = outbox.outbox
    links = [line for line in sent.body.splitlines() if line.startswith("http")]
    assert links and all(len(link) > 76 for link in links), "links long enough that quoted-printable would cut them"
    lines = sent.message(policy=email.policy.SMTP).as_bytes().splitlines()
    assert all(link.encode() in lines for link in links)
