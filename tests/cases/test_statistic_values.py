import pytest
from django.utils import translation

from cases.models import Statistic


@pytest.mark.parametrize(
    ("qualifier", "shown"),
    [("", "1,000"), ("at_least", "at least 1,000"), ("more_than", "more than 1,000"), ("about", "about 1,000")],
)
def test_a_figure_reads_as_one_phrase_with_its_qualifier(qualifier, shown):
    assert Statistic(value=1000, qualifier=qualifier).value_display == shown


def test_languages_place_the_qualifier_where_their_grammar_wants_it():
    with translation.override("tr"):
        turkish = Statistic(value=300, qualifier="more_than").value_display
    assert turkish.startswith("300")
