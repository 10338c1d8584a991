"""`manage.py db_worker` (core.task_worker): django_tasks_db's worker,
claiming ready tasks a batch at a time. Each task runs once, in the
library's order, with its result recorded as the library records it, and a
worker stopped mid-batch leaves nothing claimed behind."""

import datetime
import signal
import threading
import time

import pytest
from django.core.management import get_commands
from django.db import connection
from django.tasks.signals import task_finished, task_started
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.task_worker import BatchWorker
from tests.core import worker_tasks
from tests.core.worker_tasks import answer, fail, note

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk", "other"]}}
# The worker checks its connection before each batch (close_old_connections),
# which would end a test's enclosing transaction: runs need real commits.
runs = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    worker_tasks.RAN.clear()
    worker_tasks.HOOKS.clear()
    yield
    worker_tasks.RAN.clear()
    worker_tasks.HOOKS.clear()


def worker(**changes) -> BatchWorker:
    options = {
        "claim": 10,
        "queue_names": ["default"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "worker-1",
        "excluded_queue_names": [],
    }
    return BatchWorker(**{**options, **changes})


def queue(*labels: str, task=note) -> list[str]:
    return [task.enqueue(label=label).id for label in labels]


def statuses() -> dict[str, str]:
    return {row.args_kwargs["kwargs"]["label"]: row.status for row in DBTaskResult.objects.all()}


def test_manage_py_db_worker_is_the_batch_worker():
    """core must stay before django_tasks_db in INSTALLED_APPS."""
    assert get_commands()["db_worker"] == "core"


# --- what is claimed, and in which order: the library's rules -------------------


def _mixed_queue() -> None:
    now = timezone.now()
    made = [
        note.using(priority=0),
        note.using(priority=5),
        note.using(priority=-5),
        note.using(priority=0, run_after=now - datetime.timedelta(minutes=5)),
        note.using(priority=0, run_after=now - datetime.timedelta(minutes=9)),
        note.using(priority=5, run_after=now - datetime.timedelta(minutes=1)),
        note.using(priority=0, run_after=now + datetime.timedelta(minutes=5)),  # not yet
        note.using(queue_name="bulk"),
        note.using(queue_name="bulk", priority=9),
        note.using(queue_name="other"),
        note.using(priority=1),
        note.using(priority=1),
    ]
    for n, task in enumerate(made):
        task.enqueue(label=f"t{n}")
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"label": "elsewhere"}},
        task_path=note.module_path,
        backend_name="another",
        run_after=None,
    )
    for status in ("RUNNING", "FAILED", "SUCCESSFUL"):
        row = note.enqueue(label=status.lower()).db_result
        DBTaskResult.objects.filter(pk=row.pk).update(status=status)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("queues", "excluded"),
    [(["default"], []), (["default", "bulk"], []), (["*"], []), (["*"], ["bulk"])],
)
def test_a_claim_takes_the_tasks_the_library_would_and_in_its_order(queues, excluded):
    _mixed_queue()
    ready = DBTaskResult.objects.ready().filter(backend_name="default")
    if "*" not in queues:
        ready = ready.filter(queue_name__in=queues)
    if excluded:
        ready = ready.exclude(queue_name__in=excluded)
    expected = [str(pk) for pk in ready.values_list("pk", flat=True)]  # the model's ordering

    claimed = worker(queue_names=queues, excluded_queue_names=excluded).claim(100)

    assert [str(task.pk) for task in claimed] == expected
    assert len(expected) >= 8


@pytest.mark.django_db
def test_a_claim_marks_its_tasks_running_by_this_worker_and_takes_no_more_than_asked():
    queue("a", "b", "c", "d")
    before = timezone.now()

    claimed = worker(worker_id="w-7").claim(3)

    assert [task.args_kwargs["kwargs"]["label"] for task in claimed] == ["a", "b", "c"]
    assert statuses() == {"a": "RUNNING", "b": "RUNNING", "c": "RUNNING", "d": "READY"}
    for task in DBTaskResult.objects.filter(status="RUNNING"):
        assert task.worker_ids == ["w-7"] and task.started_at >= before
    assert worker(worker_id="w-8").claim(3)[0].args_kwargs["kwargs"]["label"] == "d"


# --- running a batch ---------------------------------------------------------------


def statements(captured: CaptureQueriesContext) -> list[str]:
    """What the worker said to the database, without SQLite's BEGIN EXCLUSIVE
    and COMMIT around each claim (PostgreSQL's claim is one statement alone)."""
    return [query["sql"].split()[0] for query in captured if query["sql"] not in ("BEGIN EXCLUSIVE", "COMMIT")]


@runs
def test_a_batch_of_successes_costs_a_claim_and_one_update():
    queue("a", "b", "c", "d", "e")

    with CaptureQueriesContext(connection) as captured:
        worker().run()

    assert statements(captured) == ["UPDATE", "UPDATE", "UPDATE"], "claim five, record five, find none left"

    assert worker_tasks.RAN == ["a", "b", "c", "d", "e"]
    assert set(statuses().values()) == {"SUCCESSFUL"}
    for task in DBTaskResult.objects.all():
        assert task.worker_ids == ["worker-1"]
        assert task.started_at <= task.finished_at
        assert task.return_value is None and task.traceback == "" and task.exception_class_path == ""


@runs
def test_each_task_keeps_its_own_finish_time():
    worker_tasks.HOOKS.append(lambda label: time.sleep(0.05))
    queue("a", "b")

    worker().run()

    first, second = sorted(DBTaskResult.objects.values_list("finished_at", flat=True))
    assert second - first >= datetime.timedelta(seconds=0.04), "not one time for the whole batch"


@runs
def test_a_failure_is_recorded_with_its_exception_and_the_batch_goes_on():
    queue("a")
    queue("b", task=fail)
    queue("c")
    queue("d", task=answer)

    worker().run()

    assert worker_tasks.RAN == ["a", "b", "c", "d"]
    assert statuses() == {"a": "SUCCESSFUL", "b": "FAILED", "c": "SUCCESSFUL", "d": "SUCCESSFUL"}
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.exception_class_path == "builtins.ValueError"
    assert "ValueError: b went wrong" in failed.traceback
    assert failed.finished_at is not None and failed.return_value is None
    assert failed.task_result.errors[0].exception_class_path == "builtins.ValueError"
    answered = DBTaskResult.objects.get(task_path=answer.module_path)
    assert answered.task_result.return_value == {"label": "d"}


@runs
def test_signals_announce_each_task_and_its_result_is_readable_when_finished():
    queue("a")
    queue("b", task=fail)
    seen = []

    def started(sender, task_result, **kwargs):
        seen.append(("started", task_result.kwargs["label"], task_result.status))

    def finished(sender, task_result, **kwargs):
        stored = DBTaskResult.objects.get(pk=task_result.id).status
        seen.append(("finished", task_result.kwargs["label"], task_result.status, stored))

    task_started.connect(started)
    task_finished.connect(finished)
    try:
        worker().run()
    finally:
        task_started.disconnect(started)
        task_finished.disconnect(finished)

    assert sorted(seen) == [
        ("finished", "a", "SUCCESSFUL", "SUCCESSFUL"),
        ("finished", "b", "FAILED", "FAILED"),
        ("started", "a", "RUNNING"),
        ("started", "b", "RUNNING"),
    ]


@runs
def test_max_tasks_claims_no_more_than_it_will_run():
    queue("a", "b", "c", "d", "e")

    worker(max_tasks=3, batch=False).run()

    assert worker_tasks.RAN == ["a", "b", "c"]
    assert statuses() == {"a": "SUCCESSFUL", "b": "SUCCESSFUL", "c": "SUCCESSFUL", "d": "READY", "e": "READY"}
    assert list(DBTaskResult.objects.filter(status="READY").values_list("worker_ids", flat=True)) == [[], []]


@runs
def test_a_task_not_yet_due_waits():
    note.using(run_after=timezone.now() + datetime.timedelta(minutes=1)).enqueue(label="later")
    queue("now")

    worker().run()

    assert statuses() == {"later": "READY", "now": "SUCCESSFUL"}


# --- stopping ------------------------------------------------------------------------


@runs
def test_a_signal_mid_batch_finishes_the_task_and_puts_the_rest_back():
    stopping = worker()

    def stop_after_b(label):
        if label == "b":
            stopping.shutdown(signal.SIGTERM, None)  # what SIGTERM calls; Worker.configure_signals

    worker_tasks.HOOKS.append(stop_after_b)
    queue("a", "b", "c", "d", "e")

    stopping.run()

    assert worker_tasks.RAN == ["a", "b"]
    assert statuses() == {"a": "SUCCESSFUL", "b": "SUCCESSFUL", "c": "READY", "d": "READY", "e": "READY"}
    for task in DBTaskResult.objects.filter(status="READY"):
        assert task.worker_ids == [] and task.started_at is None, "as if never claimed"

    worker(worker_id="worker-2").run()  # the next worker takes them, in order

    assert worker_tasks.RAN == ["a", "b", "c", "d", "e"]
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    assert DBTaskResult.objects.get(args_kwargs__kwargs__label="c").worker_ids == ["worker-2"]


@runs
def test_a_batch_held_too_long_goes_back_for_others_and_each_task_still_runs_once():
    queue("a", "b", "c", "d")

    worker(hold_seconds=0).run()  # every task "too slow": the rest go back after each one

    assert worker_tasks.RAN == ["a", "b", "c", "d"]
    for task in DBTaskResult.objects.all():
        assert task.status == "SUCCESSFUL" and task.worker_ids == ["worker-1"]


# --- two workers ---------------------------------------------------------------------


@runs
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite's workers take turns on the whole database")
def test_two_workers_at_once_run_every_task_exactly_once():
    labels = [f"t{n}" for n in range(120)]
    queue(*labels)
    worker_tasks.HOOKS.append(lambda label: time.sleep(0.002))  # long enough for the two to overlap
    start = threading.Barrier(2)
    errors = []

    def work(worker_id: str) -> None:
        try:
            start.wait()
            worker(worker_id=worker_id, claim=4).run()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(worker_tasks.RAN) == sorted(labels), "every task once, none twice"
    assert set(statuses().values()) == {"SUCCESSFUL"}
    ran_by = list(DBTaskResult.objects.values_list("worker_ids", flat=True))
    assert all(len(ids) == 1 for ids in ran_by)
