"""Finding people by name, as visitors and editors type it: every word typed,
in any order, in part, without accents, and on PostgreSQL as a near miss.

Each typed word is matched against the vocabulary of distinct words
(NameWord: hundreds to thousands of rows, where fuzzy matching is cheap, as
pg_trgm's documentation recommends), then people are found by those words'
ids in one index (CaseNameWord). Matching the spellings themselves read all
375,000 of them for a word in Cyrillic or Arabic script (bench/README.md,
"Case search (second pass)").

The vocabulary holds the words of public people's spellings only
(CaseNameWordQuerySet.index), and a word nobody public has runs the same
queries as any other: neither the results nor the work done tell a visitor
that a draft or internal case has that name. Editors search every case in
the admin, by spelling."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection, transaction

from cases.models import CaseNameWord, CaseQuerySet, NameWord
from cases.search_keys import key_words, name_search_key

# pg_trgm word similarity each word of a multi-word search must reach with a
# word of someone's spellings (single words keep pg_trgm's default, 0.6).
# Every word must match, so each may be more forgiving: "Bahaxi Sainke" finds
# "Bahaxi Sainike" ("sainke" scores 0.57 against "sainike").
FULL_NAME_WORD_SIMILARITY = 0.5
# A multi-word search hands up to this many people to the case query as a list.
SEARCH_IDS_LIMIT = 1000
# Stands for "no word matched" (ids start at 1), so that such a search runs
# the very queries a search that matched one word runs.
NO_WORD = 0


@contextlib.contextmanager
def word_similarity_threshold(threshold: float | None) -> Iterator[None]:
    """Run the queries inside with pg_trgm's word-similarity threshold at
    `threshold` (PostgreSQL only; None leaves it alone), then put the previous
    value back: inside an outer transaction a transaction-local setting would
    otherwise outlive them."""
    if threshold is None or connection.vendor != "postgresql":
        yield
        return
    setting = "pg_trgm.word_similarity_threshold"
    with transaction.atomic(), connection.cursor() as cursor:
        # The setting exists only once pg_trgm is loaded in this session (its
        # first use): missing_ok, and a plain RESET afterwards in that case.
        cursor.execute("SELECT current_setting(%s, true), set_config(%s, %s, true)", [setting, setting, str(threshold)])
        previous = cursor.fetchone()[0]
        try:
            yield
        finally:
            if previous:
                cursor.execute("SELECT set_config(%s, %s, true)", [setting, previous])
            else:
                cursor.execute("RESET pg_trgm.word_similarity_threshold")


def vocabulary_ids(words: list[str]) -> list[list[int]]:
    """For each typed word, the ids of the vocabulary words it matches, or
    [NO_WORD]: never an empty list, on which Django would skip the query."""
    with word_similarity_threshold(FULL_NAME_WORD_SIMILARITY if len(words) > 1 else None):
        # Ids, not a subquery: the planner then knows which words, and how
        # common each is, when it estimates how many people match.
        return [list(NameWord.objects.matching(word).values_list("pk", flat=True)) or [NO_WORD] for word in words]


def search_cases(cases: CaseQuerySet, query: str) -> CaseQuerySet:
    """The people among `cases` whose public spellings hold every word of
    `query`: each word as part of a word ("abdu" finds "Abdurehim"),
    ignoring case and accents, or on PostgreSQL as a near miss by trigram
    similarity ("Mailikemu Maimaiti" finds "Mailikemu Maimati")."""
    key = name_search_key(query)
    if not key:
        return cases
    found = None
    vocabularies = vocabulary_ids(key_words(key))
    for word_ids in vocabularies:
        uses = CaseNameWord.objects.filter(word__in=word_ids)
        if found is not None:
            uses = uses.filter(case__in=found)
        found = uses.values_list("case_id", flat=True)
    if len(vocabularies) > 1:
        # Two or more words pin a person down: a few hundred people at
        # most, fetched here as a list. Given the subquery instead, the
        # planner misjudged how many people share both words and walked
        # the cases in reference order with parallel workers, many times
        # slower than the list (figures in bench/README.md).
        # Rows are spellings, a few per person. Not DISTINCT, so that the
        # LIMIT stops the query early when nearly everyone matches ("a b").
        spellings = list(found[: 4 * SEARCH_IDS_LIMIT])
        people = set(spellings)
        if len(spellings) < 4 * SEARCH_IDS_LIMIT and len(people) <= SEARCH_IDS_LIMIT:
            return cases.filter(pk__in=people)
    return cases.filter(pk__in=found)
