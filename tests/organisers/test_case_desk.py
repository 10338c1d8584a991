"""The case desk: every change to a case is a version, and what the public
sees changes only when a second case editor approves exactly the version
they were shown."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from cases import audit_actions
from cases.models import Case, CaseName, CaseRevision, Visibility
from cases.models import Testimony as CaseTestimony
from cases.publication import case_approve, case_submit
from cases.revisions import publication_proposal
from tests.cases.factories import add_testimony, draft_case, source
from tests.conftest import page_text
from tests.organisers.factories import case_editor, organiser_user, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors():
    return case_editor("alice"), case_editor("bilal")


def desk_case(case: Case, name: str = "desk_case") -> str:
    return reverse(f"organisers:{name}", kwargs={"reference": case.reference})


def section_url(case: Case, section: str) -> str:
    return reverse("organisers:desk_case_section", kwargs={"reference": case.reference, "section": section})


def case_form(client, case: Case, **changes) -> dict:
    """What the case's edit page sends back, with `changes`."""
    form = client.get(desk_case(case, "desk_case_edit")).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if name == "sources":
            data[name] = [str(pk) for pk in value or []]
        elif type(field).__name__ == "BooleanField":
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data | changes


def edit_case(client, case: Case, note: str = "", **changes):
    return client.post(desk_case(case, "desk_case_edit"), case_form(client, case, **changes) | {"note": note})


def section_form(client, case: Case, section: str) -> dict:
    formset = client.get(section_url(case, section)).context["formset"]
    data = {f"{section}-{key}": value for key, value in formset.management_form.initial.items()}
    data[f"{section}-TOTAL_FORMS"] = str(len(formset.initial_forms))
    for form in formset.initial_forms:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if type(field).__name__ == "BooleanField":
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = str(value)
    return data


def review(client, revision: CaseRevision):
    return client.get(reverse("organisers:case_revision", kwargs={"pk": revision.pk}))


def approve(client, revision: CaseRevision, shown: str | None = None):
    return client.post(
        reverse("organisers:case_revision_approve", kwargs={"pk": revision.pk}),
        {"shown": revision.content_hash if shown is None else shown},
        follow=True,
    )


def shown_hash(page) -> str:
    return page.context["revision"].content_hash


def public_text(client, case: Case) -> str:
    client.logout()
    response = client.get(case.get_absolute_url())
    return page_text(response) if response.status_code == 200 else ""


def published(editors, **fields) -> Case:
    alice, bilal = editors
    case = draft_case(**fields)
    case_submit(case=case, by=alice)
    return case_approve(case=case, by=bilal, shown=publication_proposal(case).content_hash)


# --- The bug: an edit after submission went public unreviewed --------------------


def test_an_edit_after_submission_never_goes_public_unreviewed(client, editors):
    alice, bilal = editors
    case = draft_case(name="Kali Maolai", summary="Detained in 2018.")
    client.force_login(alice)
    client.post(desk_case(case, "desk_case_submit"))
    submitted = publication_proposal(case)

    client.force_login(bilal)
    seen = shown_hash(review(client, submitted))  # Bilal reads the submitted text

    client.force_login(alice)
    edit_case(client, case, summary="Unreviewed words.")
    client.post(desk_case(case, "desk_case_submit"))

    client.force_login(bilal)
    refused = approve(client, submitted, shown=seen)

    assert "replaced this one" in page_text(refused) or "not the one you were shown" in page_text(refused)
    case.refresh_from_db()
    assert case.visibility == Visibility.DRAFT
    assert "Unreviewed words" not in public_text(client, case)


def test_a_change_behind_the_desk_after_submission_cannot_be_approved(client, editors):
    """Whatever path changes the rows (a shell, an old admin form, an
    import), the case published is the one the reviewer was shown."""
    alice, bilal = editors
    case = draft_case(name="Kali Maolai", summary="Detained in 2018.")
    case_submit(case=case, by=alice)
    Case.objects.filter(pk=case.pk).update(summary="Changed behind the desk.")

    client.force_login(bilal)
    revision = publication_proposal(case)
    refused = approve(client, revision)

    assert "changed after you opened it" in page_text(refused)
    case.refresh_from_db()
    assert case.visibility == Visibility.DRAFT


def test_two_editors_publish_a_draft_through_the_desk(client, editors):
    alice, bilal = editors
    client.force_login(alice)
    started = client.post(
        reverse("organisers:desk_case_create"),
        {"reference": "kali-maolai", "name": "Kali Maolai", "script": "latin", "status": "camp",
         "summary": "Detained in 2018.", "language": "en"},
    )  # fmt: skip
    case = Case.objects.get(reference="kali-maolai")
    assert started["Location"] == desk_case(case)
    client.post(desk_case(case, "desk_case_submit"))
    revision = publication_proposal(case)

    own = approve(client, revision)
    assert "You may not review your own change" in page_text(own)

    client.force_login(bilal)
    page = review(client, revision)
    assert "Detained in 2018." in page_text(page) and "Kali Maolai (Latin)" in page_text(page)
    approved = approve(client, revision, shown=shown_hash(page))

    assert "Approved" in page_text(approved)
    case.refresh_from_db()
    assert (case.visibility, case.submitted_by, case.approved_by) == (Visibility.PUBLIC, alice, bilal)
    assert "Detained in 2018." in public_text(client, case)
    trail = AuditEntry.objects.filter(target_type="case", target_id=str(case.pk)).values_list("action", flat=True)
    assert {audit_actions.CASE_SUBMIT, audit_actions.CASE_APPROVE, audit_actions.CASE_PUBLISH} <= set(trail)


# --- Changes to a public case ------------------------------------------------------


def test_a_public_edit_waits_and_a_later_edit_supersedes_it(client, editors):
    alice, bilal = editors
    case = published(editors, name="Kali Maolai", summary="Detained in 2018.")
    client.force_login(alice)
    first = edit_case(client, case, summary="Detained in March 2018.", note="Month from RFA")
    revision = CaseRevision.objects.get(state=CaseRevision.State.PROPOSED)
    assert first["Location"] == reverse("organisers:case_revision", kwargs={"pk": revision.pk})
    assert "Detained in 2018." in public_text(client, case)

    client.force_login(bilal)
    page = review(client, revision)
    assert "Detained in 2018." in page_text(page) and "Detained in March 2018." in page_text(page)
    seen = shown_hash(page)

    client.force_login(alice)
    edit_case(client, case, summary="Released in 2020.")
    later = CaseRevision.objects.get(state=CaseRevision.State.PROPOSED)

    client.force_login(bilal)
    refused = approve(client, revision, shown=seen)
    assert "A later change to this case replaced this one" in page_text(refused)
    assert "Released" not in public_text(client, case)

    client.force_login(bilal)
    approve(client, later, shown=shown_hash(review(client, later)))
    text = public_text(client, case)
    assert "Released in 2020." in text and "Detained in 2018." not in text


def test_approval_needs_the_fingerprint_of_what_was_shown(client, editors):
    alice, bilal = editors
    case = published(editors, summary="Detained in 2018.")
    client.force_login(alice)
    edit_case(client, case, summary="Something else.")
    revision = CaseRevision.objects.get(state=CaseRevision.State.PROPOSED)

    client.force_login(bilal)
    refused = approve(client, revision, shown="0" * 64)

    assert "not the one you were shown" in page_text(refused)
    assert "Something else" not in public_text(client, case)


def test_a_rejection_says_why_to_its_author(client, editors):
    alice, bilal = editors
    case = published(editors, summary="Detained in 2018.")
    client.force_login(alice)
    edit_case(client, case, summary="Rumour.")
    revision = CaseRevision.objects.get(state=CaseRevision.State.PROPOSED)

    client.force_login(bilal)
    url = reverse("organisers:case_revision_reject", kwargs={"pk": revision.pk})
    no_reason = client.post(url, {"note": ""}, follow=True)
    assert "Say why the change is rejected" in page_text(no_reason)
    client.post(url, {"note": "No source for this."})

    client.force_login(alice)
    desk = page_text(client.get(reverse("organisers:desk")))
    assert "Your changes sent back" in desk and "No source for this." in desk
    assert "Rumour" not in public_text(client, case)


def test_a_testimonys_consent_change_is_called_out_for_the_reviewer(client, editors):
    alice, bilal = editors
    case = draft_case(name="Kali Maolai")
    add_testimony(case, testifier_name="Zqtestifier", consent=CaseTestimony.Consent.ANONYMOUS)
    case_submit(case=case, by=alice)
    case_approve(case=case, by=bilal, shown=publication_proposal(case).content_hash)

    client.force_login(alice)
    data = section_form(client, case, "testimonies")
    data["testimonies-0-consent"] = CaseTestimony.Consent.NAMED
    client.post(section_url(case, "testimonies"), data | {"note": "She agreed"})
    revision = CaseRevision.objects.get(state=CaseRevision.State.PROPOSED)
    assert "Zqtestifier" not in public_text(client, case)

    client.force_login(bilal)
    page = review(client, revision)
    assert "check: who is named or shown" in page_text(page)
    approve(client, revision, shown=shown_hash(page))
    assert "Zqtestifier" in public_text(client, case)


def test_names_are_edited_by_script_and_a_draft_takes_them_at_once(client, editors):
    alice, _bilal = editors
    case = draft_case(name="Kali Maolai")
    client.force_login(alice)
    data = section_form(client, case, "names")
    data |= {
        "names-TOTAL_FORMS": "2",
        "names-1-text": "قالى ماولاي",
        "names-1-script": "arabic",
        "names-1-system": "reported",
    }
    saved = client.post(section_url(case, "names"), data)

    assert saved["Location"] == desk_case(case)
    assert set(case.names.values_list("text", "script")) == {("Kali Maolai", "latin"), ("قالى ماولاي", "arabic")}
    assert CaseRevision.objects.filter(case=case, state=CaseRevision.State.SAVED).exists()


def test_two_preferred_spellings_are_refused_with_nothing_saved(client, editors):
    alice, _bilal = editors
    case = draft_case(name="Kali Maolai")
    client.force_login(alice)
    data = section_form(client, case, "names")
    data |= {"names-TOTAL_FORMS": "2", "names-1-text": "Kali", "names-1-script": "latin", "names-1-system": "reported"}
    data["names-1-preferred"] = "on"

    refused = client.post(section_url(case, "names"), data)

    assert refused.status_code == 400 and "Only one spelling can be the preferred one." in page_text(refused)
    assert list(case.names.values_list("text", flat=True)) == ["Kali Maolai"]


def test_an_edit_of_a_submitted_draft_withdraws_the_submission(client, editors):
    alice, _bilal = editors
    case = draft_case(summary="First.")
    case_submit(case=case, by=alice)
    client.force_login(alice)

    edit_case(client, case, summary="Second.")

    case.refresh_from_db()
    assert case.summary == "Second." and not case.awaiting_approval
    assert CaseRevision.objects.get(origin=CaseRevision.Origin.PUBLICATION).state == CaseRevision.State.SUPERSEDED


def test_a_source_is_added_and_cited(client, editors):
    alice, _bilal = editors
    case = draft_case()
    client.force_login(alice)
    client.post(
        reverse("organisers:desk_source_create") + f"?case={case.reference}",
        {"publisher": "RFA", "title": "Detained", "kind": "news"},
    )
    cited = source(publisher="Other")
    edit_case(client, case, sources=[str(cited.pk)])

    assert list(case.sources.values_list("publisher", flat=True)) == ["Other"]


# --- Finding the desk --------------------------------------------------------------


def test_every_case_editor_finds_the_desk_with_the_number_waiting(client, editors):
    alice, bilal = editors
    case = draft_case()
    case_submit(case=case, by=alice)

    client.force_login(bilal)
    nav = page_text(client.get(reverse("petitions:list")))
    assert "Case desk 1 waiting for you" in nav
    client.force_login(alice)
    assert "Case desk 1" not in page_text(client.get(reverse("petitions:list")))
    client.force_login(organiser_user("olga"))
    assert "Case desk" not in page_text(client.get(reverse("petitions:list")))


def test_the_case_list_filters(client, editors):
    alice, _bilal = editors
    published(editors, name="Kali Maolai", reference="kali-maolai")
    draft_case(name="Zqdraft Person", reference="zq-draft")
    client.force_login(alice)

    drafts = page_text(client.get(reverse("organisers:desk_cases"), {"visibility": "draft"}))
    found = page_text(client.get(reverse("organisers:desk_cases"), {"q": "maolai"}))

    assert "Zqdraft Person" in drafts and "Kali Maolai" not in drafts
    assert "Kali Maolai" in found and "Zqdraft" not in found


# --- The admin is no second way in --------------------------------------------------


@pytest.mark.parametrize("who", ["case_editor", "superuser"])
def test_the_admin_changes_no_case(client, editors, who):
    case = published(editors, summary="Detained in 2018.")
    account = editors[0] if who == "case_editor" else user("root", staff=True)
    if who == "superuser":
        account.is_superuser = True
        account.save(update_fields=["is_superuser"])
    client.force_login(account)
    change = reverse("admin:cases_case_change", args=[case.pk])

    assert client.post(change, {"summary": "Through the admin."}).status_code == 403
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    assert client.post(reverse("admin:cases_case_delete", args=[case.pk]), {"post": "yes"}).status_code == 403
    for model in ("source", "statistic", "testimony"):
        assert client.get(reverse(f"admin:cases_{model}_add")).status_code == 403
    case.refresh_from_db()
    assert case.summary == "Detained in 2018."
    assert CaseName.objects.filter(case=case).count() == 1


# --- A family's words are a source, not the copy ------------------------------------


def test_a_familys_account_is_shown_beside_the_text_an_editor_writes(client, editors):
    from cases.intake import submission_convert
    from tests.cases.intake_factories import new_case_submission

    alice, bilal = editors
    submission = new_case_submission(name_latin="Mihrigul Tursun", publication="named")
    case = submission_convert(submission=submission, by=alice)
    client.force_login(alice)
    client.post(desk_case(case, "desk_case_submit"))
    proposal = publication_proposal(case)

    client.force_login(bilal)
    page = review(client, proposal)
    assert "What the family told us" in page_text(page) and "Taken from her home at night." in page_text(page)
    refused = approve(client, proposal, shown=shown_hash(page))
    assert "Write the public text of every testimony" in page_text(refused)

    client.force_login(alice)
    data = section_form(client, case, "testimonies")
    data["testimonies-0-summary"] = "Her sister says police took her in 2018."
    client.post(section_url(case, "testimonies"), data)
    client.post(desk_case(case, "desk_case_submit"))
    proposal = publication_proposal(case)

    client.force_login(bilal)
    page = review(client, proposal)
    text = page_text(page)
    assert "Taken from her home at night." in text and "Her sister says police took her in 2018." in text
    approve(client, proposal, shown=shown_hash(page))
    public = public_text(client, case)
    assert "Her sister says police took her in 2018." in public
    assert "Taken from her home at night." not in public


# --- The public correction log ---------------------------------------------------------


def test_an_approved_change_leaves_a_public_correction_and_nothing_private(client, editors):
    alice, bilal = editors
    case = published(editors, summary="Detained in 2018.", status="camp")
    client.force_login(alice)
    edit_case(
        client, case, status="sentenced", note="Zqinternal: the cousin in Ghulja told us",
        public_reason="Sentence reported by RFA.",
    )  # fmt: skip
    revision = CaseRevision.objects.get(state=CaseRevision.State.PROPOSED)
    assert "Sentence reported by RFA." not in public_text(client, case)

    client.force_login(bilal)
    approve(client, revision, shown=shown_hash(review(client, revision)))

    page = public_text(client, case)
    assert "Corrections" in page and "status: Sentence reported by RFA." in page
    assert "Zqinternal" not in page
    feed = client.get(reverse("cases:corrections_feed", kwargs={"reference": case.reference})).content.decode()
    assert "Sentence reported by RFA." in feed and "Zqinternal" not in feed and "alice" not in feed


def test_a_case_not_public_has_no_correction_feed(client, editors):
    case = draft_case()
    assert client.get(reverse("cases:corrections_feed", kwargs={"reference": case.reference})).status_code == 404
