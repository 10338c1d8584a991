"""The public-form guard every form strangers send stands behind: honeypot,
form clock, rules per network, and what a refused form says."""

import time

import pytest
from django import forms
from django.test import RequestFactory

from cases.intake_forms import CaseRequestForm, SubmissionForm
from core import form_clock, public_form
from core.public_form import GuardedForm, PerNetwork, Verdict, guard
from petitions.forms import SignForm
from tests.conftest import rate_limit_rules

SCOPE = "example-form"


class ExampleForm(GuardedForm):
    message = forms.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, clock_scope=SCOPE, **kwargs)


def started(*, seconds_ago: float = 60, scope: str = SCOPE) -> str:
    return form_clock.started_token(scope=scope, at=time.time() - seconds_ago)


def filled(**changes) -> ExampleForm:
    form = ExampleForm({"message": "hello", "website": "", "started": started(), **changes})
    assert form.is_valid(), form.errors
    return form


def request(address: str = "192.0.2.10"):
    return RequestFactory().post("/", REMOTE_ADDR=address)


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        (dict, Verdict.PASSED),
        (lambda: {"website": "http://spam.example"}, Verdict.BOT),
        # A bot that fills everything is caught by the honeypot before the clock.
        (lambda: {"website": "x", "started": ""}, Verdict.BOT),
        (lambda: {"started": started(seconds_ago=0)}, Verdict.TOO_FAST),
        (lambda: {"started": started(seconds_ago=2 * 3600 + 5)}, Verdict.EXPIRED),
        (lambda: {"started": started(scope="another-form")}, Verdict.EXPIRED),
        (lambda: {"started": "forged"}, Verdict.EXPIRED),
        (lambda: {"started": ""}, Verdict.EXPIRED),
    ],
)
def test_what_the_guard_finds(changes, verdict):
    assert guard(request(), filled(**changes())) is verdict


def test_the_rules_refuse_a_network_over_its_limit_and_spare_others(settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(example=[(2, 600)])
    rules = (PerNetwork("example"),)
    one_network = ["2001:db8:9::1", "2001:db8:9::2", "2001:db8:9::3"]

    verdicts = [guard(request(address), filled(), rules=rules) for address in one_network]

    assert verdicts == [Verdict.PASSED, Verdict.PASSED, Verdict.TOO_MANY]
    assert guard(request("2001:db8:a::1"), filled(), rules=rules) is Verdict.PASSED


def test_a_rule_within_one_thing_counts_apart_from_another(settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(example=[(1, 600)])
    assert guard(request(), filled(), rules=(PerNetwork("example", within="a"),)) is Verdict.PASSED
    assert guard(request(), filled(), rules=(PerNetwork("example", within="b"),)) is Verdict.PASSED
    assert guard(request(), filled(), rules=(PerNetwork("example", within="a"),)) is Verdict.TOO_MANY


def test_a_form_refused_by_its_clock_uses_up_no_limit(settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(example=[(1, 600)])
    rules = (PerNetwork("example"),)
    for _ in range(3):
        assert guard(request(), filled(started="forged"), rules=rules) is Verdict.EXPIRED
    assert guard(request(), filled(), rules=rules) is Verdict.PASSED


@pytest.mark.parametrize(
    ("verdict", "status", "message", "fresh_clock"),
    [
        (Verdict.TOO_FAST, 400, "quicker than a person usually is", True),
        (Verdict.EXPIRED, 400, "This form had expired", True),
        (Verdict.TOO_MANY, 429, "Too many messages have come from your network", False),
    ],
)
def test_a_refused_form_says_why_and_keeps_what_was_typed(verdict, status, message, fresh_clock):
    form = filled(started="forged")

    assert form.refuse(verdict) == status

    assert message in " ".join(form.non_field_errors())
    assert form.data["message"] == "hello"
    fresh = form_clock.timing(form.data["started"], scope=SCOPE, now=time.time() + 60)
    assert (fresh is form_clock.FormTiming.HUMAN) is fresh_clock


def test_an_unbound_form_carries_its_start_time():
    token = ExampleForm().initial["started"]
    assert form_clock.timing(token, scope=SCOPE, now=time.time() + 60) is form_clock.FormTiming.HUMAN


@pytest.mark.parametrize(
    "form",
    [
        lambda: SignForm(slug="a-petition"),
        lambda: SubmissionForm(),
        lambda: CaseRequestForm(reference="AB-123"),
    ],
)
def test_every_public_form_stands_behind_the_guard(form):
    built = form()
    assert isinstance(built, GuardedForm)
    assert public_form.HONEYPOT in built.fields and public_form.STARTED in built.fields
