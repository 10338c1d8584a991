"""The guard every form strangers send stands behind (signing, what families
send, and any later public form), written once:

- a honeypot field people never see (hidden by CSS, skipped by keyboard and
  screen readers) but form-filling scripts fill in; they are answered as a
  person is and nothing is kept;
- the form clock (core.form_clock): too fast, or shown too long ago or for
  another form, and the form comes back with everything typed kept;
- rate-limit rules counted per client network (core.rate_limits, keyed by
  core.client_ip.ip_hash), refused with 429 and the text kept.

These forms carry no CSRF token (core.cross_origin protects them), so a
page can be shared from a cache and a family's browser gets no cookie.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import cast

from crispy_forms.layout import Div
from django import forms
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from core import form_clock, rate_limits
from core.client_ip import client_ip_hash

HONEYPOT = "website"
STARTED = "started"


class Verdict(StrEnum):
    PASSED = "passed"
    BOT = "bot"  # the honeypot was filled in: thank them as a person, keep nothing
    TOO_FAST = "too_fast"
    EXPIRED = "expired"  # no start time, a forged one, an old one, or another form's
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class PerNetwork:
    """A rate-limit rule counted per client network, or per network within
    one thing (a petition) when `within` names it."""

    rule: str
    within: str = ""


class GuardedForm(forms.Form):
    """A public form's hidden guard fields, and what it says when it refuses.
    Subclasses word the refusals for what the form does."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    too_fast_message = _("That was quicker than a person usually is. Please check what you wrote and send it again.")
    expired_message = _("This form had expired. Please check what you wrote and send it again.")
    too_many_message = _(
        "Too many messages have come from your network recently. Please try again in a few hours; "
        "what you wrote is kept below."
    )

    def __init__(self, *args, clock_scope: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        # What the form is for (a petition, a case): a start time handed out
        # for one form is refused on another.
        self.clock_scope = clock_scope
        if not self.is_bound and clock_scope is not None:
            self.initial[STARTED] = form_clock.started_token(scope=clock_scope)

    def guard_layout(self) -> tuple:
        """The guard fields for a crispy-forms layout."""
        return (Div(HONEYPOT, css_class="plea-hp", aria_hidden="true"), STARTED)

    def restart_clock(self) -> None:
        """Give a re-shown form a fresh start time."""
        # A bound form's data is a QueryDict (or a dict): both copy; the stubs say Mapping.
        self.data = cast(QueryDict, self.data).copy()
        self.data[STARTED] = form_clock.started_token(scope=self.clock_scope)

    def refuse(self, verdict: Verdict) -> int:
        """Show the form again with why it was refused; the HTTP status to answer with."""
        if verdict is Verdict.TOO_MANY:
            self.add_error(None, self.too_many_message)
            return 429
        self.add_error(None, self.too_fast_message if verdict is Verdict.TOO_FAST else self.expired_message)
        self.restart_clock()
        return 400


def guard(request: HttpRequest, form: GuardedForm, *, rules: tuple[PerNetwork, ...] = ()) -> Verdict:
    """Whether a valid form may be kept. Rules are counted in order and
    only until one refuses; a form refused by its clock counts against none."""
    data = form.cleaned_data
    if data[HONEYPOT]:
        return Verdict.BOT
    timing = form_clock.timing(data[STARTED], scope=form.clock_scope)
    if timing is form_clock.FormTiming.TOO_FAST:
        return Verdict.TOO_FAST
    if timing is not form_clock.FormTiming.HUMAN:
        return Verdict.EXPIRED
    network = client_ip_hash(request) or "none"
    for per_network in rules:
        key = f"{per_network.within}:{network}" if per_network.within else network
        if rate_limits.check(per_network.rule, key=key) is not None:
            return Verdict.TOO_MANY
    return Verdict.PASSED
