"""Name search through the vocabulary of words (NameWord, CaseNameWord): what a
visitor finds, and that the words follow every change to a spelling."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import generate_data
from cases.models import Case, CaseName, CaseNameWord, NameWord
from cases.publication import case_approve, case_submit, case_unpublish
from cases.search_keys import name_search_key
from tests.cases.factories import draft_case, internal_case, public_case, shown_for_publication
from tests.organisers.factories import case_editor


def found(query: str) -> list[str]:
    return [case.display_name for case in Case.objects.public().search(query).with_names()]


@pytest.fixture
def mailikemu(db):
    return public_case(name="Mailikemu Maimati", spellings=("Мәликәм Мамат", "مەلىكەم مامات"))


def test_words_match_in_any_order_and_in_part(mailikemu):
    public_case(name="Kali Maolai")
    assert found("maimati mailikemu") == ["Mailikemu Maimati"]
    assert found("maili maima") == ["Mailikemu Maimati"]
    assert found("ikemu") == ["Mailikemu Maimati"]
    assert found("мамат") == ["Mailikemu Maimati"]
    assert found("مامات") == ["Mailikemu Maimati"]
    assert found("MAILIKEMU   maimati") == ["Mailikemu Maimati"]


def test_every_word_must_match_some_spelling_of_the_person(mailikemu):
    assert found("mailikemu мамат") == ["Mailikemu Maimati"]  # one word from each of two spellings
    assert found("mailikemu nobody") == []
    assert found("xq") == []


@pytest.mark.parametrize("limit", [1000, 0])
def test_multi_word_searches_find_the_same_people_past_the_list_limit(mailikemu, monkeypatch, limit):
    """Up to SEARCH_IDS_LIMIT people are handed on as a list, more by subquery."""
    monkeypatch.setattr("cases.search.SEARCH_IDS_LIMIT", limit)
    internal_case(name="Mailikemu Maimati Zqhidden")
    public_case(name="Maimati Mailikemu Abdulla")
    assert sorted(found("mailikemu maimati")) == ["Mailikemu Maimati", "Maimati Mailikemu Abdulla"]


def test_internal_and_draft_cases_are_never_found(mailikemu):
    internal_case(name="Zqhidden Mailikemu")
    draft_case(name="Zqdraft Mailikemu")
    assert found("zqhidden") == []
    assert found("zqdraft") == []
    assert found("mailikemu") == ["Mailikemu Maimati"]
    assert Case.objects.public().search("mailikemu").count() == 1
    # Their words are not even in the vocabulary a visitor's search probes.
    assert Case.objects.search("zqhidden").count() == 0
    assert not NameWord.objects.filter(text__in=["zqhidden", "zqdraft"]).exists()


def queries_of(query: str) -> list[str]:
    """The SQL a public search runs, with the typed word taken out."""
    with CaptureQueriesContext(connection) as captured:
        list(Case.objects.public().search(query).with_names())
        Case.objects.public().search(query).count()
    # Savepoint names are numbered per transaction: not part of the work.
    sql = [re.sub(r'"s\d+_x\d+"', '"savepoint"', entry["sql"]) for entry in captured.captured_queries]
    for word in name_search_key(query).split():
        sql = [text.replace(word, "WORD") for text in sql]
    return sql


@pytest.mark.parametrize("hidden", [draft_case, internal_case])
def test_a_hidden_persons_name_costs_a_search_what_an_absent_word_costs(mailikemu, hidden):
    """Timing must not tell a visitor that a draft or internal case bears a
    name: both searches run the very same queries."""
    hidden(name="Zqsecret Person")
    assert found("zqsecret") == []
    assert queries_of("zqsecret") == queries_of("zqabsent")
    assert queries_of("zqsecret person") == queries_of("zqabsent person")


def test_publishing_and_unpublishing_adds_and_removes_the_persons_words(mailikemu):
    alice, bilal = case_editor("alice"), case_editor("bilal")
    case = draft_case(name="Zqpublished Person")
    assert Case.objects.search("zqpublished").count() == 0
    case_submit(case=case, by=alice)
    case_approve(case=case, by=bilal, shown=shown_for_publication(case))
    assert found("zqpublished") == ["Zqpublished Person"]
    case_unpublish(case=case, by=alice)
    assert Case.objects.search("zqpublished").count() == 0
    assert not CaseNameWord.objects.filter(case=case).exists()


def test_a_renamed_spelling_is_found_by_its_new_words_only(mailikemu):
    spelling = mailikemu.names.get(text="Мәликәм Мамат")
    spelling.text = "Мәликәм Зқновый"
    spelling.save()
    assert found("зқновый") == ["Mailikemu Maimati"]
    assert found("мамат") == []
    assert found("mamat") == []  # the Latin spelling says "Maimati"


def test_a_renamed_spelling_saved_with_update_fields_is_found_by_its_new_words(mailikemu):
    spelling = mailikemu.names.get(text="Mailikemu Maimati")
    spelling.text = "Zqrenamed Person"
    spelling.save(update_fields=["text"])
    assert found("zqrenamed") == ["Zqrenamed Person"]


def test_a_spelling_moved_to_another_person_finds_that_person(mailikemu):
    other = public_case(name="Kali Maolai")
    spelling = mailikemu.names.get(text="Мәликәм Мамат")
    spelling.case = other
    spelling.save(update_fields=["case"])
    assert found("мамат") == ["Kali Maolai"]


def test_a_deleted_spelling_no_longer_finds_the_person(mailikemu):
    mailikemu.names.get(text="مەلىكەم مامات").delete()
    assert found("مامات") == []
    assert found("mailikemu") == ["Mailikemu Maimati"]


def test_deleting_a_case_deletes_its_words_but_keeps_the_vocabulary(mailikemu):
    mailikemu.delete()
    assert not CaseNameWord.objects.exists()
    assert NameWord.objects.filter(text="mailikemu").exists()


def test_a_spelling_saved_again_records_its_words_once(mailikemu):
    spelling = mailikemu.names.get(preferred=True)
    spelling.save()
    assert sorted(NameWord.objects.filter(
        pk__in=CaseNameWord.objects.filter(name=spelling).values("word")).values_list("text", flat=True)
    ) == ["mailikemu", "maimati"]  # fmt: skip
    assert CaseNameWord.objects.filter(name=spelling).count() == 2


@pytest.mark.django_db(transaction=True)  # generate_data VACUUMs on PostgreSQL
def test_generated_cases_are_searchable():
    call_command(generate_data.Command(), petitions=0, cases=30, stdout=open("/dev/null", "w"))
    spelling = CaseName.objects.filter(case__reference__startswith="gen-case-").first()
    first_word = spelling.search_key.split()[0]
    assert Case.objects.search(first_word).filter(pk=spelling.case_id).exists()
    assert CaseNameWord.objects.count() >= CaseName.objects.count() * 2
