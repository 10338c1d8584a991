"""The audit log and invitations moved from the organisers app to accounts
(organisers 0004-0005, accounts 0001). A database migrated on the old layout
keeps its rows, and in PostgreSQL the trigger that refuses to change them.

Needs a test database built by migrations (`make test-postgres`, or
`--migrations`); the default `--no-migrations` run skips it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from accounts.models import AuditEntry, Invitation

BEFORE_THE_MOVE = [("organisers", "0003_audit_append_only_in_postgresql")]


@pytest.fixture
def migrate(transactional_db):
    if ("accounts", "0001_initial") not in MigrationRecorder(connection).applied_migrations():
        pytest.skip("the test database was built without migrations")

    def to(targets=None):
        executor = MigrationExecutor(connection)
        executor.migrate(targets or executor.loader.graph.leaf_nodes())
        return executor.loader.project_state(targets).apps if targets else None

    yield to
    to()  # whatever happened, leave the schema the other tests expect


def test_entries_and_invitations_written_before_the_move_are_there_after_it(migrate):
    old = migrate(BEFORE_THE_MOVE)
    user = old.get_model("auth", "User").objects.create(username="staffer", is_superuser=True)
    old.get_model("organisers", "AuditEntry").objects.create(
        actor=user, actor_name="staffer", action="case.approve", target_type="case", target_id="7", reason="checked"
    )
    old.get_model("organisers", "Invitation").objects.create(email="new@example.org", invited_by=user)

    migrate()

    assert list(AuditEntry.objects.values_list("actor__username", "action", "reason")) == [
        ("staffer", "case.approve", "checked")
    ]
    assert list(Invitation.objects.values_list("email", "invited_by__username")) == [("new@example.org", "staffer")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists only in PostgreSQL")
def test_the_database_still_refuses_to_change_the_moved_audit_log(migrate):
    old = migrate(BEFORE_THE_MOVE)
    old.get_model("organisers", "AuditEntry").objects.create(actor_name="someone", action="case.approve")

    migrate()

    for statement in ("UPDATE accounts_auditentry SET reason = 'rewritten'", "DELETE FROM accounts_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEntry.objects.get().reason == ""


BEFORE_SUBJECTS = [("accounts", "0010_audit_actions_registered_by_each_app")]


def test_entries_and_invitations_about_a_petition_name_it_as_their_subject_after_the_keys_go(migrate):
    from tests.organisers import factories as f

    petition, inviter = f.open_petition(), f.user("staffer", staff=True)
    old = migrate(BEFORE_SUBJECTS)
    OldEntry, OldInvitation = old.get_model("accounts", "AuditEntry"), old.get_model("accounts", "Invitation")
    OldEntry.objects.create(actor_name="staffer", action="petition.open", petition_id=petition.pk, reason="opened")
    OldEntry.objects.create(actor_name="staffer", action="case.approve", target_type="case", target_id="7")
    OldInvitation.objects.create(
        email="mod@example.org", petition_id=petition.pk, role="moderator", invited_by_id=inviter.pk
    )
    OldInvitation.objects.create(email="editor@example.org", case_editor=True, invited_by_id=inviter.pk)

    migrate()

    assert list(AuditEntry.objects.about(petition).values_list("action", "reason")) == [("petition.open", "opened")]
    assert AuditEntry.objects.get(action="case.approve").subject_type == ""
    invited = Invitation.objects.about(petition).get()
    assert (invited.email, invited.role, invited.subject) == ("mod@example.org", "moderator", petition)
    assert Invitation.objects.get(email="editor@example.org").subject is None
    if connection.vendor == "postgresql":  # the append-only trigger is back on
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_auditentry SET reason = 'rewritten'")


def test_going_back_puts_the_petition_keys_back(migrate):
    from tests.organisers import factories as f

    petition = f.open_petition()
    AuditEntry.objects.create(actor_name="someone", action="petition.open", subject_type="petitions.petition",
                              subject_id=str(petition.pk))  # fmt: skip

    old = migrate(BEFORE_SUBJECTS)

    assert list(old.get_model("accounts", "AuditEntry").objects.values_list("petition_id", flat=True)) == [petition.pk]
