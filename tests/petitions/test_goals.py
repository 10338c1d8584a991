import pytest

from petitions.goals import last_milestone, next_goal


@pytest.mark.parametrize(
    ("count", "goal"),
    [
        (0, 100),
        (1, 100),
        (99, 100),
        (100, 200),
        (101, 200),
        (199, 200),
        (200, 500),
        (499, 500),
        (500, 1_000),
        (999, 1_000),
        (1_000, 2_000),
        (1_999, 2_000),
        (2_000, 5_000),
        (4_999, 5_000),
        (5_000, 10_000),
        (9_999, 10_000),
        (10_000, 20_000),
        (20_000, 50_000),
        (50_000, 100_000),
        (99_999, 100_000),
        (100_000, 200_000),
        (999_999, 1_000_000),
        (1_000_000, 2_000_000),
        (4_999_999_999, 5_000_000_000),
        (10**12, 2 * 10**12),
    ],
)
def test_the_ladder_climbs_to_the_next_rung_above_the_count(count, goal):
    assert next_goal(count) == goal


@pytest.mark.parametrize(
    ("count", "fixed", "goal"),
    [
        (0, 150, 150),
        (149, 150, 150),
        (150, 150, 200),  # a fixed goal once reached gives way to the ladder
        (151, 150, 200),
        (0, 1, 1),
        (10, 5_000, 5_000),
    ],
)
def test_a_fixed_goal_holds_until_it_is_reached(count, fixed, goal):
    assert next_goal(count, fixed_goal=fixed) == goal


def test_a_negative_count_is_a_bug():
    with pytest.raises(ValueError):
        next_goal(-1)


@pytest.mark.parametrize(
    ("count", "milestone"),
    [(0, None), (99, None), (100, 100), (199, 100), (200, 200), (999, 500), (1_000, 1_000), (12_345, 10_000)],
)
def test_the_last_milestone_is_the_highest_rung_reached(count, milestone):
    assert last_milestone(count) == milestone
