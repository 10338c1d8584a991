"""Every change to a public case waits for a second case editor: edited in the
admin as always, reviewed side by side on the review pages, approved,
rejected or restored, each step in the audit log."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from cases import audit_actions
from cases.models import Case, CaseRevision, Statistic, Visibility
from cases.models import Testimony as CaseTestimony
from cases.publication import case_approve, case_submit
from cases.revisions import FieldChange, compare, revision_approve, revision_propose, snapshot
from tests.cases.factories import add_testimony, draft_case, shown_for_publication, source
from tests.conftest import page_text
from tests.hostile import RAW_QUERY, SCRIPT_MARKERS, TEXT
from tests.organisers.factories import case_editor, organiser_user
from tests.organisers.test_case_desk import case_form, desk_case, section_form, section_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors():
    return case_editor("alice"), case_editor("bilal")


@pytest.fixture
def person(editors):
    alice, bilal = editors
    case = draft_case(name="Kali Maolai", summary="Detained in 2018.", reference="kali-maolai")
    add_testimony(case, summary="Her husband spoke.", testifier_name="Zqtestifier", consent="anonymous")
    case_submit(case=case, by=alice)
    return case_approve(case=case, by=bilal, shown=shown_for_publication(case))


def propose_on_desk(client, account, case: Case, change_note: str = "", **changes):
    """Edits on the case desk's pages: the case's own fields on its edit
    page, "<section>-<n>-<field>" on that section's page."""
    client.force_login(account)
    sections = {key.split("-")[0] for key in changes if "-" in key}
    response = None
    for section in sorted(sections):
        data = section_form(client, case, section) | {k: v for k, v in changes.items() if k.startswith(section)}
        response = client.post(section_url(case, section), data | {"note": change_note}, follow=True)
    fields = {key: value for key, value in changes.items() if "-" not in key}
    if fields or response is None:
        response = client.post(
            desk_case(case, "desk_case_edit"), case_form(client, case, **fields) | {"note": change_note}, follow=True
        )
    return response


def approve_post(client, pk: int, **kwargs):
    revision = CaseRevision.objects.get(pk=pk)
    return client.post(
        reverse("organisers:case_revision_approve", kwargs={"pk": pk}), {"shown": revision.content_hash}, **kwargs
    )


def public_page(client, case: Case) -> str:
    client.logout()
    return page_text(client.get(case.get_absolute_url()))


def test_a_public_edit_is_invisible_until_a_second_editor_approves_it(client, editors, person):
    alice, bilal = editors

    proposed = propose_on_desk(
        client, alice, person, summary="Sentenced to 10 years in 2019.", change_note="A new report"
    )

    assert "waits for a second case editor's approval" in page_text(proposed)
    revision = CaseRevision.objects.proposed().get()
    assert proposed.redirect_chain[-1][0] == reverse("organisers:case_revision", kwargs={"pk": revision.pk})
    person.refresh_from_db()
    assert person.summary == "Detained in 2018."
    assert "Detained in 2018." in public_page(client, person)
    assert "Sentenced to 10 years" not in public_page(client, person)

    client.force_login(bilal)
    review = page_text(client.get(reverse("organisers:case_revision", kwargs={"pk": revision.pk})))
    assert "Public summary Detained in 2018. Sentenced to 10 years in 2019." in review
    assert "A new report" in review
    approved = approve_post(client, revision.pk, follow=True)

    assert "the public page now shows this version" in page_text(approved)
    assert "Sentenced to 10 years in 2019." in public_page(client, person)
    trail = list(
        AuditEntry.objects.filter(action__startswith="case.revision")
        .order_by("pk")
        .values_list("action", "actor", "reason")
    )
    assert trail == [
        (audit_actions.CASE_REVISION_PROPOSE, alice.pk, "A new report"),
        (audit_actions.CASE_REVISION_APPROVE, bilal.pk, ""),
    ]


def test_the_reviewer_sees_exactly_the_fields_that_change(client, editors, person):
    alice, bilal = editors
    propose_on_desk(client, alice, person, hometown_place="Ghulja", **{"testimonies-0-consent": "named"})
    revision = CaseRevision.objects.proposed().get()

    changes = compare(CaseRevision.objects.approved().get().content, revision.content)

    assert [(row.section, row.kind, [(c.label, c.before, c.after) for c in row.fields]) for row in changes] == [
        ("The case", "changed", [("town or village", "", "Ghulja")]),
        (
            "Testimonies",
            "changed",
            [
                (
                    "consent",
                    "May be published without the testifier's name",
                    "May be published with the testifier's name",
                )
            ],
        ),
    ]
    client.force_login(bilal)
    page = page_text(client.get(reverse("organisers:case_revision", kwargs={"pk": revision.pk})))
    assert "May be published without the testifier's name May be published with the testifier's name" in page
    # The testifier's name stays off the public page until the consent change is approved.
    assert "Zqtestifier" not in public_page(client, person)
    client.force_login(bilal)
    approve_post(client, revision.pk)
    assert "Zqtestifier" in public_page(client, person)


def test_an_editor_cannot_approve_their_own_change(client, editors, person):
    alice, _ = editors
    propose_on_desk(client, alice, person, summary="Changed by Alice.")
    revision = CaseRevision.objects.proposed().get()

    page = client.get(reverse("organisers:case_revision", kwargs={"pk": revision.pk}))
    assert "You may not review your own change: a second case editor must." in page_text(page)
    refused = approve_post(client, revision.pk, follow=True)

    assert "You may not review your own change" in page_text(refused)
    revision.refresh_from_db()
    person.refresh_from_db()
    assert (revision.state, person.summary) == (CaseRevision.State.PROPOSED, "Detained in 2018.")
    # Nor through any other path: the database refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseRevision.objects.filter(pk=revision.pk).update(
            state=CaseRevision.State.APPROVED, reviewed_by=alice, reviewed_at=timezone.now()
        )


def test_a_rejected_change_changes_nothing(client, editors, person):
    alice, bilal = editors
    before = snapshot(person)
    propose_on_desk(client, alice, person, summary="Wrong.", **{"names-0-text": "Zqwrongname"})
    revision = CaseRevision.objects.proposed().get()

    client.force_login(bilal)
    rejected = client.post(
        reverse("organisers:case_revision_reject", kwargs={"pk": revision.pk}),
        {"note": "Not in the source"},
        follow=True,
    )

    assert "the case stays as it was" in page_text(rejected)
    assert snapshot(person) == before
    assert "Zqwrongname" not in public_page(client, person)
    revision.refresh_from_db()
    assert (revision.state, revision.reviewed_by, revision.review_note) == ("rejected", bilal, "Not in the source")
    assert AuditEntry.objects.filter(
        action=audit_actions.CASE_REVISION_REJECT, actor=bilal, reason="Not in the source"
    ).exists()


def test_an_earlier_version_is_restored_through_review(client, editors, person):
    alice, bilal = editors
    first = CaseRevision.objects.approved().get()
    propose_on_desk(client, alice, person, summary="Second version.")
    client.force_login(bilal)
    approve_post(client, CaseRevision.objects.proposed().get().pk)
    assert "Second version." in public_page(client, person)

    client.force_login(bilal)
    versions = page_text(client.get(reverse("organisers:case_versions", kwargs={"reference": person.reference})))
    assert f"#{first.pk}" in versions and "shown to the public" in versions
    client.post(reverse("organisers:case_revision_restore", kwargs={"pk": first.pk}), {"note": "Back"})
    restoring = CaseRevision.objects.proposed().get()
    assert (restoring.origin, restoring.restores, restoring.proposed_by) == ("restore", first, bilal)
    assert "Second version." in public_page(client, person)  # not yet

    client.force_login(alice)
    approve_post(client, restoring.pk)

    assert "Detained in 2018." in public_page(client, person)
    assert AuditEntry.objects.filter(action=audit_actions.CASE_REVISION_RESTORE, actor=bilal).exists()


def test_added_and_removed_rows_are_applied_and_kept_in_history(client, editors, person):
    alice, bilal = editors
    cited = source(title="Zq report")
    content = snapshot(person)
    content["names"].append(
        {"id": None, "text": "Қали Маулай", "script": "cyrillic", "system": "kazakh_cyrillic", "preferred": False,
         "source": cited.pk}
    )  # fmt: skip
    content["testimonies"] = []
    content["case"]["sources"] = [cited.pk]
    revision = revision_propose(case=person, content=content, by=alice, note="")
    kinds = sorted((row.section, row.kind) for row in compare(CaseRevision.objects.approved().get().content, content))
    assert kinds == [("Names", "added"), ("Testimonies", "removed"), ("The case", "changed")]

    revision_approve(revision=revision, by=bilal, shown=revision.content_hash)

    assert sorted(person.names.values_list("text", flat=True)) == ["Kali Maolai", "Қали Маулай"]
    assert not person.testimonies.exists()
    assert list(Case.objects.public().search("маулай")) == [person]
    # The approved version holds the new rows' real ids: the next edit compares cleanly.
    assert compare(CaseRevision.objects.approved().last().content, snapshot(person)) == []


def test_a_later_proposal_supersedes_an_earlier_one(client, editors, person):
    alice, bilal = editors
    propose_on_desk(client, alice, person, summary="First proposal.")
    propose_on_desk(client, alice, person, summary="Second proposal.")
    first, second = CaseRevision.objects.exclude(state=CaseRevision.State.APPROVED).order_by("pk")
    assert (first.state, second.state) == (CaseRevision.State.SUPERSEDED, CaseRevision.State.PROPOSED)

    client.force_login(bilal)
    assert "replaced this one before it was reviewed" in page_text(
        client.get(reverse("organisers:case_revision", kwargs={"pk": first.pk}))
    )
    refused = approve_post(client, first.pk, follow=True)
    assert "A later change to this case replaced this one" in page_text(refused)
    person.refresh_from_db()
    assert person.summary == "Detained in 2018."


def test_saving_a_public_case_unchanged_proposes_nothing(client, editors, person):
    alice, _ = editors
    page = propose_on_desk(client, alice, person)
    assert "Nothing changed." in page_text(page)
    assert not CaseRevision.objects.proposed().exists()


def test_draft_cases_take_a_change_at_once_kept_as_a_saved_version(client, editors):
    alice, _ = editors
    case = draft_case(name="Draft Person", summary="Old")
    propose_on_desk(client, alice, case, summary="New")
    case.refresh_from_db()
    assert case.summary == "New"
    saved = CaseRevision.objects.get()
    assert (saved.state, saved.proposed_by, saved.content["case"]["summary"]) == ("saved", alice, "New")


def test_a_testimony_is_never_changed_or_added_in_the_admin(client, editors, person):
    alice, _ = editors
    testimony = person.testimonies.get()
    client.force_login(alice)
    url = reverse("admin:cases_testimony_change", args=[testimony.pk])
    form = client.get(url)
    assert "consent" not in form.context["adminform"].form.fields
    client.post(url, {"consent": "named", "contact-TOTAL_FORMS": 0, "contact-INITIAL_FORMS": 0})
    testimony.refresh_from_db()
    assert testimony.consent == CaseTestimony.Consent.ANONYMOUS

    added = client.post(
        reverse("admin:cases_testimony_add"),
        {"case": person.pk, "testifier_label": "a cousin", "relationship": "relative", "summary": "Zq added"},
    )
    assert added.status_code == 403
    assert not CaseTestimony.objects.filter(summary="Zq added").exists()


def test_sources_are_read_only_in_the_admin(client, editors, person):
    alice, _ = editors
    cited = source(title="Cited")
    person.sources.add(cited)
    client.force_login(alice)
    url = reverse("admin:cases_source_change", args=[cited.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Changed"}).status_code == 403
    cited.refresh_from_db()
    assert cited.title == "Cited"


@pytest.mark.parametrize("role", ["anonymous", "organiser"])
def test_only_case_editors_reach_the_review_pages(client, editors, person, role):
    alice, _ = editors
    revision = revision_propose(
        case=person, content=snapshot(person) | {"case": {**snapshot(person)["case"], "summary": "x"}}, by=alice
    )
    if role == "organiser":
        client.force_login(organiser_user("organiser"))
    for url in (
        reverse("organisers:case_reviews"),
        reverse("organisers:case_revision", kwargs={"pk": revision.pk}),
        reverse("organisers:case_versions", kwargs={"reference": person.reference}),
    ):
        response = client.get(url)
        assert response.status_code == (302 if role == "anonymous" else 403)
    response = approve_post(client, revision.pk)
    assert response.status_code == (302 if role == "anonymous" else 403)
    revision.refresh_from_db()
    assert revision.state == CaseRevision.State.PROPOSED


def test_the_review_queue_lists_what_waits(client, editors, person):
    alice, bilal = editors
    propose_on_desk(client, alice, person, summary="Queued change.", change_note="Zq queued")
    client.force_login(bilal)
    page = page_text(client.get(reverse("organisers:case_reviews")))
    assert "kali-maolai Zq queued alice" in page


# --- Figures --------------------------------------------------------------------


def figure_action(client, account, action: str, statistic: Statistic, **data):
    client.force_login(account)
    url = reverse("organisers:desk_figure_action", kwargs={"pk": statistic.pk, "action": action})
    return client.post(url, data, follow=True)


def test_a_figure_goes_public_only_with_a_second_editor(client, editors):
    alice, bilal = editors
    figure = Statistic.objects.create(label="Zq figure", value=5, scope="county", source=source())

    figure_action(client, alice, "submit", figure)
    own = figure_action(client, alice, "approve", figure, shown=figure.review_fingerprint())
    assert "You may not review your own change" in page_text(own)
    figure.refresh_from_db()
    assert figure.visibility == Visibility.DRAFT
    client.logout()
    assert "Zq figure" not in page_text(client.get(reverse("cases:statistics")))

    client.force_login(bilal)
    assert "Zq figure" in page_text(client.get(reverse("organisers:desk")))
    figure_action(client, bilal, "approve", figure, shown=figure.review_fingerprint())
    figure.refresh_from_db()
    assert (figure.visibility, figure.submitted_by, figure.approved_by) == (Visibility.PUBLIC, alice, bilal)
    client.logout()
    assert "Zq figure" in page_text(client.get(reverse("cases:statistics")))

    figure_action(client, alice, "unpublish", figure, note="Outdated")
    figure.refresh_from_db()
    assert figure.visibility == Visibility.INTERNAL
    trail = list(AuditEntry.objects.filter(target_type="statistic").order_by("pk").values_list("action", "actor"))
    assert trail == [
        (audit_actions.STATISTIC_SUBMIT, alice.pk),
        (audit_actions.STATISTIC_APPROVE, bilal.pk),
        (audit_actions.STATISTIC_UNPUBLISH, alice.pk),
    ]


def test_a_figure_edited_after_submission_needs_a_new_review(client, editors):
    alice, bilal = editors
    figure = Statistic.objects.create(label="Zq figure", value=5, scope="county", source=source())
    figure_action(client, alice, "submit", figure)
    seen = figure.review_fingerprint()

    client.force_login(alice)
    url = reverse("organisers:desk_figure_edit", kwargs={"pk": figure.pk})
    client.post(url, {"label": "Zq figure", "value": "500", "scope": "county", "source": figure.source_id})
    figure.refresh_from_db()
    assert (figure.value, figure.awaiting_approval) == (500, False)
    figure_action(client, alice, "submit", figure)
    refused = figure_action(client, bilal, "approve", figure, shown=seen)

    assert "This changed after you opened it" in page_text(refused)
    figure.refresh_from_db()
    assert figure.visibility == Visibility.DRAFT


@pytest.mark.parametrize("model", ["case", "statistic"])
def test_the_database_refuses_a_public_row_without_approval(model):
    with pytest.raises(IntegrityError), transaction.atomic():
        if model == "case":
            Case.objects.create(reference="zq-unapproved", visibility=Visibility.PUBLIC)
        else:
            Statistic.objects.create(label="x", value=1, scope="county", source=source(), visibility="public")
    figure = Statistic.objects.create(label="y", value=1, scope="county", source=source())
    with pytest.raises(IntegrityError), transaction.atomic():
        Statistic.objects.filter(pk=figure.pk).update(visibility="public")


@pytest.mark.parametrize(
    ("before", "after", "marked_before", "marked_after"),
    [
        ("Detained in 2018.", "Detained in 2019.", ["2018."], ["2019."]),
        ("", "New text", [], ["New text"]),
        ("Old text", "", ["Old text"], []),
        ("One\n\nTwo", "One\n\nTwo three", [], [" three"]),
    ],
)
def test_the_diff_marks_only_the_words_that_change(before, after, marked_before, marked_after):
    change = FieldChange("summary", before, after)
    assert [part.text for part in change.before_parts if part.changed] == marked_before
    assert [part.text for part in change.after_parts if part.changed] == marked_after
    assert "".join(part.text for part in change.before_parts) == before
    assert "".join(part.text for part in change.after_parts) == after


def test_the_review_page_marks_the_changed_words(client, editors, person):
    alice, bilal = editors
    propose_on_desk(client, alice, person, summary="Detained in 2019.")
    client.force_login(bilal)
    page = client.get(reverse("organisers:case_revision", kwargs={"pk": CaseRevision.objects.proposed().get().pk}))
    assert "Detained in <del>2018.</del>" in page.content.decode()
    assert "Detained in <ins>2019.</ins>" in page.content.decode()


def test_hostile_notes_and_queries_never_break_the_review_pages(client, editors, person):
    alice, bilal = editors
    client.force_login(bilal)
    for number, value in enumerate(TEXT):
        content = snapshot(person)
        content["case"]["summary"] = f"Version {number}"
        revision = revision_propose(case=person, content=content, by=alice, note=value.replace("\x00", ""))
        response = client.post(reverse("organisers:case_revision_reject", kwargs={"pk": revision.pk}), {"note": value})
        assert response.status_code < 500, value[:30]
        page = client.get(reverse("organisers:case_revision", kwargs={"pk": revision.pk})).content.decode()
        assert not any(marker in page for marker in SCRIPT_MARKERS), value[:30]
    assert not any("\x00" in note for note in CaseRevision.objects.values_list("review_note", flat=True))
    for url in (reverse("organisers:case_reviews"), reverse("organisers:case_versions", args=[person.reference])):
        for value in RAW_QUERY:
            response = client.get(f"{url}?page={value}")
            assert response.status_code < 500, (url, value[:30])
            assert not any(marker in response.content.decode() for marker in SCRIPT_MARKERS)
