"""`manage.py db_worker`, shadowing django_tasks_db's command of the same
name (core comes before django_tasks_db in INSTALLED_APPS): the same options,
plus --claim, and the batch-claiming worker of core.task_worker. Every
existing way of starting the worker (service files, bench, docs) gets it."""

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from core.task_worker import DEFAULT_CLAIM, BatchWorker


class Command(db_worker.Command):
    help = "Run a database background worker that claims ready tasks a batch at a time"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--claim",
            default=DEFAULT_CLAIM,
            type=db_worker.valid_max_tasks,
            help="How many ready tasks to claim at once; a worker killed outright leaves its claimed batch "
            "in RUNNING (default: %(default)r)",
        )

    def handle(  # type: ignore[override]  # adds --claim; the parent's stub types **options as dicts
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        claim: int,
        **options: Any,
    ) -> None:
        # As the library's handle(), with BatchWorker.
        self.configure_logging(verbosity)
        if reload and batch:
            db_worker.logger.warning(
                "Warning: --reload and --batch cannot be specified together. Disabling autoreload."
            )
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")

        worker = BatchWorker(
            claim=claim,
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process, as the library does
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
