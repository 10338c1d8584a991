from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from petitions import counting, transparency


class Command(BaseCommand):
    help = (
        "Check every petition's public count against its confirmed signatures, and its paper total against "
        "its paper batches; repair any that differ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only report mismatches; exit with an error if there are any."
        )

    def handle(self, *args, check: bool = False, **options):
        mismatches = counting.find_mismatches()
        for mismatch in mismatches:
            self.stdout.write(f"{mismatch.slug}: stored {mismatch.stored}, confirmed signatures {mismatch.actual}")
        paper = counting.find_paper_mismatches()
        for mismatch in paper:
            self.stdout.write(f"{mismatch.slug}: paper total {mismatch.stored}, sum of paper batches {mismatch.actual}")
        if not mismatches and not paper:
            self.stdout.write(self.style.SUCCESS("All counts are exact."))
            return
        if check:
            raise CommandError(f"{len(mismatches) + len(paper)} petition count(s) differ from their records.")
        with transaction.atomic():
            counting.repair(petition_ids=[mismatch.petition_id for mismatch in mismatches])
            counting.repair_paper(petition_ids=[mismatch.petition_id for mismatch in paper])
            # The log is append-only: it is brought in line by correcting entries.
            for petition_id in sorted({m.petition_id for m in [*mismatches, *paper]}):
                transparency.reconcile(petition_id=petition_id)
        self.stdout.write(self.style.SUCCESS(f"Repaired {len(mismatches) + len(paper)} petition count(s)."))
