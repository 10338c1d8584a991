"""A database from before reviewed revisions (cases 0007) keeps what it
showed: public figures stay public, now with an approval on record; and the
search vocabulary forgets the names of draft and internal cases.

Needs a test database built by migrations (`make test-postgres`, or
`--migrations`); the default `--no-migrations` run skips it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from cases.models import NameWord, Statistic, Visibility

BEFORE = [("cases", "0007_case_public_id")]


@pytest.fixture
def migrate(transactional_db):
    if ("cases", "0009_search_vocabulary_public_only") not in MigrationRecorder(connection).applied_migrations():
        pytest.skip("the test database was built without migrations")

    def to(targets=None):
        executor = MigrationExecutor(connection)
        executor.migrate(targets or executor.loader.graph.leaf_nodes())
        return executor.loader.project_state(targets).apps if targets else None

    yield to
    to()


def test_public_figures_stay_public_and_hidden_names_leave_the_vocabulary(migrate):
    old = migrate(BEFORE)
    source = old.get_model("cases", "Source").objects.create(publisher="Atajurt", title="Figures")
    figures = old.get_model("cases", "Statistic").objects
    figures.create(label="Public", value=1, scope="county", source=source, visibility="public")
    figures.create(label="Draft", value=2, scope="county", source=source, visibility="draft")
    cases, names = old.get_model("cases", "Case").objects, old.get_model("cases", "CaseName").objects
    words, uses = old.get_model("cases", "NameWord").objects, old.get_model("cases", "CaseNameWord").objects
    for reference, visibility, word in [("shown", "public", "zqshown"), ("hidden", "draft", "zqhidden")]:
        case = cases.create(reference=reference, visibility=visibility, approved_at="2026-01-01T00:00:00Z")
        name = names.create(case=case, text=word, search_key=word)
        uses.create(name=name, case=case, word=words.create(text=word))

    migrate()

    assert list(Statistic.objects.filter(approved_at__isnull=False).values_list("label", "visibility")) == [
        ("Public", Visibility.PUBLIC)
    ]
    assert list(NameWord.objects.values_list("text", flat=True)) == ["zqshown"]


BEFORE_ENCRYPTION = [("cases", "0011_cases_extras_retired_addresses")]


def _raw_contacts() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, email, address FROM cases_testifiercontact ORDER BY id")
        return cursor.fetchall()


def test_existing_contacts_are_sealed_and_opened_again_going_back(migrate):
    from cases.models import TestifierContact as Contact
    from core.encryption import TOKEN_PREFIX

    old = migrate(BEFORE_ENCRYPTION)
    case = old.get_model("cases", "Case").objects.create(reference="zq-contacts")
    testimony = old.get_model("cases", "Testimony").objects.create(
        case=case, testifier_label="his wife", relationship="spouse", summary="S"
    )
    old.get_model("cases", "TestifierContact").objects.create(
        testimony=testimony, phone="+7 701 Zqold", email="zq@example.org", address=""
    )

    migrate()

    ((phone, email, address),) = _raw_contacts()
    assert phone.startswith(TOKEN_PREFIX) and email.startswith(TOKEN_PREFIX) and address == ""
    assert "Zqold" not in phone
    assert (Contact.objects.get().phone, Contact.objects.get().email) == ("+7 701 Zqold", "zq@example.org")

    migrate(BEFORE_ENCRYPTION)

    assert _raw_contacts() == [("+7 701 Zqold", "zq@example.org", "")]


BEFORE_DESK = [("cases", "0015_intake_submissions")]


def test_versions_kept_before_the_desk_get_the_fingerprint_of_what_they_hold(migrate):
    """Approved, rejected and waiting versions keep their state, their
    reviewer and their history; each gets the fingerprint an approval is
    bound to, so a change waiting from before can be approved only as it
    was shown. A case submitted before submissions kept their content gets
    its proposal from what it holds when the desk first lists it."""
    from cases.models import Case, CaseRevision
    from cases.models.publication import content_fingerprint
    from cases.revisions import publication_proposal

    old = migrate(BEFORE_DESK)
    users = old.get_model("auth", "User").objects
    alice, bilal = users.create(username="zq-alice"), users.create(username="zq-bilal")
    cases = old.get_model("cases", "Case").objects
    public = cases.create(reference="zq-public", visibility="public", approved_at="2026-01-01T00:00:00Z")
    cases.create(reference="zq-submitted", visibility="draft", submitted_by=alice, submitted_at="2026-01-02T00:00:00Z")
    revisions = old.get_model("cases", "CaseRevision").objects
    first = revisions.create(
        case=public, content={"case": {"summary": "First"}}, state="approved", origin="publication",
        proposed_by=alice, reviewed_by=bilal, reviewed_at="2026-01-01T00:00:00Z",
    )  # fmt: skip
    revisions.create(case=public, content={"case": {"summary": "Waiting"}}, base=first, proposed_by=alice)

    migrate()

    kept = {r.content["case"]["summary"]: r for r in CaseRevision.objects.all()}
    assert kept["First"].state == "approved" and kept["First"].reviewed_by.username == "zq-bilal"
    assert kept["Waiting"].state == "proposed"
    for revision in kept.values():
        assert revision.content_hash == content_fingerprint(revision.content)
    submitted = Case.objects.get(reference="zq-submitted")
    proposal = publication_proposal(submitted)
    assert (proposal.state, proposal.proposed_by.username) == ("proposed", "zq-alice")
