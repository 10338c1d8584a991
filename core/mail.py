"""Templated mail: written in the recipient's language, handed to the mail
server, and what to do when the server will not take it.

Every mail the site sends is made by compose() from a pair of templates,
`emails/<name>_subject.txt` and `emails/<name>.txt`, and sent by send() (or,
for a mailing that keeps one connection open, hand_over()).

A mail server that is down, slow or busy refuses for a while ("try later"):
the task is queued again with a growing delay, for about a day in all. A
server that refuses one address for good (no such mailbox: an SMTP 5xx reply
to that recipient or that message) will refuse it on every try: it is counted
as failed at once, so the people who run the petition see it, and the rest of
the mailing goes on. Anything else (a provider's API error, a lost socket) is
treated as "try later", never as silently sent.
"""

import datetime
import email.policy
import enum
import logging
import smtplib
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.tasks import Task
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# Seconds before each new try: a minute, five, half an hour, two hours, six, twelve.
RETRY_DELAYS = (60, 300, 1800, 7200, 21600, 43200)

# Refusals that say our side is misconfigured (sender address, password):
# every recipient would fail alike, so they are waited out, not blamed on one.
_OUR_SIDE = (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError)

# The longest line SMTP carries (RFC 5321), without its CRLF.
_LONGEST_LINE = 998


class Delivery(enum.StrEnum):
    SENT = "sent"
    RETRYING = "retrying"  # queued again for later
    FAILED = "failed"  # refused for good, or the tries are used up


def is_permanent(error: Exception) -> bool:
    """Whether the server refused this message or recipient for good."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(error, _OUR_SIDE):
        return error.smtp_code >= 500
    return False


def retry_later(task: Task, *, attempt: int, error: Exception, **kwargs: Any) -> bool:
    """Queue `task` again with `attempt + 1` after the next delay; False when
    the tries are used up.

    A backend that cannot defer (the immediate one, which runs tasks inside
    the request) gets one more try at once and no more: a visitor's request
    must not wait out a mail server. Production uses the database queue.
    """
    can_wait = task.get_backend().supports_defer
    tries = len(RETRY_DELAYS) if can_wait else 1
    # The class only: an SMTP reply can quote the recipient's address.
    logger.warning("Mail not handed over (%s), try %d of %d", type(error).__name__, attempt + 1, tries + 1)
    if attempt >= tries:
        return False
    if can_wait:
        task = task.using(run_after=timezone.now() + datetime.timedelta(seconds=RETRY_DELAYS[attempt]))
    task.enqueue(attempt=attempt + 1, **kwargs)
    return True


def _transfer_encoding(text: str) -> str:
    """Text as it is (7bit, or 8bit for UTF-8) whenever SMTP can carry its
    lines; base64 only for a line too long to carry. Never quoted-printable,
    which breaks every line over 76 characters with "=" and so splits the
    links people copy from a mail (or from the development console)."""
    if max((len(line) for line in text.encode().splitlines()), default=0) > _LONGEST_LINE:
        return "base64"
    return "7bit" if text.isascii() else "8bit"


class TemplatedMail(EmailMessage):
    """Django's message with its text parts encoded so that links stay whole."""

    def message(self, *, policy: email.policy.Policy | None = email.policy.default):
        msg = super().message(policy=policy)
        for part in msg.walk():
            if part.get_content_maintype() != "text" or part.is_attachment():
                continue
            text = part.get_content()
            part.set_content(text, subtype=part.get_content_subtype(), charset="utf-8", cte=_transfer_encoding(text))
        return msg


def compose(
    *,
    template: str,
    context: Mapping[str, Any],
    to: Sequence[str],
    language: str | None,
    reply_to: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
) -> TemplatedMail:
    """The mail `emails/<template>_subject.txt` and `emails/<template>.txt`
    make of `context`, in `language` (None: the language active now).

    The subject is made one line: a petition title or a name in the context
    can never start a header of its own."""
    with translation.override(language or translation.get_language()):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        body = render_to_string(f"emails/{template}.txt", context)
    return TemplatedMail(subject=subject, body=body, to=list(to), reply_to=list(reply_to), headers=dict(headers or {}))


def send(
    *,
    template: str,
    context: Mapping[str, Any],
    to: Sequence[str],
    language: str | None,
    task: Task,
    attempt: int,
    task_kwargs: Mapping[str, Any],
    reply_to: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
) -> Delivery:
    """Compose the mail and hand it over; if the server will not take it now,
    queue `task` again with `task_kwargs` and the next attempt.

    Whoever calls this says what a failure means (logged, shown to
    organisers); the address itself is never logged."""
    message = compose(template=template, context=context, to=to, language=language, reply_to=reply_to, headers=headers)
    try:
        message.send()
    except Exception as error:  # any backend's failure: SMTP, a provider's API, a socket
        if is_permanent(error):
            logger.warning("Mail %r refused for good (%s)", template, type(error).__name__)
            return Delivery.FAILED
        return Delivery.RETRYING if retry_later(task, attempt=attempt, error=error, **task_kwargs) else Delivery.FAILED
    return Delivery.SENT


def hand_over(mailer: BaseEmailBackend, message: EmailMessage) -> bool:
    """Send `message` on an open `mailer` connection: True once the server has
    taken it, False if it refused it for good; raises when the server could
    not be reached (try again later)."""
    try:
        mailer.send_messages([message])
    except Exception as error:
        if is_permanent(error):
            return False
        raise
    return True
