from django.conf import settings
from django.core.management.base import BaseCommand

from petitions.retention import signer_data_wipe


class Command(BaseCommand):
    help = (
        "Erase signers' personal data on petitions closed longer ago than the retention period, and fraud "
        "signals older than PLEA_FRAUD_REVIEW_DAYS. Counts stay."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PLEA_SIGNER_DATA_RETENTION_DAYS,
            help="Retention after closing, in days (default: PLEA_SIGNER_DATA_RETENTION_DAYS).",
        )

    def handle(self, *args, days: int, **options):
        report = signer_data_wipe(days=days)
        self.stdout.write(
            f"{report.petitions} petition(s) past {days} days: {report.signatures_wiped} signature(s) wiped, "
            f"{report.unconfirmed_deleted} unconfirmed signature(s) deleted; "
            f"fraud signals cleared on {report.fraud_signals_cleared} signature(s)."
        )
