"""Bulk test data for benchmarks: petitions, signatures and (once the cases
app has its models) cases.

    manage.py generate_data --petitions 102 --signatures 1000000 --signatures-each 1000 --cases 100000

Petitions are open and named gen-00001, gen-00002, …; the first holds
--signatures, every other one --signatures-each. Signatures come in every
state (mostly confirmed), one per normalised address per petition, and the
stored counts are repaired from them afterwards so the count invariant holds.
On PostgreSQL signatures go in with COPY; elsewhere with bulk_create.
"""

import datetime
import random
import time
from collections.abc import Iterator

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from petitions import counting
from petitions.models import Petition, Signature

PREFIX = "gen-"
GIVEN = ["Amina", "Bilal", "Dilnur", "Erkin", "Gulnar", "Ilham", "Mihray", "Nursultan", "Rahile", "Sayragul",
         "Tursun", "Zumret", "Aigerim", "Chen", "Dana", "Elif", "Farida", "Hasan", "Li", "Olga"]  # fmt: skip
FAMILY = ["Abdullah", "Tohti", "Qurban", "Sadiq", "Yusuf", "Nur", "Omer", "Kadir", "Sauytbay", "Mamut",
          "Zhang", "Kaya", "Petrova", "Bekova", "Iskakov", "Rahman", "Ali", "Wang", "Ahmed", "Smith"]  # fmt: skip
COUNTRIES = ["PK", "KZ", "TR", "GB", "US", "DE", "KG", "UZ", "AU", "CA", "NL", "SE", "FR", "JP", ""]
REASONS = ["", "", "", "My uncle has been missing since 2017.", "Free them all.", "Because silence is complicity."]
# Out of 100 signatures: the rest are confirmed.
PENDING, WITHDRAWN, INVALIDATED = 6, 2, 1
COLUMNS = (
    "petition_id", "state", "full_name", "email", "email_key", "country", "reason", "show_publicly",
    "wants_updates", "hidden", "ip_hash", "language", "created_at", "confirmed_at", "withdrawn_at", "last_mailed_at",
)  # fmt: skip


def signature_rows(*, petition_id: int, count: int, start: datetime.datetime, rng: random.Random) -> Iterator[tuple]:
    """Rows in COLUMNS order, oldest first, a few seconds apart."""
    step = datetime.timedelta(seconds=1)
    for n in range(count):
        created = start + n * step
        roll = rng.randrange(100)
        if roll < WITHDRAWN:
            # As Signature.withdraw() leaves it: personal data gone, key freed.
            yield (petition_id, Signature.State.WITHDRAWN, "", "", None, "", "", False, False, False, "", "en",
                   created, created + step, created + 2 * step, created)  # fmt: skip
            continue
        email = f"signer{n}@gen.example.org"  # already normalised: the key is the address
        if roll < WITHDRAWN + PENDING:
            state, confirmed = Signature.State.PENDING, None
        elif roll < WITHDRAWN + PENDING + INVALIDATED:
            state, confirmed = Signature.State.INVALIDATED, created + step
        else:
            state, confirmed = Signature.State.CONFIRMED, created + step
        yield (
            petition_id, state, f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", email, email, rng.choice(COUNTRIES),
            rng.choice(REASONS), rng.random() < 0.5, rng.random() < 0.3, rng.random() < 0.01, "", "en",
            created, confirmed, None, created,
        )  # fmt: skip


class Command(BaseCommand):
    help = "Create bulk petitions, signatures and cases for benchmarks (petitions are named gen-NNNNN)."

    def add_arguments(self, parser):
        parser.add_argument("--petitions", type=int, default=1, help="Open petitions to create (default 1).")
        parser.add_argument("--signatures", type=int, default=0, help="Signatures on the first petition.")
        parser.add_argument("--signatures-each", type=int, default=0, help="Signatures on every other petition.")
        parser.add_argument("--cases", type=int, default=0, help="Cases, each with several name spellings.")
        parser.add_argument("--replace", action="store_true", help="Delete earlier gen-* petitions first.")
        parser.add_argument("--seed", type=int, default=6)

    def handle(self, *args, petitions: int, signatures: int, signatures_each: int, cases: int, replace: bool,
               seed: int, **options):  # fmt: skip
        if petitions < 1 and (signatures or signatures_each):
            raise CommandError("Signatures need at least one petition.")
        existing = Petition.objects.filter(slug__startswith=PREFIX)
        if existing.exists():
            if not replace:
                raise CommandError(f"Generated petitions ({PREFIX}*) exist already; pass --replace to recreate them.")
            started = time.monotonic()
            existing.delete()
            self.stdout.write(f"Deleted earlier generated data in {time.monotonic() - started:.1f}s.")

        rng = random.Random(seed)
        started = time.monotonic()
        created = self.create_petitions(petitions)
        self.stdout.write(f"{len(created)} petitions in {time.monotonic() - started:.1f}s.")

        started = time.monotonic()
        plan = [(petition.pk, signatures if index == 0 else signatures_each) for index, petition in enumerate(created)]
        total = self.create_signatures(plan, rng=rng)
        ids = [petition.pk for petition in created]
        counting.repair(petition_ids=ids)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE petitions_petition, petitions_signature")
        elapsed = time.monotonic() - started
        rate = total / elapsed if elapsed else 0
        self.stdout.write(f"{total} signatures in {elapsed:.1f}s ({rate:,.0f}/s), counts repaired.")

        self.create_cases(cases)

    def create_petitions(self, count: int) -> list[Petition]:
        now = timezone.now()
        petitions = [
            Petition(
                slug=f"{PREFIX}{n:05d}",
                title=f"Release the detained relatives, campaign {n}",
                summary="Generated for benchmarks.",
                addressed_to="The decision maker",
                organiser_name="Benchmark campaign",
                story=("Our relatives have not been heard from since 2017. **Ask for proof of life.**\n\n" * 8),
                status=Petition.Status.OPEN,
                opened_at=now - datetime.timedelta(days=30),
            )
            for n in range(1, count + 1)
        ]
        Petition.objects.bulk_create(petitions, batch_size=1000)
        return list(Petition.objects.filter(slug__startswith=PREFIX).order_by("slug"))

    def create_signatures(self, plan: list[tuple[int, int]], *, rng: random.Random) -> int:
        start = timezone.now() - datetime.timedelta(days=30)
        total = 0
        with transaction.atomic():
            if connection.vendor == "postgresql":
                table = Signature._meta.db_table
                # cursor.cursor: psycopg's own cursor, which speaks COPY.
                with (
                    connection.cursor() as cursor,
                    cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy,
                ):
                    for petition_id, count in plan:
                        for row in signature_rows(petition_id=petition_id, count=count, start=start, rng=rng):
                            copy.write_row(row)
                        total += count
            else:
                for petition_id, count in plan:
                    rows = signature_rows(petition_id=petition_id, count=count, start=start, rng=rng)
                    batch = [Signature(**dict(zip(COLUMNS, row, strict=True))) for row in rows]
                    Signature.objects.bulk_create(batch, batch_size=2000)
                    total += count
        return total

    def create_cases(self, count: int) -> None:
        if not count:
            return
        try:
            apps.get_model("cases", "Case")
        except LookupError:
            self.stdout.write(
                self.style.WARNING(f"Skipped {count} cases: the cases app has no Case model yet (pending its merge).")
            )
            return
        raise CommandError("The cases app now has models: teach generate_data to create cases (bench/README.md).")
