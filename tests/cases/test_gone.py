"""A person who was public and is no longer: their address answers 410 Gone
with a neutral page, so old shares explain themselves without naming anyone;
an address that never showed anyone stays a 404."""

import pytest
from django.urls import reverse

from cases.models import Case, CaseRevision, RetiredCaseAddress
from cases.publication import case_approve, case_submit, case_unpublish
from cases.revisions import revision_approve, revision_propose, snapshot
from cases.sharing import share_image_url
from tests.cases.factories import draft_case, internal_case, shown_for_publication
from tests.conftest import page_text
from tests.organisers.factories import case_editor

pytestmark = pytest.mark.django_db

NAME = "Zqgonename Maolai"


@pytest.fixture
def editors():
    return case_editor("alice"), case_editor("bilal")


@pytest.fixture
def person(editors):
    alice, bilal = editors
    case = draft_case(name=NAME, reference="zqgone-ref", summary="Zqgonesummary", hometown_place="Zqgonetown")
    case_submit(case=case, by=alice)
    return case_approve(case=case, by=bilal, shown=shown_for_publication(case))


def assert_neutral_gone_page(response) -> None:
    assert response.status_code == 410
    text = page_text(response)
    assert "This page was removed" in text
    assert "no longer published" in text
    for private in (NAME, "Zqgonename", "Zqgonesummary", "Zqgonetown"):
        assert private not in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_an_unpublished_persons_page_and_share_image_answer_410(client, editors, person):
    client.get(person.get_absolute_url())
    image = share_image_url(Case.objects.with_names().get(pk=person.pk))
    assert client.get(image).status_code == 200  # drawn and cached while public

    case_unpublish(case=person, by=editors[0])

    assert_neutral_gone_page(client.get(person.get_absolute_url()))
    assert_neutral_gone_page(client.get(image))
    assert client.get(f"/ur/cases/{person.reference}/").status_code == 410
    # Nowhere listed any more.
    for listing in ("cases:list", "cases:feed", "cases:data_csv", "cases:data_json"):
        answer = client.get(reverse(listing))
        body = answer.content if not answer.streaming else b"".join(answer.streaming_content)
        assert NAME.encode() not in body, listing
    assert b"zqgone-ref" not in client.get("/sitemap.xml").content
    assert client.get(reverse("api:case", kwargs={"reference": person.reference})).status_code == 404
    assert NAME not in client.get(reverse("api:cases")).content.decode()


def test_addresses_that_never_showed_anyone_stay_404(client):
    draft_case(reference="zq-draft")
    internal_case(reference="zq-internal")
    for reference in ("zq-draft", "zq-internal", "nobody-here"):
        assert client.get(reverse("cases:detail", kwargs={"reference": reference})).status_code == 404
        url = reverse("cases:share_image", kwargs={"reference": reference, "version": "0" * 16})
        assert client.get(url).status_code == 404


def test_a_person_published_again_is_shown_again(client, editors, person):
    alice, bilal = editors
    case_unpublish(case=person, by=alice)
    case_submit(case=person, by=alice)
    case_approve(case=person, by=bilal, shown=shown_for_publication(person))

    assert client.get(person.get_absolute_url()).status_code == 200
    assert not RetiredCaseAddress.objects.exists()


def test_a_public_person_deleted_in_bulk_leaves_a_410(client, person):
    """A queryset's deletion never calls Case.delete: the receiver retires
    the address all the same."""
    Case.objects.filter(pk=person.pk).delete()
    assert not Case.objects.exists()
    client.logout()
    assert_neutral_gone_page(client.get("/en/cases/zqgone-ref/"))


def test_a_new_reference_retires_the_old_address_without_leading_to_the_new_one(client, editors, person):
    alice, bilal = editors
    content = snapshot(person)
    content["case"]["reference"] = "zq-safer-ref"
    proposed = revision_propose(case=person, content=content, by=alice)
    revision_approve(revision=proposed, by=bilal, shown=proposed.content_hash)

    old = client.get("/en/cases/zqgone-ref/")
    assert_neutral_gone_page(old)
    assert "zq-safer-ref" not in old.content.decode()
    assert client.get("/en/cases/zq-safer-ref/").status_code == 200
    assert CaseRevision.objects.approved().count() == 2


def test_a_never_public_case_that_is_deleted_leaves_no_trace():
    draft_case(reference="zq-draft").delete()
    assert not RetiredCaseAddress.objects.exists()
