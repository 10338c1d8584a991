"""core.task_queue.enqueue_row: the row django_tasks_db's `enqueue()` writes,
written by one INSERT, and run by the real worker like any other."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.task_queue import enqueue_row, is_database_queue
from tests.core import worker_tasks
from tests.core.test_task_worker import DATABASE_QUEUE, worker
from tests.core.worker_tasks import note

# Columns that differ between any two enqueues: a fresh id, the time.
VARYING = {"id", "enqueued_at"}


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    worker_tasks.RAN.clear()
    yield
    worker_tasks.RAN.clear()


def row(task_id) -> dict:
    values = DBTaskResult.objects.filter(pk=task_id).values().get()
    return {name: value for name, value in values.items() if name not in VARYING}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"priority": 7},
        {"queue_name": "bulk"},
        {"run_after": datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)},
    ],
    ids=["defaults", "priority", "queue", "run_after"],
)
def test_the_row_is_the_one_the_library_writes(changes):
    task = note.using(**changes)
    theirs = task.enqueue(label="théirs • 1").id
    before = set(DBTaskResult.objects.values_list("pk", flat=True))

    started = timezone.now()
    with CaptureQueriesContext(connection) as captured:
        enqueue_row(task, kwargs={"label": "théirs • 1"})
    assert len(captured) == 1, "one INSERT"

    [ours] = set(DBTaskResult.objects.values_list("pk", flat=True)) - before
    assert row(ours) == row(theirs)
    mine = DBTaskResult.objects.get(pk=ours)
    assert started <= mine.enqueued_at <= timezone.now()
    assert mine.task_result.kwargs == {"label": "théirs • 1"}
    assert mine.task_result.task.module_path == task.module_path


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_row_as_any_other():
    enqueue_row(note, kwargs={"label": "written out"})
    note.enqueue(label="through the library")

    worker().run()

    assert sorted(worker_tasks.RAN) == ["through the library", "written out"]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_only_for_the_database_queue(settings):
    assert is_database_queue(note)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert not is_database_queue(note)
    with pytest.raises(TypeError):
        enqueue_row(note, kwargs={"label": "nowhere"})
