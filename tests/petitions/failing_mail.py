"""A mail backend that fails on chosen messages, as a real SMTP server does.

Like Django's locmem backend (mail.outbox) for everyone else; for chosen
addresses it refuses for good (550, no such mailbox), or drops the
connection a given number of times before taking the message.
"""

import smtplib

from django.core.mail.backends.locmem import EmailBackend
from django.tasks.backends.immediate import ImmediateBackend


class ImmediateRetryingBackend(ImmediateBackend):
    """Runs each task at once, retries included: a queue that can wait
    (run_after is accepted) with no waiting, so a test sees every retry."""

    supports_defer = True


class FailingMailBackend(EmailBackend):
    refused: set[str] = set()  # 550 for these addresses, always
    flaky: dict[str, int] = {}  # this many lost connections, then accepted
    attempts: list[str] = []  # every address a send was tried for

    @classmethod
    def reset(cls) -> None:
        cls.refused, cls.flaky, cls.attempts = set(), {}, []

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                self.attempts.append(address)
                if address in self.refused:
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 No such mailbox")})
                if self.flaky.get(address, 0) > 0:
                    self.flaky[address] -= 1
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            super().send_messages([message])
        return len(messages)
