import datetime

import pytest
from django.db import connection
from django.urls import reverse

from cases.filtering import CaseFilters
from cases.models import Case, CaseName
from tests.cases.factories import detention, draft_case, public_case

LIST = "/en/cases/"


@pytest.fixture
def people(db):
    return [
        public_case(name="Mailikemu Maimati", status=Case.Status.RELEASED_RESTRICTED, ethnicity="uyghur",
                    hometown_prefecture="Kashgar", hometown_county="Bachu County", family_country="PK"),
        public_case(name="Kali Maolai", status=Case.Status.CAMP, ethnicity="kazakh", family_country="KZ"),
        public_case(name="Bahaxi Sainike", status=Case.Status.INCOMMUNICADO, ethnicity="kazakh"),
    ]  # fmt: skip


def names_on(response) -> list[str]:
    return [case.display_name for case in response.context["page"].object_list]


def test_list_shows_cards_with_name_status_and_hometown(client, people):
    response = client.get(LIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 people" in page
    assert "<bdi>Mailikemu Maimati</bdi>" in page
    assert "Released under restrictions" in page
    assert "Bachu County, Kashgar" in page
    assert "case-portrait" in page  # the neutral placeholder


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=camp", ["Kali Maolai"]),
        ("ethnicity=kazakh", ["Bahaxi Sainike", "Kali Maolai"]),
        ("prefecture=Kashgar", ["Mailikemu Maimati"]),
        ("country=KZ", ["Kali Maolai"]),
        ("ethnicity=kazakh&status=incommunicado", ["Bahaxi Sainike"]),
    ],
)
def test_filters(client, people, query, expected):
    assert sorted(names_on(client.get(f"{LIST}?{query}"))) == expected


@pytest.mark.parametrize(
    "query",
    [
        "status=nonsense",
        "ethnicity=%00",
        "prefecture=Atlantis",
        "country=XX",
        "page=99999",
        "page=-1",
        "page=abc",
        "page=%00",
        "q=" + "x" * 5000,
        "q=%00%01%02",
        "q=%ED%A0%80",  # a lone surrogate, badly encoded
        "q=%F0%9F%98%80",  # emoji
        "q=%E2%80%AE%E2%80%8B",  # right-to-left override, zero-width space
        "q=%25%27%22%3C%3E%5C",  # % ' " < > \
        "q=_",
        "status=camp&status=released",
        "q[]=a&q[]=b",
    ],
)
def test_odd_query_strings_give_a_page(client, people, query):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200


def test_unknown_filter_values_are_ignored(client, people):
    response = client.get(f"{LIST}?status=nonsense&country=XX")
    assert len(names_on(response)) == 3


def test_html_in_the_search_is_escaped(client, people):
    page = client.get(LIST, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert" not in page


def test_search_finds_any_spelling_case_and_accent_insensitively(client, people):
    CaseName.objects.create(case=people[1], text="Қали Маулай", script="cyrillic", system="kazakh_cyrillic")
    CaseName.objects.create(case=people[0], text="Mälikäm Mämät", system="uyghur_latin")
    assert names_on(client.get(LIST, {"q": "KALI"})) == ["Kali Maolai"]
    assert names_on(client.get(LIST, {"q": "қали"})) == ["Kali Maolai"]
    assert names_on(client.get(LIST, {"q": "malikam mamat"})) == ["Mailikemu Maimati"]
    assert names_on(client.get(LIST, {"q": "  maolai  "})) == ["Kali Maolai"]
    assert names_on(client.get(LIST, {"q": "Nobody Atall"})) == []


def test_pagination_keeps_the_filters_url_encoded(client, db):
    for number in range(30):
        public_case(name=f"Person {number:02}", status=Case.Status.CAMP)
    response = client.get(LIST, {"status": "camp", "q": "person"})
    page = response.content.decode()
    assert "30 people" in page
    assert "?q=person&amp;status=camp&amp;page=2" in page
    last = client.get(LIST, {"status": "camp", "page": 99999})
    assert last.context["page"].number == 2


def test_list_query_count_does_not_grow_with_cases(client, db, django_assert_max_num_queries):
    for number in range(24):
        public_case(name=f"Person {number}", hometown_prefecture=f"P{number % 3}", family_country="KZ")
    with django_assert_max_num_queries(6):
        client.get(LIST)
    with django_assert_max_num_queries(6):
        client.get(LIST, {"q": "person", "prefecture": "P1"})


def test_case_page(client, people):
    case = people[0]
    detention(case, on=datetime.date(2017, 5, 3), kind="camp")
    response = client.get(case.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mailikemu Maimati" in page
    assert "Timeline" in page
    assert "May 2017" in page
    assert "Sent to a camp" in page


def test_case_page_query_count(client, people, django_assert_max_num_queries):
    # One query per kind of thing the page shows (names, sources, texts,
    # identifiers, events, testimonies and their photos, photos, links both
    # ways, petitions), however many of each there are.
    with django_assert_max_num_queries(12):
        client.get(people[0].get_absolute_url())


def test_unknown_case_is_a_404_page(client, db):
    assert client.get("/en/cases/no-such-person/").status_code == 404
    assert client.get("/en/cases/%00/").status_code == 404


def test_statistics_draws_svg_charts_from_public_cases(client, people):
    detention(people[1], on=datetime.date(2018, 6, 1))
    detention(people[1], on=datetime.date(2019, 6, 1))  # only the first detention counts
    draft = draft_case(status=Case.Status.DECEASED)
    detention(draft, on=datetime.date(2016, 1, 1))
    response = client.get(reverse("cases:statistics"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") >= 4
    assert "style=" not in page and "<script" not in page
    years = next(chart for chart in response.context["charts"] if chart.slug == "year")
    assert [(bar.label, bar.value) for bar in years.bars] == [("2018", 1), ("No detention date reported", 2)]
    statuses = next(chart for chart in response.context["charts"] if chart.slug == "status")
    assert "Deceased" not in [bar.label for bar in statuses.bars]


def test_statistics_with_no_cases(client, db):
    assert client.get(reverse("cases:statistics")).status_code == 200


def test_sitemap_lists_public_cases(client, people):
    draft_case(reference="hidden-one")
    page = client.get("/sitemap.xml").content.decode()
    assert people[0].get_absolute_url() in page
    assert "hidden-one" not in page


def test_no_inline_styles_or_scripts_on_case_pages(client, people):
    for url in (LIST, people[0].get_absolute_url()):
        page = client.get(url).content.decode()
        assert "style=" not in page and "<script" not in page


def test_filter_links_encode_what_was_typed():
    assert CaseFilters(q="a & b=c", status="camp").querystring() == "q=a+%26+b%3Dc&status=camp"


@pytest.mark.postgres
def test_trigram_search_forgives_misspellings_on_postgresql(client, people):
    if connection.vendor != "postgresql":
        pytest.skip("trigram similarity needs PostgreSQL")
    assert names_on(client.get(LIST, {"q": "Mailikemu Maimaiti"})) == ["Mailikemu Maimati"]
    assert names_on(client.get(LIST, {"q": "Bahaxi Sainke"})) == ["Bahaxi Sainike"]


@pytest.mark.postgres
def test_full_names_forgive_a_near_miss_in_each_word_but_need_every_word(client, people):
    """Each word of a multi-word search may miss by word similarity 0.5, not
    pg_trgm's 0.6, because every word must match."""
    if connection.vendor != "postgresql":
        pytest.skip("trigram similarity needs PostgreSQL")
    assert names_on(client.get(LIST, {"q": "Tusunhan Abdurahmon"})) == []  # not a fixture person here
    assert names_on(client.get(LIST, {"q": "Mailikemu Maimati"})) == ["Mailikemu Maimati"]
    assert names_on(client.get(LIST, {"q": "Mailikemu Maimaiti"})) == ["Mailikemu Maimati"]
    assert names_on(client.get(LIST, {"q": "Mailikemu Sainike"})) == []  # two people's words, nobody's name
    with connection.cursor() as cursor:  # the looser threshold never outlives its query
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        assert cursor.fetchone()[0] == "0.6"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_full_name_search_works_on_a_fresh_connection():
    """A new worker's first query: pg_trgm's setting does not exist yet in
    that session until the extension is first used (this was a 500)."""
    if connection.vendor != "postgresql":
        pytest.skip("trigram similarity needs PostgreSQL")
    public_case(name="Mailikemu Maimati")
    connection.close()

    found = list(Case.objects.search("Mailikemu Maimaiti"))

    assert [case.display_name for case in Case.objects.filter(pk__in=[c.pk for c in found]).with_names()] == [
        "Mailikemu Maimati"
    ]
    with connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        assert cursor.fetchone()[0] == "0.6"


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("spelling", "typed"),
    [("Нурмәмәт Абдукерим", "Нурмәмат Абдукерим"), ("مەمتىمىن ئابدۇللا", "مەمتىمن ئابدۇللا")],
    ids=["cyrillic", "uyghur-arabic"],
)
def test_near_misses_are_found_in_cyrillic_and_arabic_script(client, db, spelling, typed):
    """Needs a database whose character classes are UTF-8 (LC_CTYPE): under a
    plain C locale pg_trgm sees no letters in these scripts (README, deploying)."""
    if connection.vendor != "postgresql":
        pytest.skip("trigram similarity needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW lc_ctype")
        assert cursor.fetchone()[0].lower() not in ("c", "posix"), "run the tests on a UTF-8 database"
    person = public_case(name=spelling)

    response = client.get(LIST, {"q": typed})

    assert names_on(response) == [person.display_name]
