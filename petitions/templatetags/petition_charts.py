from django import template

from petitions.charts import signatures_by_country, signatures_over_time
from petitions.models import Petition
from petitions.tallies import tally_for

register = template.Library()


@register.inclusion_tag("petitions/includes/signature_charts.html")
def signature_charts(petition: Petition) -> dict:
    """The petition page's charts, from the cached tally (petitions/tallies.py)."""
    tally = tally_for(petition)
    return {
        "tally": tally,
        "over_time": signatures_over_time(tally),
        "by_country": signatures_by_country(tally),
    }
