"""The JSON API fuzzed against its own OpenAPI schema (schemathesis): whatever
a client sends within or around the schema, no answer is a server error and
every answer matches what the schema promises."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from cases.models import CaseLink
from config.wsgi import application
from petitions.models import PetitionUpdate
from tests.cases.factories import detention, public_case
from tests.conftest import rate_limit_rules
from tests.petitions.factories import closed_petition, confirmed_signature, draft_petition, open_petition

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_the_test_connection():
    """The WSGI app closes the database connection after each request, as a
    server should; inside a test's transaction that would close the test's own
    connection (Django's test client disconnects the same signals)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def published_world(db, settings, keep_the_test_connection):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(api=[])  # the fuzzer sends more than a person would
    settings.PLEA_PAGE_CACHE_SECONDS = 0
    petition = open_petition(slug="free-them", title="Free them", summary="Now")
    for country in ("GB", "GB", "GB", "GB", "GB", "KZ", ""):
        confirmed_signature(petition, country=country)
    PetitionUpdate.objects.create(petition=petition, title="News", body="**Delivered**")
    closed_petition(slug="closed-one").declare_victory(note="Won")
    draft_petition(slug="a-draft")
    person = public_case(reference="ekpar-asat", name="Ekpar Asat", spellings=("ئەكپەر ئەسەت",))
    detention(person, on=datetime.date(2016, 4, 1))
    sister = public_case(reference="rayhan-asat", name="Rayhan Asat", gender="female")
    CaseLink.objects.create(case=person, relative=sister, relationship=CaseLink.Relationship.SIBLING)
    petition.cases.add(person)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_the_promises_of_its_schema(case, published_world):
    case.call_and_validate()
