"""The goal ladder: "N have signed. Let's get to M!"."""

from itertools import count as naturals

from django.utils.formats import number_format
from django.utils.translation import ngettext

FIRST_RUNG = 100
STEPS = (1, 2, 5)


def rungs():
    """100, 200, 500, 1,000, 2,000, 5,000, ... without end."""
    for exponent in naturals(2):
        for step in STEPS:
            yield step * 10**exponent


def next_goal(count: int, *, fixed_goal: int | None = None) -> int:
    """The goal to show above `count`: the organiser's fixed goal while it is
    still ahead, otherwise the next rung strictly above the count (reaching a
    rung exactly moves on to the next one)."""
    if count < 0:
        raise ValueError("a signature count cannot be negative")
    if fixed_goal is not None and fixed_goal > count:
        return fixed_goal
    return next(rung for rung in rungs() if rung > count)


def last_milestone(count: int) -> int | None:
    """The highest rung the count has reached, or None below the first rung."""
    reached = None
    for rung in rungs():
        if rung > count:
            return reached
        reached = rung
    return reached  # pragma: no cover - rungs() never ends


def grouped(number: int) -> str:
    return number_format(number, force_grouping=True)


def goal_sentence(*, count: int, goal: int, accepting: bool) -> str:
    """ "0 have signed. Let's get to 100!" while open; the final count once
    closed. The page, the share image, the badge and the card all say it so."""
    if accepting:
        return ngettext(
            "%(count)s has signed. Let's get to %(goal)s!",
            "%(count)s have signed. Let's get to %(goal)s!",
            count,
        ) % {"count": grouped(count), "goal": grouped(goal)}
    return ngettext(
        "%(count)s person signed this petition.",
        "%(count)s people signed this petition.",
        count,
    ) % {"count": grouped(count)}
