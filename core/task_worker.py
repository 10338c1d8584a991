"""The task worker behind `manage.py db_worker`: django_tasks_db's worker,
claiming ready tasks a batch at a time.

The library's worker spends three statements and two commits on every task
(find and lock it, mark it running, record the result). This one claims up
to `claim` ready tasks in one statement, runs them in the library's order,
and records those that succeeded without a return value (all of Plea's
tasks) in one statement per batch. Anything else is recorded as the library
records it, one task at a time: a failure with its exception and traceback,
a success with its return value. The readiness and ordering rules are the
library's, restated in SQL (tests/core/test_task_worker.py holds the two to
the same answer), and so are the signals, `--batch`, `--max-tasks`,
`--interval`, the queue options and graceful shutdown.

What a batch changes:
- A SIGTERM or SIGINT lets the running task finish, writes the results so
  far and puts the batch's other tasks back in the queue as if never
  claimed. A batch held longer than `hold_seconds` (a slow mail server) is
  put back the same way after its current task, so that other workers can
  take the rest.
- A worker killed outright (SIGKILL, out of memory, power) leaves its whole
  batch RUNNING, the tasks it had finished included; the library's leaves
  one task. Hence a small batch; README.md ("When parts fail") says how to
  queue such tasks again.
"""

import logging
import random
import time
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db import close_old_connections, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks_db.compat import TaskContext, TaskResultStatus, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception, retry

logger = logging.getLogger("django_tasks_db")

DEFAULT_CLAIM = 10

READY, RUNNING, SUCCESSFUL = (TaskResultStatus.READY.value, TaskResultStatus.RUNNING.value,
                              TaskResultStatus.SUCCESSFUL.value)  # fmt: skip


class _TaskTable:
    """The task table's names and the two dialects' differences, for the
    worker's three statements."""

    # This worker's id appended to `worker_ids` when it claims a task, and
    # taken off again when a task goes back unrun: the list names the
    # workers that ran the task, as the library's does.
    APPEND_WORKER = {
        "postgresql": "{column} || jsonb_build_array(%s::text)",
        "sqlite": "json_insert({column}, '$[#]', %s)",
    }
    DROP_LAST_WORKER = {"postgresql": "{column} - -1", "sqlite": "json_remove({column}, '$[#-1]')"}
    # PostgreSQL workers skip each other's locked rows; on SQLite the claim
    # runs in the library's exclusive transaction, which locks the database.
    LOCK = {"postgresql": " FOR UPDATE SKIP LOCKED", "sqlite": ""}

    def __init__(self, connection: BaseDatabaseWrapper):
        if connection.vendor not in self.LOCK:
            raise NotImplementedError(f"Plea's task worker speaks PostgreSQL and SQLite, not {connection.vendor}")
        self.connection, self.vendor = connection, connection.vendor
        self.name = connection.ops.quote_name(DBTaskResult._meta.db_table)

    def __getitem__(self, field: str) -> str:
        return self.connection.ops.quote_name(DBTaskResult._meta.get_field(field).column)

    def prep(self, field: str, value: Any) -> Any:
        return DBTaskResult._meta.get_field(field).get_db_prep_value(value, self.connection)

    def order_by(self) -> str:
        """The model's ordering: priority, then run_after, then enqueued_at."""
        return ", ".join(
            f"{self[term.expression.name]} {'DESC' if term.descending else 'ASC'}"
            for term in DBTaskResult._meta.ordering
        )

    def in_order(self, tasks: Sequence[DBTaskResult]) -> list[DBTaskResult]:
        """RETURNING gives rows in no particular order: sort them as the claim chose them."""
        ordered = list(tasks)
        for term in reversed(DBTaskResult._meta.ordering):  # stable sorts, least significant key first
            ordered.sort(key=lambda task, name=term.expression.name: getattr(task, name), reverse=term.descending)
        return ordered


def _placeholders(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


class BatchWorker(Worker):
    def __init__(self, *, claim: int = DEFAULT_CLAIM, hold_seconds: float = 1.0, **options: Any):
        super().__init__(**options)
        self.claim_size = claim
        self.hold_seconds = hold_seconds
        self.using = router.db_for_write(DBTaskResult)

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # as the library: against a thundering herd

        while self.running:
            close_old_connections()  # dropped or expired connections, once per batch
            limit = self.claim_size
            if self.max_tasks is not None:
                limit = min(limit, self.max_tasks - self._run_tasks)

            # From the claim on, a signal no longer exits at once (Worker.shutdown):
            # the batch is finished or put back first.
            self.running_task = True
            try:
                try:
                    batch, retrieved = self.claim(limit), True
                except OperationalError as error:
                    if not is_locked_database_exception(error):
                        raise
                    batch, retrieved = [], False  # SQLite busy: try again after the interval
                self.run_batch(batch)
            finally:
                self.running_task = False

            if self.batch and retrieved and not batch:
                logger.info("No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info(
                    "Run maximum tasks (%d) on worker=%s - exiting gracefully.", self._run_tasks, self.worker_id
                )
                return
            if self.running and not batch:
                time.sleep(self.interval)

    def claim(self, limit: int) -> list[DBTaskResult]:
        """Marks up to `limit` ready tasks as running by this worker, in one
        statement, and returns them in the order to run them."""
        table = _TaskTable(connections[self.using])
        now = timezone.now()
        params = [RUNNING, table.prep("started_at", now), self.worker_id]
        # DBTaskResult.objects.ready() for this worker's backend and queues.
        ready = [f"{table['status']} = %s", f"{table['backend_name']} = %s",
                 f"({table['run_after']} = %s OR {table['run_after']} <= %s)"]  # fmt: skip
        params += [READY, self.backend_name, table.prep("run_after", get_date_max()), table.prep("run_after", now)]
        if not self.process_all_queues:
            ready.append(f"{table['queue_name']} IN ({_placeholders(self.queue_names)})")
            params += self.queue_names
        if self.excluded_queue_names:
            ready.append(f"NOT ({table['queue_name']} IN ({_placeholders(self.excluded_queue_names)}))")
            params += self.excluded_queue_names
        params.append(limit)
        columns = ", ".join(table[field.name] for field in DBTaskResult._meta.concrete_fields)
        sql = (
            f"UPDATE {table.name} SET {table['status']} = %s, {table['started_at']} = %s, "
            f"{table['worker_ids']} = {table.APPEND_WORKER[table.vendor].format(column=table['worker_ids'])} "
            f"WHERE {table['id']} IN (SELECT {table['id']} FROM {table.name} WHERE {' AND '.join(ready)} "
            f"ORDER BY {table.order_by()} LIMIT %s{table.LOCK[table.vendor]}) RETURNING {columns}"
        )
        with exclusive_transaction(self.using) if table.vendor == "sqlite" else nullcontext():
            return table.in_order(list(DBTaskResult.objects.using(self.using).raw(sql, params)))

    def run_batch(self, batch: list[DBTaskResult]) -> None:
        claimed_at = time.monotonic()
        succeeded: list[DBTaskResult] = []
        waiting = list(batch)
        try:
            while waiting and self.running:
                task = waiting.pop(0)
                if self.run_claimed(task):
                    succeeded.append(task)
                if waiting and time.monotonic() - claimed_at > self.hold_seconds:
                    break  # slow going: let other workers take the rest
        finally:
            try:
                self.record_successes(succeeded)
            finally:
                self.put_back(waiting)
        for task in succeeded:
            task_finished.send(sender=task.task.get_backend(), task_result=task.task_result)

    def run_claimed(self, db_task_result: DBTaskResult) -> bool:
        """Runs one claimed task as the library's Worker.run_task does. True
        when it succeeded without a return value: that success is written
        with the batch's, and its task_finished signal sent then, so that a
        listener can read the result it announces, as with the library."""
        try:
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()

            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                return_value = task.call(TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs)
            else:
                return_value = task.call(*task_result.args, **task_result.kwargs)

            if return_value is None:
                # What DBTaskResult.set_successful(None) writes, kept for record_successes.
                db_task_result.status = TaskResultStatus.SUCCESSFUL
                db_task_result.finished_at = timezone.now()
                db_task_result.return_value = None
                db_task_result.exception_class_path = db_task_result.traceback = ""
                return True
            db_task_result.set_successful(return_value)  # may fail to encode: then recorded as failed below
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
            return False
        except BaseException as error:
            db_task_result.set_failed(error)
            try:
                sender = type(db_task_result.task.get_backend())
                task_result = db_task_result.task_result
            except (ImportError, SuspiciousOperation):
                logger.exception("Task id=%s failed unexpectedly", db_task_result.id)
            else:
                task_finished.send(sender=sender, task_result=task_result)  # inside except: logged with exc_info
            return False
        finally:
            self._run_tasks += 1

    @retry()  # as the library's set_successful
    def record_successes(self, tasks: list[DBTaskResult]) -> None:
        """One UPDATE for the batch's successes, each with its own finish time."""
        if not tasks:
            return
        table = _TaskTable(connections[self.using])
        ids = [table.prep("id", task.pk) for task in tasks]
        finish_times = []
        for task_id, task in zip(ids, tasks, strict=True):
            finish_times += [task_id, table.prep("finished_at", task.finished_at)]
        with table.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table.name} SET {table['status']} = %s, {table['return_value']} = NULL, "
                f"{table['exception_class_path']} = '', {table['traceback']} = '', "
                f"{table['finished_at']} = CASE {table['id']} {' '.join(['WHEN %s THEN %s'] * len(tasks))} END "
                f"WHERE {table['id']} IN ({_placeholders(ids)})",
                [SUCCESSFUL, *finish_times, *ids],
            )

    def put_back(self, tasks: list[DBTaskResult]) -> None:
        """Claimed tasks this worker will not run go back to the queue as
        they were: ready, not started, without this worker's id."""
        if not tasks:
            return
        table = _TaskTable(connections[self.using])
        ids = [table.prep("id", task.pk) for task in tasks]
        with table.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table.name} SET {table['status']} = %s, {table['started_at']} = NULL, "
                f"{table['worker_ids']} = {table.DROP_LAST_WORKER[table.vendor].format(column=table['worker_ids'])} "
                f"WHERE {table['status']} = %s AND {table['id']} IN ({_placeholders(ids)})",
                [READY, RUNNING, *ids],
            )
        logger.info("Put %d claimed tasks back in the queue (worker_id=%s)", len(tasks), self.worker_id)
