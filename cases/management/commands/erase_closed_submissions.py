from django.conf import settings
from django.core.management.base import BaseCommand

from cases.intake import closed_submissions_erase


class Command(BaseCommand):
    help = "Erase submissions closed longer ago than the retention period, with their files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PLEA_CLOSED_SUBMISSION_RETENTION_DAYS,
            help="Retention after closing, in days (default: PLEA_CLOSED_SUBMISSION_RETENTION_DAYS).",
        )

    def handle(self, *args, days: int, **options):
        erased = closed_submissions_erase(days=days)
        self.stdout.write(f"{erased} closed submission(s) older than {days} days erased.")
