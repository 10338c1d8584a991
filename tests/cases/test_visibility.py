"""Nothing private reaches a visitor: not drafts, internal cases, their names and
spellings, unpublishable testimonies, testifier contacts or internal notes."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.csv_import import case_import_create, read_upload
from cases.models import CaseIdentifier, CaseLink, Statistic, Visibility
from cases.models import TestifierContact as Contact
from cases.models import Testimony as CaseTestimony
from cases.publication import statistic_submit
from cases.revisions import revision_propose, revision_reject, snapshot
from petitions.models import Petition
from tests.cases.factories import add_testimony, draft_case, internal_case, public_case, source
from tests.organisers.factories import case_editor

MARKERS = {
    "draft_name": "Zqdraftname",
    "draft_spelling": "Zqdraftspelling",
    "draft_prefecture": "Zqdraftprefecture",
    "internal_name": "Zqinternalname",
    "case_notes": "Zqcasenotes",
    "testimony_notes": "Zqtestimonynotes",
    "anonymous_testifier_name": "Zqanonymoustestifier",
    "internal_testimony": "Zqinternaltestimony",
    "contact_phone": "+99 555 Zqphone",
    "contact_email": "zqcontact@example.org",
    "contact_messenger": "Zqmessenger",
    "contact_address": "Zqaddress",
    "contact_notes": "Zqcontactnotes",
    "source_notes": "Zqsourcenotes",
    "draft_statistic": "Zqdraftstatistic",
    "statistic_notes": "Zqstatisticnotes",
    "draft_testimony_text": "Zqdrafttestimonytext",
    "proposed_summary": "Zqproposedsummary",
    "proposed_name": "Zqproposedname",
    "proposed_hometown": "Zqproposedhometown",
    "proposal_note": "Zqproposalnote",
    "rejected_summary": "Zqrejectedsummary",
    "submitted_statistic": "Zqsubmittedstatistic",
    "draft_identifier_database": "Zqdraftdatabase",
    "draft_identifier_number": "Zqdraftentry",
    "retired_name": "Zqretiredname",
    "retired_summary": "Zqretiredsummary",
    "import_file": "Zqimportfile",
    "import_name": "Zqimportedname",
    "import_notes": "Zqimportnotes",
}


def propose_private_changes(person, *, by, reviewer) -> None:
    """Changes waiting for review (and one rejected) that would show private
    data if they leaked: new summary, name and hometown, and the anonymous
    testifier switched to named."""
    content = snapshot(person)
    content["case"] |= {"summary": MARKERS["proposed_summary"], "hometown_place": MARKERS["proposed_hometown"]}
    content["names"].append(
        {"id": None, "text": MARKERS["proposed_name"], "script": "latin", "system": "reported", "preferred": False,
         "source": None}
    )  # fmt: skip
    for testimony in content["testimonies"]:
        testimony["consent"] = CaseTestimony.Consent.NAMED
    revision_propose(case=person, content=content, by=by, note=MARKERS["proposal_note"])
    rejected = snapshot(person)
    rejected["case"]["summary"] = MARKERS["rejected_summary"]
    revision_reject(revision=revision_propose(case=person, content=rejected, by=by), by=reviewer, note="No source")


@pytest.fixture
def world(db):
    """One public person surrounded by every kind of private data."""
    cited = source(internal_notes=MARKERS["source_notes"])
    person = public_case(name="Kali Maolai", internal_notes=MARKERS["case_notes"], hometown_prefecture="Ili")
    person.sources.add(cited)
    named = add_testimony(person, testifier_name="Kaki Hakaer", internal_notes=MARKERS["testimony_notes"], source=cited)
    Contact.objects.create(
        testimony=named,
        phone=MARKERS["contact_phone"],
        email=MARKERS["contact_email"],
        messenger=MARKERS["contact_messenger"],
        address=MARKERS["contact_address"],
        notes=MARKERS["contact_notes"],
    )
    add_testimony(
        person,
        testifier_name=MARKERS["anonymous_testifier_name"],
        testifier_label="a neighbour",
        consent=CaseTestimony.Consent.ANONYMOUS,
    )
    add_testimony(person, summary=MARKERS["internal_testimony"], consent=CaseTestimony.Consent.INTERNAL)
    draft = draft_case(
        reference="secret-draft",
        name=MARKERS["draft_name"],
        spellings=(MARKERS["draft_spelling"],),
        hometown_prefecture=MARKERS["draft_prefecture"],
        status="sentenced",
    )
    add_testimony(draft, summary=MARKERS["draft_testimony_text"])
    hidden = internal_case(reference="secret-internal", name=MARKERS["internal_name"], family_country="TR")
    CaseLink.objects.create(case=person, relative=draft, relationship=CaseLink.Relationship.SIBLING)
    CaseLink.objects.create(case=hidden, relative=person, relationship=CaseLink.Relationship.SIBLING)
    Statistic.objects.create(label=MARKERS["draft_statistic"], value=5, scope="county", source=cited)
    Statistic.objects.create(
        label="Public figure",
        value=7,
        scope="county",
        source=cited,
        visibility=Visibility.PUBLIC,
        approved_at=timezone.now(),
        internal_notes=MARKERS["statistic_notes"],
    )
    submitted = Statistic.objects.create(label=MARKERS["submitted_statistic"], value=9, scope="county", source=cited)
    alice, bilal = case_editor(), case_editor()
    CaseIdentifier.objects.create(
        case=draft,
        database=CaseIdentifier.Database.OTHER,
        database_name=MARKERS["draft_identifier_database"],
        number=MARKERS["draft_identifier_number"],
    )
    # Was public, then taken down: its address answers 410 and shows nothing of it.
    retired = public_case(reference="zq-retired", name=MARKERS["retired_name"], summary=MARKERS["retired_summary"])
    retired.unpublish()
    petition_cases = [person, draft, hidden, retired]
    # An uploaded CSV file waiting for its editor's confirmation.
    upload = f"name_latin,internal_notes\n{MARKERS['import_name']},{MARKERS['import_notes']}\n".encode()
    case_import_create(by=alice, file_name=f"{MARKERS['import_file']}.csv", rows=read_upload(upload))
    statistic_submit(statistic=submitted, by=alice)
    propose_private_changes(person, by=alice, reviewer=bilal)
    petition = Petition.objects.create(
        slug="free-them", title="Free them", addressed_to="China", organiser_name="YAM", story="Story", status="open"
    )
    petition.cases.add(*petition_cases)
    return {"person": person, "draft": draft, "hidden": hidden, "retired": retired, "petition": petition}


PUBLIC_URLS = [
    "/en/cases/",
    "/en/cases/?q=zq",
    "/en/cases/?q=Zqdraftname",
    "/en/cases/?q=Zqdraftspelling",
    "/en/cases/?q=Zqinternalname",
    "/en/cases/?q=Zqproposedname",
    "/en/cases/?status=sentenced",
    "/en/cases/?prefecture=Zqdraftprefecture",
    "/en/cases/?country=TR",
    "/en/cases/kali-maolai-placeholder/",
    "/en/cases/statistics/",
    "/en/cases/secret-draft/",
    "/en/cases/secret-internal/",
    "/en/cases/zq-retired/",
    "/en/cases/?q=Zqretiredname",
    "/sitemap.xml",
    "/en/petitions/free-them/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_no_private_marker_reaches_any_public_page(client, world, url):
    url = url.replace("kali-maolai-placeholder", world["person"].reference)
    response = client.get(url)
    assert response.status_code in (200, 404, 410)
    page = response.content.decode()
    # What the visitor typed is echoed back (search box, language form); that is not a leak.
    typed = url.lower()
    leaked = [
        field for field, marker in MARKERS.items() if marker.lower() in page.lower() and marker.lower() not in typed
    ]
    assert leaked == []
    if "secret" not in url and "retired" not in url:
        assert "secret-draft" not in page and "secret-internal" not in page and "zq-retired" not in page


def test_draft_and_internal_case_pages_are_not_found(client, world):
    for case in (world["draft"], world["hidden"]):
        assert client.get(reverse("cases:detail", kwargs={"reference": case.reference})).status_code == 404


def test_filters_and_counts_do_not_count_private_cases(client, world):
    response = client.get("/en/cases/?status=sentenced")
    assert "0 people" in response.content.decode()
    assert "1 person" in client.get("/en/cases/").content.decode()
    # A hometown known only from a draft is not offered as a filter.
    assert MARKERS["draft_prefecture"] not in client.get("/en/cases/").content.decode()


def test_statistics_count_public_cases_only(client, world):
    response = client.get(reverse("cases:statistics"))
    assert response.context["total"] == 1
    labels = {bar.label for chart in response.context["charts"] for bar in chart.bars}
    assert "Sentenced" not in labels


def test_public_case_page_shows_what_consent_allows(client, world):
    page = client.get(world["person"].get_absolute_url()).content.decode()
    assert "Kaki Hakaer" in page  # named with consent
    assert "a neighbour" in page  # anonymous: shown by label only


def test_petition_page_shows_only_public_people(client, world):
    response = client.get(world["petition"].get_absolute_url())
    assert "The people behind this petition" in response.content.decode()
    assert list(response.context["people"]) == [world["person"]]


def test_public_queryset_is_public_only(world):
    from cases.models import Case

    assert list(Case.objects.public()) == [world["person"]]
