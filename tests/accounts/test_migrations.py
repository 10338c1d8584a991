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
