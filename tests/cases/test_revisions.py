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
from tests.cases.factories import add_testimony, draft_case, source
from tests.conftest import page_text
from tests.hostile import RAW_QUERY, SCRIPT_MARKERS, TEXT
from tests.organisers.factories import case_editor, organiser_user

pytestmark = pytest.mark.django_db


def admin_form_data(response) -> dict:
    """What the admin change form would send back unchanged: the main form's
    and every inline's current values, with the management forms."""
    data = {}

    def add(form):
        for name, bound in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool) or type(bound).__name__ == "BooleanField":
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        data[management.add_prefix("TOTAL_FORMS")] = len(formset.initial_forms)  # no blank extra rows
        for form in formset.initial_forms:
            add(form)
    return data


@pytest.fixture
def editors():
    return case_editor("alice"), case_editor("bilal")


@pytest.fixture
def person(editors):
    alice, bilal = editors
    case = draft_case(name="Kali Maolai", summary="Detained in 2018.", reference="kali-maolai")
    add_testimony(case, summary="Her husband spoke.", testifier_name="Zqtestifier", consent="anonymous")
    case_submit(case=case, by=alice)
    return case_approve(case=case, by=bilal)


def change_url(case: Case) -> str:
    return reverse("admin:cases_case_change", args=[case.pk])


def propose_in_admin(client, account, case: Case, **changes):
    client.force_login(account)
    data = admin_form_data(client.get(change_url(case))) | changes
    return client.post(change_url(case), data, follow=True)


def public_page(client, case: Case) -> str:
    client.logout()
    return page_text(client.get(case.get_absolute_url()))


def test_a_public_edit_is_invisible_until_a_second_editor_approves_it(client, editors, person):
    alice, bilal = editors

    proposed = propose_in_admin(
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
    approved = client.post(reverse("organisers:case_revision_approve", kwargs={"pk": revision.pk}), follow=True)

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
    propose_in_admin(client, alice, person, hometown_place="Ghulja", **{"testimonies-0-consent": "named"})
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
    client.post(reverse("organisers:case_revision_approve", kwargs={"pk": revision.pk}))
    assert "Zqtestifier" in public_page(client, person)


def test_an_editor_cannot_approve_their_own_change(client, editors, person):
    alice, _ = editors
    propose_in_admin(client, alice, person, summary="Changed by Alice.")
    revision = CaseRevision.objects.proposed().get()

    page = client.get(reverse("organisers:case_revision", kwargs={"pk": revision.pk}))
    assert "You proposed this change: a second case editor must review it." in page_text(page)
    refused = client.post(reverse("organisers:case_revision_approve", kwargs={"pk": revision.pk}), follow=True)

    assert "you cannot review your own" in page_text(refused)
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
    propose_in_admin(client, alice, person, summary="Wrong.", **{"names-0-text": "Zqwrongname"})
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
    propose_in_admin(client, alice, person, summary="Second version.")
    client.force_login(bilal)
    client.post(reverse("organisers:case_revision_approve", kwargs={"pk": CaseRevision.objects.proposed().get().pk}))
    assert "Second version." in public_page(client, person)

    client.force_login(bilal)
    versions = page_text(client.get(reverse("organisers:case_versions", kwargs={"reference": person.reference})))
    assert f"#{first.pk}" in versions and "shown to the public" in versions
    client.post(reverse("organisers:case_revision_restore", kwargs={"pk": first.pk}), {"note": "Back"})
    restoring = CaseRevision.objects.proposed().get()
    assert (restoring.origin, restoring.restores, restoring.proposed_by) == ("restore", first, bilal)
    assert "Second version." in public_page(client, person)  # not yet

    client.force_login(alice)
    client.post(reverse("organisers:case_revision_approve", kwargs={"pk": restoring.pk}))

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

    revision_approve(revision=revision, by=bilal)

    assert sorted(person.names.values_list("text", flat=True)) == ["Kali Maolai", "Қали Маулай"]
    assert not person.testimonies.exists()
    assert list(Case.objects.public().search("маулай")) == [person]
    # The approved version holds the new rows' real ids: the next edit compares cleanly.
    assert compare(CaseRevision.objects.approved().last().content, snapshot(person)) == []


def test_a_change_approved_since_makes_an_older_proposal_out_of_date(client, editors, person):
    alice, bilal = editors
    propose_in_admin(client, alice, person, summary="First proposal.")
    propose_in_admin(client, alice, person, summary="Second proposal.")
    first, second = CaseRevision.objects.proposed().order_by("pk")
    revision_approve(revision=first, by=bilal)

    client.force_login(bilal)
    assert "It cannot be approved as it stands" in page_text(
        client.get(reverse("organisers:case_revision", kwargs={"pk": second.pk}))
    )
    refused = client.post(reverse("organisers:case_revision_approve", kwargs={"pk": second.pk}), follow=True)
    assert "Another change to this case was approved since" in page_text(refused)
    person.refresh_from_db()
    assert person.summary == "First proposal."


def test_saving_a_public_case_unchanged_proposes_nothing(client, editors, person):
    alice, _ = editors
    page = propose_in_admin(client, alice, person)
    assert "Nothing changed." in page_text(page)
    assert not CaseRevision.objects.proposed().exists()


def test_draft_cases_are_still_edited_directly(client, editors):
    alice, _ = editors
    case = draft_case(name="Draft Person", summary="Old")
    propose_in_admin(client, alice, case, summary="New")
    case.refresh_from_db()
    assert case.summary == "New"
    assert not CaseRevision.objects.exists()


def test_a_public_cases_testimony_cannot_be_changed_or_added_on_the_testimony_page(client, editors, person):
    alice, _ = editors
    testimony = person.testimonies.get()
    client.force_login(alice)
    url = reverse("admin:cases_testimony_change", args=[testimony.pk])
    form = client.get(url)
    assert "consent" not in form.context["adminform"].form.fields
    client.post(url, admin_form_data(form) | {"consent": "named"})
    testimony.refresh_from_db()
    assert testimony.consent == CaseTestimony.Consent.ANONYMOUS

    added = client.post(
        reverse("admin:cases_testimony_add"),
        {
            "case": person.pk, "testifier_label": "a cousin", "relationship": "relative", "summary": "Zq added",
            "consent": "named", "date_precision": "day", "contact-TOTAL_FORMS": 0, "contact-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert "This case is public: add the testimony on the case" in page_text(added)
    assert not CaseTestimony.objects.filter(summary="Zq added").exists()


def test_a_publicly_cited_sources_public_fields_are_read_only(client, editors, person):
    alice, _ = editors
    cited = source(title="Cited")
    person.sources.add(cited)
    client.force_login(alice)
    form = client.get(reverse("admin:cases_source_change", args=[cited.pk]))
    assert "title" not in form.context["adminform"].form.fields
    assert "internal_notes" in form.context["adminform"].form.fields


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
    response = client.post(reverse("organisers:case_revision_approve", kwargs={"pk": revision.pk}))
    assert response.status_code == (302 if role == "anonymous" else 403)
    revision.refresh_from_db()
    assert revision.state == CaseRevision.State.PROPOSED


def test_the_review_queue_lists_what_waits(client, editors, person):
    alice, bilal = editors
    propose_in_admin(client, alice, person, summary="Queued change.", change_note="Zq queued")
    client.force_login(bilal)
    page = page_text(client.get(reverse("organisers:case_reviews")))
    assert "kali-maolai Zq queued alice" in page


# --- Figures --------------------------------------------------------------------


def act(client, account, action: str, statistic: Statistic):
    client.force_login(account)
    return client.post(
        reverse("admin:cases_statistic_changelist"), {"action": action, "_selected_action": [statistic.pk]}, follow=True
    )


def test_a_figure_goes_public_only_with_a_second_editor(client, editors):
    alice, bilal = editors
    figure = Statistic.objects.create(label="Zq figure", value=5, scope="county", source=source())

    act(client, alice, "submit_for_publication", figure)
    own = act(client, alice, "approve_publication", figure)
    assert "you cannot approve your own" in page_text(own)
    figure.refresh_from_db()
    assert figure.visibility == Visibility.DRAFT
    client.logout()
    assert "Zq figure" not in page_text(client.get(reverse("cases:statistics")))

    act(client, bilal, "approve_publication", figure)
    figure.refresh_from_db()
    assert (figure.visibility, figure.submitted_by, figure.approved_by) == (Visibility.PUBLIC, alice, bilal)
    client.logout()
    assert "Zq figure" in page_text(client.get(reverse("cases:statistics")))

    act(client, alice, "unpublish", figure)
    figure.refresh_from_db()
    assert figure.visibility == Visibility.INTERNAL
    trail = list(AuditEntry.objects.filter(target_type="statistic").order_by("pk").values_list("action", "actor"))
    assert trail == [
        (audit_actions.STATISTIC_SUBMIT, alice.pk),
        (audit_actions.STATISTIC_APPROVE, bilal.pk),
        (audit_actions.STATISTIC_UNPUBLISH, alice.pk),
    ]


def test_a_figures_visibility_is_not_editable_in_its_form(client, editors):
    alice, _ = editors
    figure = Statistic.objects.create(label="Zq figure", value=5, scope="county", source=source())
    client.force_login(alice)
    url = reverse("admin:cases_statistic_change", args=[figure.pk])
    form = client.get(url)
    assert "visibility" not in form.context["adminform"].form.fields
    client.post(url, admin_form_data(form) | {"visibility": "public"})
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
    propose_in_admin(client, alice, person, summary="Detained in 2019.")
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
