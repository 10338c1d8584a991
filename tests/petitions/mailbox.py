"""Reading the links a signer gets by email, as a signer would."""

import re

from django.conf import settings


def links_in(message) -> list[str]:
    return [url.removeprefix(settings.SITE_URL) for url in re.findall(r"https?://\S+", message.body)]


def confirm_link(message) -> str:
    return next(link for link in links_in(message) if "/confirm/" in link)


def withdraw_link(message) -> str:
    return next(link for link in links_in(message) if "/withdraw/" in link)
