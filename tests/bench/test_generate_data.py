"""The benchmarks' data generator: what it loads, and that on PostgreSQL it
leaves the tables' indexes and constraints as it found them, even when it
fails halfway (it drops them for the load and builds them again)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from bench import generate_data
from cases.models import Case, CaseName, CaseNameWord
from petitions.models import Petition, Signature

ROOT = Path(__file__).resolve().parents[2]
TABLES = [Signature._meta.db_table, Case._meta.db_table, CaseName._meta.db_table, CaseNameWord._meta.db_table]
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are dropped on PostgreSQL only")


def schema() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)
               UNION ALL
               SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = ANY(%s::regclass[])""",
            [TABLES, TABLES],
        )
        return set(cursor.fetchall())


def generate(**options) -> None:
    sizes = {"petitions": 3, "signatures": 300, "signatures_each": 40, "cases": 25}
    call_command(generate_data.Command(), **sizes, **options, stdout=open("/dev/null", "w"))


@pytest.mark.django_db(transaction=True)  # generate_data VACUUMs on PostgreSQL
def test_counts_and_shape():
    generate()
    petitions = list(Petition.objects.filter(slug__startswith="gen-").order_by("slug"))
    assert [p.slug for p in petitions] == ["gen-00001", "gen-00002", "gen-00003"]
    assert [Signature.objects.filter(petition=p).count() for p in petitions] == [300, 40, 40]
    for petition in petitions:
        assert petition.signature_count == generate_data.true_count(petition_id=petition.pk) > 0
    states = set(Signature.objects.values_list("state", flat=True))
    assert {Signature.State.CONFIRMED, Signature.State.PENDING} <= states
    assert Case.objects.filter(reference__startswith="gen-case-").count() == 25
    assert CaseName.objects.filter(preferred=True).count() == 25
    public_names = CaseName.objects.filter(case__visibility="public")
    # Every public spelling's words, and no other spelling's.
    assert set(CaseNameWord.objects.values_list("name_id", flat=True)) == set(public_names.values_list("pk", flat=True))
    for name in CaseName.objects.all():
        assert name.search_key == generate_data.name_search_key(name.text)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_indexes_and_constraints_are_rebuilt():
    before = schema()
    generate()
    assert schema() == before


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_failed_load_leaves_nothing_half_built(monkeypatch):
    before = schema()

    def fail(self, count, *, rng):
        raise RuntimeError("disk full")

    monkeypatch.setattr(generate_data.Command, "create_cases", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        generate()
    assert schema() == before
    assert not Signature.objects.exists()
    assert not Case.objects.exists()
    assert not Petition.objects.exists()


def test_the_documented_command_runs(tmp_path):
    """`python -m bench.generate_data …` as bench/README.md gives it, on a
    database of its own (a subprocess cannot see the test database)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    environment |= {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path}/generated.sqlite3"}

    def run(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=180)

    migrated = run(sys.executable, "manage.py", "migrate", "--verbosity=0")
    assert migrated.returncode == 0, migrated.stderr
    generated = run(
        *(sys.executable, "-m", "bench.generate_data", "--petitions", "2", "--signatures", "12"),
        *("--signatures-each", "5", "--cases", "3"),
    )

    assert generated.returncode == 0, generated.stderr
    with sqlite3.connect(tmp_path / "generated.sqlite3") as database:
        per_petition = database.execute(
            "SELECT p.slug, count(s.id) FROM petitions_petition p JOIN petitions_signature s ON s.petition_id = p.id"
            " GROUP BY p.slug ORDER BY p.slug"
        ).fetchall()
        cases = database.execute("SELECT count(*) FROM cases_case WHERE reference LIKE 'gen-case-%'").fetchone()
    assert per_petition == [("gen-00001", 12), ("gen-00002", 5)]
    assert cases == (3,)
