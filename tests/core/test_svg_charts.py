import pytest

from core.svg_charts import BAR_AREA, ROW_HEIGHT, bar_chart


@pytest.mark.parametrize(
    ("rows", "widths", "height"),
    [
        ([], [], ROW_HEIGHT),  # an empty chart still takes one row
        ([("Detained", 40), ("Released", 10)], [BAR_AREA, BAR_AREA / 4], 2 * ROW_HEIGHT),
        ([("Unknown", 0)], [0], ROW_HEIGHT),  # nothing counted: no bar, no division by zero
        ([("a", 3), ("b", 1), ("c", 2)], [540.0, 180.0, 360.0], 3 * ROW_HEIGHT),
    ],
)
def test_the_longest_bar_fills_the_bar_area_and_the_rest_are_in_proportion(rows, widths, height):
    chart = bar_chart(slug="s", title="T", description="D", rows=rows)

    assert [bar.width for bar in chart.bars] == widths
    assert [bar.label for bar in chart.bars] == [label for label, _value in rows]
    assert chart.height == height
    assert [bar.y for bar in chart.bars] == [index * ROW_HEIGHT + 20 for index in range(len(rows))]
