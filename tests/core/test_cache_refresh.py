"""The two cache moves every cached thing makes: forget now and again on
commit, and rebuild under a lock so that a crowd costs one rebuild."""

import threading

import pytest
from django.core.cache import cache
from django.db import transaction

from core.cache_refresh import forget_now_and_on_commit, rebuilt_under_lock

KEY = "test:cache-refresh"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("ending", "left_after"),
    [
        # A page rendered from the old rows while the change was open is forgotten once it commits.
        ("commit", None),
        # Nothing changed after all: what was rendered meanwhile was right, and stays.
        ("rollback", "rendered meanwhile"),
    ],
)
def test_forgotten_now_and_again_when_the_change_commits(ending, left_after):
    cache.set(KEY, "old page")
    try:
        with transaction.atomic():
            forget_now_and_on_commit(KEY)
            assert cache.get(KEY) is None, "forgotten at once"
            cache.set(KEY, "rendered meanwhile")  # another request, which cannot see the change yet
            if ending == "rollback":
                raise Rollback
    except Rollback:
        pass

    assert cache.get(KEY) == left_after


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_is_forgotten_at_once():
    cache.set_many({KEY: "a", f"{KEY}:2": "b", "other": "c"})

    forget_now_and_on_commit(KEY, f"{KEY}:2")

    assert cache.get_many([KEY, f"{KEY}:2", "other"]) == {"other": "c"}


def race(*, stale=None, wait_seconds=0.0):
    """Two callers: the first is building when the second asks. Returns
    (what each got, how many builds ran)."""
    building, release = threading.Event(), threading.Event()
    builds = []

    def build():
        builds.append(1)
        number = len(builds)
        if number == 1:  # the first builder is slow: the second caller comes meanwhile
            building.set()
            release.wait(5)
        return f"built {number}"

    got = {}

    def first():
        got["first"] = rebuilt_under_lock(KEY, build=build, timeout=60, lock_seconds=10, stale=stale)

    thread = threading.Thread(target=first)
    thread.start()
    assert building.wait(5)
    if wait_seconds:
        threading.Timer(0.2, release.set).start()  # the builder finishes while the second waits
    second = rebuilt_under_lock(KEY, build=build, timeout=60, lock_seconds=10, stale=stale, wait_seconds=wait_seconds)
    release.set()
    thread.join(5)
    return (got["first"], second), len(builds)


@pytest.mark.parametrize(
    ("stale", "wait_seconds", "answers", "builds"),
    [
        # A stale tally is served while one request counts.
        ("the previous tally", 0.0, ("built 1", "the previous tally"), 1),
        # No picture yet: the second waits for the first one's rather than drawing it too.
        (None, 3.0, ("built 1", "built 1"), 1),
    ],
)
def test_only_one_of_two_racing_callers_rebuilds(stale, wait_seconds, answers, builds):
    assert race(stale=stale, wait_seconds=wait_seconds) == (answers, builds)
    assert cache.get(KEY) == "built 1"
    assert cache.get(f"{KEY}:lock") is None, "the lock is let go"


def test_a_caller_with_nothing_to_serve_and_no_time_to_wait_builds_itself():
    (first, second), builds = race(stale=None, wait_seconds=0.0)

    assert builds == 2 and {first, second} == {"built 1", "built 2"}


def test_a_builder_that_fails_lets_go_of_the_lock():
    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        rebuilt_under_lock(KEY, build=broken, timeout=60, lock_seconds=600)

    assert rebuilt_under_lock(KEY, build=lambda: "built", timeout=60, lock_seconds=600, stale="old") == "built"
