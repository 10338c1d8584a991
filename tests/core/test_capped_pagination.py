import pytest

from core.capped_pagination import CappedPaginator
from petitions.models import Signature
from tests.conftest import page_text
from tests.organisers.factories import confirmed_signature, moderator_of, open_petition

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(db):
    petition = open_petition()
    for _ in range(7):
        confirmed_signature(petition)
    return petition


@pytest.mark.parametrize(
    ("cap", "count", "capped", "pages"), [(10, 7, False, 4), (7, 7, False, 4), (6, 6, True, 3), (3, 3, True, 2)]
)
def test_counting_stops_at_the_cap(petition, cap, count, capped, pages):
    paginator = CappedPaginator(Signature.objects.order_by("pk"), 2, cap=cap)

    assert (paginator.count, paginator.capped, paginator.num_pages) == (count, capped, pages)
    assert paginator.get_page(999).number == pages


def test_the_count_query_is_limited(petition, django_assert_num_queries):
    paginator = CappedPaginator(Signature.objects.order_by("pk"), 2, cap=3)
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 3
    assert "LIMIT 4" in captured.captured_queries[0]["sql"]


def test_the_organiser_list_says_more_than_past_the_cap(client, petition, monkeypatch):
    from organisers.views import signatures as views

    client.force_login(moderator_of(petition))
    url = f"/en/organisers/petitions/{petition.slug}/signatures/"

    assert "7 signatures match." in page_text(client.get(url))
    monkeypatch.setattr(views, "SIGNATURES_COUNTED", 5)
    assert "More than 5 signatures match: narrow the search to see them all." in page_text(client.get(url))


def test_the_count_does_not_sort(petition, django_assert_num_queries):
    paginator = CappedPaginator(Signature.objects.order_by("-created_at"), 2, cap=3)
    with django_assert_num_queries(1) as captured:
        paginator.count  # noqa: B018 - the query is what is tested
    assert "ORDER BY" not in captured.captured_queries[0]["sql"]


def test_a_count_already_made_is_not_made_again(petition, django_assert_num_queries):
    paginator = CappedPaginator(Signature.objects.order_by("pk"), 2, cap=3, counted=9)
    with django_assert_num_queries(0):
        assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 2)
