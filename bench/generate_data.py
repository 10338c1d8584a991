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
On PostgreSQL rows go in with COPY; elsewhere with bulk_create.
"""

import contextlib
import datetime
import hashlib
import random
import time
from collections.abc import Iterator

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from cases.models import Case, CaseName, CaseNameWord, NameWord, Visibility
from cases.search_keys import key_words, name_search_key
from petitions import counting
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
        yield (
            petition_id, state, f"{choice(GIVEN)} {choice(FAMILY)}", email, email, email.rpartition("@")[2],
            choice(COUNTRIES), reason, random_() < 0.5, random_() < 0.3, hidden, reviewed, invalidated_at,
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
        started = time.monotonic()
        created = self.create_petitions(petitions)
        self.stdout.write(f"{len(created)} petitions in {time.monotonic() - started:.1f}s.")

        started = time.monotonic()
        plan = [(petition.pk, signatures if index == 0 else signatures_each) for index, petition in enumerate(created)]
        total = self.create_signatures(plan, rng=rng)
        ids = [petition.pk for petition in created]
        counting.repair(petition_ids=ids)
        self.analyse("petitions_petition", "petitions_signature")
        elapsed = time.monotonic() - started
        rate = total / elapsed if elapsed else 0
        self.stdout.write(f"{total} signatures in {elapsed:.1f}s ({rate:,.0f}/s), counts repaired.")

        if cases:
            started = time.monotonic()
            names = self.create_cases(cases, rng=random.Random(seed + 1))
            self.analyse(Case._meta.db_table, CaseName._meta.db_table, CaseNameWord._meta.db_table)
            self.stdout.write(f"{cases} cases with {names} spellings in {time.monotonic() - started:.1f}s.")

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
        with transaction.atomic():
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
        # cursor.cursor: psycopg's own cursor, which speaks COPY.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            yield copy

    def create_cases(self, count: int, *, rng: random.Random) -> int:
        """Cases, then their spellings; returns the number of spellings."""
        now = timezone.now()
        generated = list(case_rows(count, rng=rng, now=now))
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with self.copy(Case._meta.db_table, CASE_COLUMNS) as copy:
                    for row, _ in generated:
                        copy.write_row(row)
            else:
                Case.objects.bulk_create(
                    (Case(**dict(zip(CASE_COLUMNS, row, strict=True))) for row, _ in generated), batch_size=2000
                )
            ids = dict(Case.objects.filter(reference__startswith=CASE_PREFIX).values_list("reference", "pk"))
            names = [
                (ids[row[0]], text, script, system, preferred, name_search_key(text))
                for row, spellings in generated
                for text, script, system, preferred in spellings
            ]
            if connection.vendor == "postgresql":
                with self.copy(CaseName._meta.db_table, NAME_COLUMNS) as copy:
                    for name in names:
                        copy.write_row(name)
            else:
                CaseName.objects.bulk_create(
                    (CaseName(**dict(zip(NAME_COLUMNS, name, strict=True))) for name in names), batch_size=2000
                )
            self.index_spellings()
        return len(names)

    def index_spellings(self) -> None:
        """The public spellings' words for search, as CaseName's post_save
        records them one spelling at a time (CaseNameWord.objects.index)."""
        spellings = CaseName.objects.filter(case__reference__startswith=CASE_PREFIX, case__visibility=Visibility.PUBLIC)
        if connection.vendor != "postgresql":
            CaseNameWord.objects.index(spellings)
            return
        rows = [
            (pk, case_id, key_words(key))
            for pk, case_id, key in spellings.values_list("pk", "case_id", "search_key").iterator(chunk_size=10_000)
        ]
        word_ids = NameWord.objects.ids_for(word for _, _, words in rows for word in words)
        with self.copy(CaseNameWord._meta.db_table, NAME_WORD_COLUMNS) as copy:
            for pk, case_id, words in rows:
                for word in words:
                    copy.write_row((pk, word_ids[word], case_id))


def true_count(*, petition_id: int) -> int:
    """The count as the signatures say, for checking the stored one after a run."""
    return Signature.objects.filter(petition_id=petition_id).counted().count()


if __name__ == "__main__":
    import os
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    Command().run_from_argv(["manage.py", "generate_data", *sys.argv[1:]])
