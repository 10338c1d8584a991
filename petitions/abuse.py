"""What keeps automated signing out of the count besides the public-form
guard (core.public_form: honeypot, form clock, rules per network): the sign
form's clock bound to its petition, the signing rules, disposable
addresses, and the tally of refusals organisers see."""

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS

from core import form_clock, rate_limits
from core.form_clock import FormTiming
from core.public_form import PerNetwork

REFUSED_TALLY = "sign-refused"
HOUR = 3600


# The empty sign form is rendered with this in place of its start token;
# every response then gets a fresh one stamped in, for its petition.
STARTED_PLACEHOLDER = "pleaFormClockPlaceholder4e1b"


def stamp_form_clock(html: str, *, slug: str) -> str:
    return html.replace(STARTED_PLACEHOLDER, form_started_token(slug=slug))


def form_started_token(*, slug: str, at: float | None = None) -> str:
    """When the sign form of this petition was shown (core.form_clock), bound
    to the petition by its slug, which the page already knows without
    reading the database."""
    return form_clock.started_token(scope=slug, at=at)


def form_timing(token: str, *, slug: str, now: float | None = None) -> FormTiming:
    """Whether this petition's form was filled in at a person's pace."""
    return form_clock.timing(token, scope=slug, now=now)


def is_disposable(key: str) -> bool:
    """Whether a normalised address (petitions.email_keys.email_key) is at a
    throwaway-mail domain or a subdomain of one. Normalised, because that is
    where the mail goes: MAILINATOR.com typed in fullwidth letters is mailinator.com."""
    parts = key.rpartition("@")[2].split(".")
    return any(".".join(parts[index:]) in DISPOSABLE_DOMAINS for index in range(len(parts) - 1))


def sign_rules(*, petition_id: int) -> tuple[PerNetwork, ...]:
    """What a network may sign: on this petition, and across all of them."""
    return (PerNetwork("sign_per_petition", within=str(petition_id)), PerNetwork("sign"))


def count_refusal(*, petition_id: int) -> None:
    """Tally a signature the rate limits refused, for the petition's organisers."""
    rate_limits.count_event(REFUSED_TALLY, key=str(petition_id), seconds=HOUR)


def resend_allowed(*, ip_hash: str) -> bool:
    return rate_limits.check("resend", key=ip_hash) is None


def refused_in_last_day(*, petition_id: int) -> int:
    """Signing attempts refused by rate limits in the last 24 hours, for organisers."""
    return rate_limits.tally(REFUSED_TALLY, key=str(petition_id), seconds=HOUR, windows=24)
