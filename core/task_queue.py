"""Queueing a task in django_tasks_db's table with one written-out INSERT.

`Task.enqueue()` on the database backend builds a `DBTaskResult` through
the ORM, then a `TaskResult` from it (importing and validating the task
again) only to send `task_enqueued`. On the sign POST that was about a fifth
of the request's Python for one small INSERT. `enqueue_row` writes the very
row `DatabaseBackend.enqueue` would (same columns, JSON arguments, priority,
queue, backend, status, run_after, enqueued_at) and nothing else; the
worker cannot tell the two apart (tests/core/test_task_queue.py runs it on
one). What it skips: the `task_enqueued` signal, whose only receiver is
Django's DEBUG log line.

Only for the database backend; any other backend is the caller's business
(`is_database_queue`).
"""

import uuid
from typing import Any, cast

from django.db import connections, router
from django.db.models import Field
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus, normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

_FIELDS = ("id", "status", "args_kwargs", "priority", "task_path", "queue_name", "backend_name", "run_after",
           "enqueued_at", "worker_ids", "return_value", "exception_class_path", "traceback")  # fmt: skip


def is_database_queue(task) -> bool:
    return isinstance(task.get_backend(), DatabaseBackend)


def insert_parts(
    task, *, kwargs: dict[str, Any], connection, now=None, expressions: dict[str, str] | None = None
) -> tuple[str, str, list[Any]]:
    """The INSERT's head (table and columns), its values as a SELECT list of
    placeholders, and their parameters prepared for `connection`. A column in
    `expressions` takes that SQL instead of a parameter: signing's CTE puts
    the new signature's id into `args_kwargs` so (petitions/signing.py)."""
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        raise TypeError(f"{task.module_path} is not queued in the database")
    backend.validate_task(task)
    expressions = expressions or {}
    values = {
        # The library's default id unless `id_function` says otherwise.
        "id": backend._get_id() if backend.options.get("id_function") else uuid.uuid4(),
        "status": TaskResultStatus.READY.value,
        "args_kwargs": normalize_json({"args": [], "kwargs": kwargs}),
        "priority": task.priority,
        "task_path": task.module_path,
        "queue_name": task.queue_name,
        "backend_name": backend.alias,
        # django_tasks_db's pre_save handler stores "no time" as its far date.
        "run_after": task.run_after if task.run_after is not None else get_date_max(),
        "enqueued_at": now or timezone.now(),
        "worker_ids": [],
        "return_value": None,
        "exception_class_path": "",
        "traceback": "",
    }
    meta = DBTaskResult._meta
    quote = connection.ops.quote_name
    # Concrete columns, never reverse relations.
    fields = [cast(Field, meta.get_field(name)) for name in _FIELDS]
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)})"
    select = ", ".join(expressions.get(field.name, "%s") for field in fields)
    params = [
        field.get_db_prep_save(values[field.name], connection) for field in fields if field.name not in expressions
    ]
    return head, select, params


def enqueue_row(task, *, kwargs: dict[str, Any], now=None) -> None:
    """Queue `task` with `kwargs` in the database, as `task.enqueue(**kwargs)` does."""
    connection = connections[router.db_for_write(DBTaskResult)]
    head, select, params = insert_parts(task, kwargs=kwargs, connection=connection, now=now)
    with connection.cursor() as cursor:
        cursor.execute(f"{head} VALUES ({select})", params)
