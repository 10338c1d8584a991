"""Handing mail to the mail server, and what to do when it will not take it.

A mail server that is down, slow or busy refuses for a while ("try later"):
the task is queued again with a growing delay, for about a day in all. A
server that refuses one address for good (no such mailbox: an SMTP 5xx reply
to that recipient or that message) will refuse it on every try: it is counted
as failed at once, so the people who run the petition see it, and the rest of
the mailing goes on. Anything else (a provider's API error, a lost socket) is
treated as "try later", never as silently sent.
"""

import datetime
import logging
import smtplib

from django.tasks import Task
from django.utils import timezone

logger = logging.getLogger(__name__)

# Seconds before each new try: a minute, five, half an hour, two hours, six, twelve.
RETRY_DELAYS = (60, 300, 1800, 7200, 21600, 43200)

# Refusals that say our side is misconfigured (sender address, password):
# every recipient would fail alike, so they are waited out, not blamed on one.
_OUR_SIDE = (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError)


def is_permanent(error: Exception) -> bool:
    """Whether the server refused this message or recipient for good."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(error, _OUR_SIDE):
        return error.smtp_code >= 500
    return False


def retry_later(task: Task, *, attempt: int, error: Exception, **kwargs) -> bool:
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
