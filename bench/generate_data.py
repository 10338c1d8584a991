"""Bulk test data for benchmarks: petitions, signatures and cases.

    python -m bench.generate_data --petitions 102 --signatures 1000000 --signatures-each 1000 --cases 100000

(from code: call_command(bench.generate_data.Command(), petitions=...)).

Petitions are open and named gen-00001, gen-00002, …; the first holds
--signatures, every other one --signatures-each. Signatures come in every
state (mostly confirmed), one per normalised address per petition, and the
stored counts are repaired from them afterwards so the count invariant holds.
Cases (references gen-case-NNNNNN) are people with three or four spellings of
their name each: Uyghur Latin, Chinese pinyin, Cyrillic and mostly Uyghur
Arabic script, with search keys made by cases.search_keys.name_search_key
and their words recorded for search as CaseName's post_save would.
On PostgreSQL rows go in with binary COPY into tables whose indexes and
foreign keys are built again once at the end, all in one transaction;
elsewhere with bulk_create. Each phase's time is printed.
"""

import contextlib
import datetime
import hashlib
import itertools
import random
import time
from collections.abc import Iterator

import django

if __name__ == "__main__":
    # Run as a script, this module is imported before Django is set up, and
    # the models below need it set up.
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from cases.models import Case, CaseName, CaseNameWord, NameWord, Visibility
from cases.search_keys import key_words, name_search_key
from core.encryption import seal
from petitions import counting
from petitions.email_keys import keyed
from petitions.models import Petition, Signature

PREFIX = "gen-"
CASE_PREFIX = "gen-case-"
# Signers' names: enough of each that a full-name search finds a handful of
# people in a million, as it would on a real petition, not thousands.
GIVEN = ["Amina", "Bilal", "Dilnur", "Erkin", "Gulnar", "Ilham", "Mihray", "Nursultan", "Rahile", "Sayragul",
         "Tursun", "Zumret", "Aigerim", "Chen", "Dana", "Elif", "Farida", "Hasan", "Li", "Olga", "Adil", "Aziza",
         "Bakhyt", "Daniyar", "Emma", "Fatima", "Gulbahar", "Hannah", "Ibrahim", "Jamal", "Kamila", "Laila",
         "Madina", "Nadia", "Omar", "Perhat", "Qasim", "Ruslan", "Saule", "Timur", "Umida", "Vera", "Yusuf",
         "Zarina", "Arman", "Beatrice", "Carlos", "Dina", "Ece", "Feruza"]  # fmt: skip
FAMILY = ["Abdullah", "Tohti", "Qurban", "Sadiq", "Yusuf", "Nur", "Omer", "Kadir", "Sauytbay", "Mamut",
          "Zhang", "Kaya", "Petrova", "Bekova", "Iskakov", "Rahman", "Ali", "Wang", "Ahmed", "Smith", "Abliz",
          "Dawut", "Ekber", "Halmurat", "Imin", "Jappar", "Kerim", "Litip", "Muhemmet", "Niyaz", "Osman",
          "Pazil", "Rozi", "Semet", "Turdi", "Ubul", "Wahid", "Yasin", "Zunun", "Nurlanov", "Seitkali",
          "Toktarov", "Ozturk", "Yilmaz", "Demir", "Schmidt", "Jansen", "Larsen", "Brown", "Khan"]  # fmt: skip
COUNTRIES = ["PK", "KZ", "TR", "GB", "US", "DE", "KG", "UZ", "AU", "CA", "NL", "SE", "FR", "JP", ""]
# Domains as signers use them; the organisers' list filters and moderates by domain.
DOMAINS = ["gmail.com"] * 8 + ["outlook.com"] * 3 + ["yahoo.com"] * 2 + [
    "mail.ru", "proton.me", "icloud.com", "yandex.kz", "gmx.de", "hotmail.co.uk", "qq.com", "web.de",
    "uyghur-diaspora.example.org", "atajurt.example.kz",
]  # fmt: skip
REASONS = ["", "", "", "My uncle has been missing since 2017.", "Free them all.", "Because silence is complicity."]
# Out of 100 signatures: the rest are confirmed.
PENDING, WITHDRAWN, INVALIDATED = 6, 2, 1
COLUMNS = (
    "petition_id", "state", "full_name", "email", "email_key", "email_domain", "country", "reason",
    "show_publicly", "wants_updates", "hidden", "reviewed_at", "invalidated_at", "invalidation_reason",
    "ip_hash", "language", "created_at", "confirmed_at", "withdrawn_at", "last_mailed_at",
)  # fmt: skip


def check_columns(model: type[models.Model], columns: tuple[str, ...]) -> None:
    """Fail loudly when the model gains a NOT NULL column the generator does
    not fill (COPY would refuse it halfway through, after minutes of work)."""
    required = {
        field.column
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.null and not field.has_db_default()
    }
    missing = required - set(columns)
    if missing:
        raise CommandError(
            f"generate_data does not fill {model.__name__}'s NOT NULL column(s) {sorted(missing)}: add them."
        )


def signature_rows(*, petition_id: int, count: int, start: datetime.datetime, rng: random.Random) -> Iterator[tuple]:
    """Rows in COLUMNS order, oldest first, a second apart."""
    step = datetime.timedelta(seconds=1)
    # A few hundred networks per petition: the fraud signals group by IP hash.
    networks = [hashlib.sha256(f"{petition_id}-{n}".encode()).hexdigest() for n in range(500)]
    choice, randrange, random_ = rng.choice, rng.randrange, rng.random
    confirmed_state, pending_state = Signature.State.CONFIRMED, Signature.State.PENDING
    # Stored as the site stores it (Signature.email): sealed while mail needs
    # it, else erased. A pool of sealed addresses, as sealing every row would
    # cost more than the rest of the generator; the keys stay unique.
    sealed = [seal(f"pool{n}@{DOMAINS[n % len(DOMAINS)]}") for n in range(64)]
    for n in range(count):
        created = start + n * step
        roll = randrange(100)
        if roll < WITHDRAWN:
            # As Signature.withdraw() leaves it: personal data gone, key freed.
            yield (petition_id, Signature.State.WITHDRAWN, "", "", None, "", "", "", False, False, False, None, None,
                   "", "", "en", created, created + step, created + 2 * step, created)  # fmt: skip
            continue
        # Already normalised (no dots, tags or capitals): the key is the address.
        email = f"signer{n}@{choice(DOMAINS)}"
        invalidated_at, invalidation_reason = None, ""
        if roll < WITHDRAWN + PENDING:
            state, confirmed = pending_state, None
        elif roll < WITHDRAWN + PENDING + INVALIDATED:
            state, confirmed = Signature.State.INVALIDATED, created + step
            invalidated_at, invalidation_reason = created + 60 * step, choice(("spam", "fraud"))
        else:
            state, confirmed = confirmed_state, created + step
        hidden = random_() < 0.01
        reason = choice(REASONS)
        reviewed = created + 3600 * step if hidden or (reason and random_() < 0.5) else None
        public, updates = random_() < 0.5, random_() < 0.3
        kept = sealed[n % len(sealed)] if state == pending_state or updates else ""
        yield (
            petition_id, state, f"{choice(GIVEN)} {choice(FAMILY)}", kept, keyed(email), email.rpartition("@")[2],
            choice(COUNTRIES), reason, public, updates, hidden, reviewed, invalidated_at,
            invalidation_reason, choice(networks), "en", created, confirmed, None, created,
        )  # fmt: skip


# --- cases ----------------------------------------------------------------------

# Name parts as sources spell them: Uyghur Latin, Chinese pinyin (as Chinese
# documents render Uyghur names), Cyrillic, Uyghur Arabic script.
NAME_PARTS = [
    ("Memet", "Maimaiti", "Мәмәт", "مەمەت"), ("Abdurehim", "Abudureyimu", "Абдурехим", "ئابدۇرېھىم"),
    ("Mihrigul", "Mihereguli", "Меһригүл", "مېھرىگۈل"), ("Gulnisa", "Gulinisha", "Гүлниса", "گۈلنىسا"),
    ("Abdulla", "Abudula", "Абдулла", "ئابدۇللا"), ("Ilham", "Yilihamu", "Илһам", "ئىلھام"),
    ("Tursun", "Tuerxun", "Турсун", "تۇرسۇن"), ("Rahile", "Reyila", "Раһилә", "راھىلە"),
    ("Erkin", "Aierken", "Әркин", "ئەركىن"), ("Nurmemet", "Nuermaimaiti", "Нурмәмәт", "نۇرمەمەت"),
    ("Ablikim", "Abulikemu", "Абликим", "ئابلىكىم"), ("Ehmet", "Aihemaiti", "Әһмәт", "ئەھمەت"),
    ("Eli", "Aili", "Әли", "ئەلى"), ("Hesen", "Hasan", "Һәсән", "ھەسەن"),
    ("Zulpiye", "Zulipiye", "Зулпийә", "زۇلپىيە"), ("Patigul", "Patiguli", "Патигүл", "پاتىگۈل"),
    ("Yusup", "Yusufu", "Юсуп", "يۇسۇپ"), ("Qurban", "Kuerban", "Қурбан", "قۇربان"),
    ("Rozi", "Rouzi", "Рози", "روزى"), ("Sadir", "Sadier", "Садир", "سادىر"),
    ("Tohti", "Tuohuti", "Тохти", "توختى"), ("Ömer", "Aomaier", "Өмәр", "ئۆمەر"),
    ("Adil", "Adili", "Адил", "ئادىل"), ("Obulqasim", "Aobulikasimu", "Обулқасим", "ئوبۇلقاسىم"),
    ("Perhat", "Paerhati", "Пәрһат", "پەرھات"), ("Dilnur", "Dilinuer", "Дилнур", "دىلنۇر"),
    ("Gülshen", "Gulixian", "Гүлшән", "گۈلشەن"), ("Halmurat", "Halimulati", "Һалмурат", "ھالمۇرات"),
    ("Hoshur", "Huoxiuer", "Һошур", "ھوشۇر"), ("Kérim", "Kelimu", "Керим", "كېرىم"),
    ("Nijat", "Nijiati", "Ниҗат", "نىجات"), ("Rehman", "Reheman", "Рәһман", "رەھمان"),
    ("Sawut", "Sawuti", "Савут", "ساۋۇت"), ("Tahir", "Tahier", "Таһир", "تاھىر"),
    ("Wahit", "Wahiti", "Ваһит", "ۋاھىت"), ("Yasin", "Yasen", "Ясин", "ياسىن"),
    ("Zordun", "Zuerdong", "Зордун", "زوردۇن"), ("Ghappar", "Gapaer", "Ғаппар", "غاپپار"),
    ("Muhter", "Mutaer", "Мухтәр", "مۇختەر"), ("Buzeynep", "Buzainafu", "Бузәйнәп", "بۇزەينەپ"),
    ("Ayshem", "Ayixianmu", "Айшәм", "ئايشەم"), ("Nurgul", "Nuerguli", "Нургүл", "نۇرگۈل"),
    ("Parida", "Palida", "Парида", "پارىدە"), ("Shérip", "Xierepu", "Шерип", "شېرىپ"),
    ("Imin", "Yimin", "Имин", "ئىمىن"), ("Ismayil", "Yisimayi", "Исмайил", "ئىسمايىل"),
    ("Sayragul", "Sailaguli", "Сайрагүл", "سايراگۈل"), ("Qelbinur", "Kalibinuer", "Қәлбинур", "قەلبىنۇر"),
]  # fmt: skip
PREFECTURES = ["Kashgar", "Hotan", "Aksu", "Ili", "Ürümqi", "Turpan", "Kumul", "Altay", "Tarbagatay", "Bortala",
               "Changji", "Kizilsu", "Bayingolin", "Karamay"]  # fmt: skip
CASE_COUNTRIES = ["KZ", "TR", "US", "DE", "NL", "AU", "CA", "GB", "SE", "KG", "JP", "", "", ""]
# (value, weight): roughly as the Xinjiang Victims Database's records fall.
STATUSES = [("camp", 40), ("detained", 20), ("sentenced", 15), ("incommunicado", 8), ("released", 8),
            ("barred", 4), ("deceased", 2), ("unknown", 3)]  # fmt: skip
ETHNICITIES = [("uyghur", 80), ("kazakh", 12), ("kyrgyz", 3), ("hui", 2), ("uzbek", 1), ("unknown", 2)]
CASE_COLUMNS = (
    "reference", "name_unknown", "unnamed_description", "gender", "ethnicity", "birth_year", "hometown_prefecture",
    "hometown_county", "hometown_place", "family_country", "status", "status_as_of", "summary", "language",
    "visibility", "internal_notes", "submitted_at", "approved_at", "created_at", "updated_at",
)  # fmt: skip
NAME_COLUMNS = ("case_id", "text", "script", "system", "preferred", "search_key")
NAME_WORD_COLUMNS = ("name_id", "word_id", "case_id")
# Cases generated, copied and linked at a time: memory stays flat whatever --cases says.
CASE_CHUNK = 10_000
# Out of 100 cases: the rest are public (submitted and approved).
INTERNAL_CASES = 2


def _weighted(options: list[tuple[str, int]]) -> list[str]:
    return [value for value, weight in options for _ in range(weight)]


def case_rows(count: int, *, rng: random.Random, now: datetime.datetime) -> Iterator[tuple[tuple, list[tuple]]]:
    """(case row in CASE_COLUMNS order, [(text, script, system, preferred), …]) per case."""
    statuses, ethnicities = _weighted(STATUSES), _weighted(ETHNICITIES)
    S, N = CaseName.Script, CaseName.System
    for n in range(1, count + 1):
        # Uyghur names: given name and father's name, often the grandfather's too.
        parts = [rng.choice(NAME_PARTS) for _ in range(3 if rng.random() < 0.5 else 2)]
        ethnicity = rng.choice(ethnicities)
        spellings = [
            (" ".join(p[0] for p in parts), S.LATIN, N.UYGHUR_LATIN, True),
            (" ".join(p[1] for p in parts), S.LATIN, N.PINYIN, False),
            (" ".join(p[2] for p in parts), S.CYRILLIC,
             N.KAZAKH_CYRILLIC if ethnicity == "kazakh" else N.OTHER, False),
        ]  # fmt: skip
        if rng.random() < 0.75:
            spellings.append((" ".join(p[3] for p in parts), S.ARABIC, N.UYGHUR_ARABIC, False))
        public = rng.randrange(100) >= INTERNAL_CASES
        approved = now - datetime.timedelta(days=rng.randrange(1, 900))
        row = (
            f"{CASE_PREFIX}{n:06d}", False, "", rng.choice(("female", "male", "male", "unknown")), ethnicity,
            rng.randrange(1940, 2005) if rng.random() < 0.7 else None, rng.choice(PREFECTURES), "", "",
            rng.choice(CASE_COUNTRIES), rng.choice(statuses), (approved - datetime.timedelta(days=30)).date(),
            "Generated for benchmarks. Detained in 2018; the family has had no news since.", "en",
            Visibility.PUBLIC if public else Visibility.INTERNAL, "", approved - datetime.timedelta(days=1) if public
            else None, approved if public else None, now, now,
        )  # fmt: skip
        yield row, spellings


class Command(BaseCommand):
    help = "Create bulk petitions, signatures and cases for benchmarks (petitions are named gen-NNNNN)."

    def add_arguments(self, parser):
        parser.add_argument("--petitions", type=int, default=1, help="Open petitions to create (default 1).")
        parser.add_argument("--signatures", type=int, default=0, help="Signatures on the first petition.")
        parser.add_argument("--signatures-each", type=int, default=0, help="Signatures on every other petition.")
        parser.add_argument("--cases", type=int, default=0, help="Cases, each with several name spellings.")
        parser.add_argument("--replace", action="store_true", help="Delete earlier gen-* petitions and cases first.")
        parser.add_argument("--seed", type=int, default=6)

    def handle(self, *args, petitions: int, signatures: int, signatures_each: int, cases: int, replace: bool,
               seed: int, **options):  # fmt: skip
        if petitions < 1 and (signatures or signatures_each):
            raise CommandError("Signatures need at least one petition.")
        check_columns(Signature, COLUMNS)
        check_columns(Case, CASE_COLUMNS)
        check_columns(CaseName, NAME_COLUMNS)
        check_columns(CaseNameWord, NAME_WORD_COLUMNS)
        existing = Petition.objects.filter(slug__startswith=PREFIX)
        existing_cases = Case.objects.filter(reference__startswith=CASE_PREFIX)
        if existing.exists() or (cases and existing_cases.exists()):
            if not replace:
                raise CommandError("Generated petitions or cases (gen-*) exist already; pass --replace.")
            started = time.monotonic()
            existing.delete()
            existing_cases.delete()
            self.stdout.write(f"Deleted earlier generated data in {time.monotonic() - started:.1f}s.")

        rng = random.Random(seed)
        tables = [Signature._meta.db_table] if petitions else []
        if cases:
            tables += [Case._meta.db_table, CaseName._meta.db_table, CaseNameWord._meta.db_table]
        # One transaction: a failure leaves no data and every index as it was.
        with transaction.atomic(), self.without_secondary_indexes(tables):
            started = time.monotonic()
            created = self.create_petitions(petitions)
            self.phase(f"{len(created)} petitions", started)
            plan = [(petition.pk, signatures if n == 0 else signatures_each) for n, petition in enumerate(created)]
            started = time.monotonic()
            total = self.create_signatures(plan, rng=rng)
            rate = total / (time.monotonic() - started) if total else 0
            self.phase(f"{total} signatures", started, f" ({rate:,.0f}/s)")
            if cases:
                started = time.monotonic()
                names = self.create_cases(cases, rng=random.Random(seed + 1))
                self.phase(f"{cases} cases with {names} spellings", started)
            started = time.monotonic()
        if tables and connection.vendor == "postgresql":
            self.phase("indexes and foreign keys rebuilt", started)
        started = time.monotonic()
        counting.repair(petition_ids=[petition.pk for petition in created])
        self.phase("counts repaired", started)
        started = time.monotonic()
        self.analyse(Petition._meta.db_table, *tables)
        self.phase("VACUUM (ANALYZE)", started)

    def phase(self, what: str, started: float, extra: str = "") -> None:
        self.stdout.write(f"{what} in {time.monotonic() - started:.1f}s{extra}.")

    @contextlib.contextmanager
    def without_secondary_indexes(self, tables: list[str]):
        """On PostgreSQL, drop the tables' indexes (all but primary keys),
        unique constraints and foreign keys, and build them again at the end:
        building an index once from all its rows is far cheaper than
        inserting every row into it, and a foreign key added to a full table
        is checked by one join instead of a deferred trigger per row. Must run
        inside the loading transaction, so that a failure rolls the drops
        back too; the tables stay locked against every other session until
        it commits."""
        if connection.vendor != "postgresql" or not tables:
            yield
            return
        with connection.cursor() as cursor:
            # Foreign keys before the unique constraints they might rely on;
            # built again in the opposite order.
            cursor.execute(
                """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype""",
                [tables],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
                   WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT EXISTS (
                       SELECT FROM pg_constraint WHERE conindid = indexrelid AND conrelid = indrelid)""",
                [tables],
            )
            indexes = cursor.fetchall()
            for table, name, _ in constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {name}")
        yield
        with connection.cursor() as cursor:
            # Sorts for the index builds in memory rather than on disk.
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in reversed(constraints):
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')

    def analyse(self, *tables: str) -> None:
        """Statistics for the planner and, with VACUUM, the visibility map that
        index-only scans need: what autovacuum would have done by the time a
        real table had grown this big."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f"VACUUM (ANALYZE) {table}")

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
        if connection.vendor == "postgresql":
            with self.copy(Signature._meta.db_table, COLUMNS) as copy:
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

    @contextlib.contextmanager
    def copy(self, table: str, columns: tuple[str, ...]):
        """COPY in binary: neither side formats or parses text. Binary needs
        each column's type up front, read here from the table itself."""
        # cursor.cursor: psycopg's own cursor, which speaks COPY.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
                [table],
            )
            types = dict(cursor.fetchall())
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types([types[column] for column in columns])
                yield copy

    def create_cases(self, count: int, *, rng: random.Random) -> int:
        """Cases, then their spellings; returns the number of spellings."""
        now = timezone.now()
        rows = case_rows(count, rng=rng, now=now)
        if connection.vendor != "postgresql":
            return self.create_cases_elsewhere(list(rows))
        names = 0
        word_ids: dict[str, int] = {}
        while chunk := list(itertools.islice(rows, CASE_CHUNK)):
            names += self.copy_cases(chunk, word_ids=word_ids)
        return names

    def copy_cases(self, chunk: list[tuple[tuple, list[tuple]]], *, word_ids: dict[str, int]) -> int:
        """One chunk of cases with their spellings and, for public cases,
        the spellings' words (as CaseNameWord.objects.index records them),
        ids drawn from the tables' sequences beforehand so that nothing has
        to be read back to link the rows."""
        case_ids = self.reserve_ids(Case._meta.db_table, len(chunk))
        name_ids = iter(self.reserve_ids(CaseName._meta.db_table, sum(len(spellings) for _, spellings in chunk)))
        public = Visibility.PUBLIC
        visibility = CASE_COLUMNS.index("visibility")
        names, words = [], []
        for case_id, (row, spellings) in zip(case_ids, chunk, strict=True):
            for text, script, system, preferred in spellings:
                name_id, key = next(name_ids), name_search_key(text)
                names.append((name_id, case_id, text, script, system, preferred, key))
                if row[visibility] == public:
                    words += [(name_id, word, case_id) for word in key_words(key)]
        word_ids.update(NameWord.objects.ids_for({word for _, word, _ in words} - word_ids.keys()))
        with self.copy(Case._meta.db_table, ("id", *CASE_COLUMNS)) as copy:
            for case_id, (row, _) in zip(case_ids, chunk, strict=True):
                copy.write_row((case_id, *row))
        with self.copy(CaseName._meta.db_table, ("id", *NAME_COLUMNS)) as copy:
            for name in names:
                copy.write_row(name)
        with self.copy(CaseNameWord._meta.db_table, NAME_WORD_COLUMNS) as copy:
            for name_id, word, case_id in words:
                copy.write_row((name_id, word_ids[word], case_id))
        return len(names)

    def reserve_ids(self, table: str, count: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [pk for (pk,) in cursor.fetchall()]

    def create_cases_elsewhere(self, generated: list[tuple[tuple, list[tuple]]]) -> int:
        Case.objects.bulk_create(
            (Case(**dict(zip(CASE_COLUMNS, row, strict=True))) for row, _ in generated), batch_size=2000
        )
        ids = dict(Case.objects.filter(reference__startswith=CASE_PREFIX).values_list("reference", "pk"))
        names = [
            CaseName(**dict(zip(NAME_COLUMNS, (ids[row[0]], text, script, system, preferred, name_search_key(text)),
                                strict=True)))
            for row, spellings in generated
            for text, script, system, preferred in spellings
        ]  # fmt: skip
        CaseName.objects.bulk_create(names, batch_size=2000)
        # As CaseName's post_save records them one spelling at a time.
        CaseNameWord.objects.index(
            CaseName.objects.filter(case__reference__startswith=CASE_PREFIX, case__visibility=Visibility.PUBLIC)
        )
        return len(names)


def true_count(*, petition_id: int) -> int:
    """The count as the signatures say, for checking the stored one after a run."""
    return Signature.objects.filter(petition_id=petition_id).counted().count()


if __name__ == "__main__":
    import sys

    Command().run_from_argv(["manage.py", "generate_data", *sys.argv[1:]])
