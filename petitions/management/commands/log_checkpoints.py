import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from petitions import transparency


class Command(BaseCommand):
    help = (
        "Sign a checkpoint of every petition's transparency log that grew: once, or with --loop every "
        "PLEA_LOG_CHECKPOINT_SECONDS (run it beside the task worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep signing, one pass every few seconds.")

    def handle(self, *args, loop: bool = False, **options):
        while True:
            made = transparency.make_checkpoints()
            for checkpoint in made:
                self.stdout.write(f"{checkpoint.origin}: {checkpoint.size} entries, count {checkpoint.count}")
            if not loop:
                if not made:
                    self.stdout.write("No log grew.")
                return
            close_old_connections()
            time.sleep(settings.PLEA_LOG_CHECKPOINT_SECONDS)
