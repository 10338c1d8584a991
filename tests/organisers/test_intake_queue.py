"""The intake queue: case editors find the real submissions among junk,
spot people already documented, turn a family's account into a draft case
that still needs a second person to publish, ask for more, or close; every
step, and every reading of a sender's contact, is audited."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from cases import audit_actions
from cases.intake import closed_submissions_erase, submission_close
from cases.models import Case, Submission, SubmissionFile
from cases.models import Testimony as CaseTestimony
from cases.publication import case_approve, case_submit
from tests.accounts.second_factors import enrolled, totp_code
from tests.cases.factories import draft_case, public_case, shown_for_publication
from tests.cases.intake_factories import PDF_BYTES, case_request, document, new_case_submission, photo
from tests.conftest import page_text
from tests.organisers.factories import case_editor

pytestmark = pytest.mark.django_db

QUEUE = "/en/organisers/intake/"


@pytest.fixture
def editor(client):
    account = case_editor("editor")
    client.force_login(account)
    return account


def detail(submission) -> str:
    return reverse("organisers:intake_detail", kwargs={"pk": submission.pk})


def action(name: str, submission) -> str:
    return reverse(f"organisers:{name}", kwargs={"pk": submission.pk})


def entries(action_name) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action_name))


def test_open_removal_requests_come_first_then_the_newest(client, editor):
    now = timezone.now()
    old_removal = case_request(public_case(name="Gulbahar Jalilova"))
    Submission.objects.filter(pk=old_removal.pk).update(created_at=now - datetime.timedelta(days=3))
    closed_removal = case_request(public_case(name="Closed Removal"))
    submission_close(submission=closed_removal, reason="handled", by=editor)
    older = new_case_submission(name_latin="Older Person")
    Submission.objects.filter(pk=older.pk).update(created_at=now - datetime.timedelta(days=1))
    newest = new_case_submission(name_latin="Newest Person")

    response = client.get(QUEUE)
    assert response.status_code == 200
    shown = [submission.pk for submission in response.context["page"].object_list]
    assert shown == [old_removal.pk, newest.pk, older.pk]  # closed ones are not in the open queue
    assert "1 removal request is waiting for a decision." in page_text(response)
    everything = [s.pk for s in client.get(QUEUE, {"state": "all"}).context["page"].object_list]
    assert everything == [old_removal.pk, newest.pk, closed_removal.pk, older.pk]  # closed: no longer urgent


def test_filters_by_state_kind_contact_and_language(client, editor):
    with_contact = new_case_submission(name_latin="With Contact")
    without = new_case_submission(name_latin="No Contact", contact_email="", contact_other="")
    phone_only = new_case_submission(name_latin="Phone Only", contact_email="")
    correction = case_request(public_case(), kind="correction")
    Submission.objects.filter(pk=without.pk).update(language="ug")

    def shown(**query):
        return {s.pk for s in client.get(QUEUE, query).context["page"].object_list}

    assert shown(kind="correction") == {correction.pk}
    assert shown(contact="yes") == {with_contact.pk, phone_only.pk}
    assert shown(contact="no") == {without.pk, correction.pk}
    assert shown(language="ug") == {without.pk}
    assert shown(state="closed") == set()
    assert shown(state="bogus") == {with_contact.pk, without.pk, phone_only.pk, correction.pk}  # ignored


def test_junk_is_closed_in_bulk_each_one_audited(client, editor):
    junk = [new_case_submission(name_latin=f"Junk {n}") for n in range(3)]
    real = new_case_submission(name_latin="Real Person")
    response = client.post(
        reverse("organisers:intake_close_selected"),
        {"ids": [s.pk for s in junk], "reason": "junk", "note": "Spam wave"},
    )
    assert response.status_code == 302
    assert set(Submission.objects.filter(state="closed").values_list("pk", flat=True)) == {s.pk for s in junk}
    assert Submission.objects.get(pk=real.pk).state == "new"
    closes = entries(audit_actions.SUBMISSION_CLOSE)
    assert len(closes) == 3 and {e.details["close_reason"] for e in closes} == {"junk"}
    assert {e.reason for e in closes} == {"Spam wave"}
    # Closing again changes nothing and audits nothing.
    client.post(reverse("organisers:intake_close_selected"), {"ids": [junk[0].pk], "reason": "junk"})
    assert len(entries(audit_actions.SUBMISSION_CLOSE)) == 3


def test_the_detail_shows_duplicate_candidates_by_every_name_given(client, editor):
    public = public_case(name="Mihrigul Tursun")
    draft = draft_case(name="Other", spellings=("مىھرىگۈل تۇرسۇن",))
    unrelated = public_case(name="Ilham Tohti")
    submission = new_case_submission(name_latin="Mihrigul Tursun", name_arabic="مىھرىگۈل تۇرسۇن")

    response = client.get(detail(submission))
    assert response.status_code == 200
    candidates = {case.pk for case in response.context["candidates"]}
    assert candidates == {public.pk, draft.pk}
    assert unrelated.pk not in candidates
    text = page_text(response)
    assert "Taken from her home at night." in text
    # The contact is one click away, never on the page itself.
    assert "sister@example.org" not in response.content.decode() and "+90 555" not in response.content.decode()


def test_mark_a_possible_duplicate(client, editor):
    case = public_case(name="Mihrigul Tursun")
    submission = new_case_submission()
    response = client.post(action("intake_duplicate", submission), {"reference": case.reference})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.state, submission.duplicate_of, submission.handled_by) == ("duplicate", case, editor)
    (entry,) = entries(audit_actions.SUBMISSION_DUPLICATE)
    assert entry.details == {"case": case.reference} and entry.actor == editor

    unknown = client.post(action("intake_duplicate", new_case_submission()), {"reference": "no-such-case"})
    assert unknown.status_code == 400 and "No case has this reference." in page_text(unknown)


@pytest.mark.parametrize(
    ("publication", "consent"),
    [
        ("nothing", CaseTestimony.Consent.INTERNAL),
        ("anonymous", CaseTestimony.Consent.ANONYMOUS),
        ("named", CaseTestimony.Consent.NAMED),
        ("photo", CaseTestimony.Consent.NAMED),
    ],
)
def test_convert_to_a_draft_case_carrying_the_family_consent(client, editor, publication, consent):
    submission = new_case_submission(
        name_latin="Mihrigul Tursun", name_cyrillic="Михригүл Турсун", publication=publication,
        detained_year=2018, detained_month=4, last_contact_year=2019,
    )  # fmt: skip
    response = client.post(action("intake_convert", submission))
    assert response.status_code == 302 and response["Location"] == detail(submission)

    submission.refresh_from_db()
    case = submission.draft
    assert submission.state == "converted" and case.visibility == "draft" and case.approved_at is None
    assert [(n.text, n.script, n.preferred) for n in case.names.order_by("pk")] == [
        ("Mihrigul Tursun", "latin", True),
        ("Михригүл Турсун", "cyrillic", False),
    ]
    assert case.hometown_place == "Cherchen"
    # The family's words are a source, never the public text.
    assert case.summary == ""
    events = {event.kind: (event.date, event.date_precision) for event in case.events.all()}
    assert events == {
        "detained": (datetime.date(2018, 4, 1), "month"),
        "last_contact": (datetime.date(2019, 1, 1), "year"),
    }
    (testimony,) = case.testimonies.all()
    assert testimony.consent == consent and testimony.summary == ""
    assert testimony.source.kind == "family" and "Taken from her home" not in str(testimony.source.__dict__)
    assert testimony.relationship == "sibling"
    assert not Case.objects.public().filter(pk=case.pk).exists()
    (entry,) = entries(audit_actions.SUBMISSION_CONVERT)
    assert entry.details == {"case": case.reference, "publication": publication}
    assert "Draft case" in page_text(client.get(detail(submission)))

    # Publishing still takes a second person, and a testimony's public text written by an editor.
    case_submit(case=case, by=editor)
    if consent != CaseTestimony.Consent.INTERNAL:
        with pytest.raises(Exception, match="Write the public text"):
            case_approve(case=case, by=case_editor("early"), shown=shown_for_publication(case))
        case.testimonies.update(summary="Her sister says she was taken in 2018.")
        case.submitted_by = case.submitted_at = None
        case.save(update_fields=["submitted_by", "submitted_at"])
        case.revisions.proposed().update(state="superseded")
        case_submit(case=case, by=editor)
    with pytest.raises(Exception, match="You may not review your own change"):
        case_approve(case=case, by=editor, shown=shown_for_publication(case))
    case_approve(case=case, by=case_editor("second"), shown=shown_for_publication(case))
    assert Case.objects.public().filter(pk=case.pk).exists()


@pytest.mark.parametrize(("publication", "consent"), [("photo", "public"), ("named", "internal")])
def test_the_familys_pictures_become_photos_of_the_draft_that_still_need_approval(client, editor, publication, consent):
    from cases.models import Photo

    submission = new_case_submission(publication=publication, uploads=[photo()])
    client.post(action("intake_convert", submission))

    submission.refresh_from_db()
    (picture,) = submission.draft.photos.all()
    assert picture.consent == consent and picture.alt == ""
    assert not Photo.objects.published().filter(pk=picture.pk).exists()
    assert f"intake submission #{submission.pk}" in picture.source
    assert submission.files.count() == 1  # the family's file stays with the submission


def test_a_submission_is_converted_once(client, editor):
    submission = new_case_submission()
    client.post(action("intake_convert", submission))
    again = client.post(action("intake_convert", submission), follow=True)
    assert "no longer open" in page_text(again)
    assert Case.objects.count() == 1


def test_a_request_about_a_case_cannot_become_a_draft(client, editor):
    submission = case_request(public_case(), kind="correction")
    response = client.post(action("intake_convert", submission), follow=True)
    assert "Only a submission about someone new can become a draft case." in page_text(response)
    assert Case.objects.count() == 1


def test_ask_for_more_information_mails_the_family_and_audits_the_message_not_the_address(
    client, editor, django_capture_on_commit_callbacks
):
    submission = new_case_submission()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action("intake_ask", submission), {"message": "Which county is Cherchen in?"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["sister@example.org"]
    assert "Which county is Cherchen in?" in message.body and "Hello," in message.body
    submission.refresh_from_db()
    assert submission.state == "waiting"
    (entry,) = entries(audit_actions.SUBMISSION_ASK)
    assert entry.details == {"message": "Which county is Cherchen in?"}
    assert "sister@example.org" not in str(entry.details) + entry.reason


def test_no_email_no_questions(client, editor):
    submission = new_case_submission(contact_email="")
    response = client.post(action("intake_ask", submission), {"message": "Where?"}, follow=True)
    assert "there is no one to ask" in page_text(response)
    assert mail.outbox == [] and Submission.objects.get().state == "new"


def test_close_with_a_reason(client, editor):
    submission = new_case_submission()
    response = client.post(action("intake_close", submission), {"reason": "withdrawn", "note": "They asked us to."})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.state, submission.close_reason, submission.editor_note) == (
        "closed",
        "withdrawn",
        "They asked us to.",
    )
    assert entries(audit_actions.SUBMISSION_CLOSE)[0].details == {"close_reason": "withdrawn"}
    bad = client.post(action("intake_close", new_case_submission()), {"reason": "because"})
    assert bad.status_code == 400


def test_every_reading_of_the_contact_is_audited(client, editor):
    submission = new_case_submission()
    for _ in range(2):
        response = client.get(action("intake_contact", submission))
        assert response.status_code == 200
        text = page_text(response)
        assert "sister@example.org" in text and "+90 555 000 0000" in text and "Her sister" in text
        assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    readings = entries(audit_actions.SUBMISSION_CONTACT)
    assert len(readings) == 2 and {e.actor for e in readings} == {editor}
    assert all("sister" not in str(e.details) for e in readings)


def test_a_file_is_served_privately_and_each_opening_audited(client, editor):
    submission = new_case_submission(uploads=[photo()])
    kept = submission.files.get()
    url = reverse("organisers:intake_file", kwargs={"pk": submission.pk, "file_pk": kept.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp" and "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content)[:4] == b"RIFF"
    assert len(entries(audit_actions.SUBMISSION_FILE)) == 1
    other = new_case_submission()
    wrong = reverse("organisers:intake_file", kwargs={"pk": other.pk, "file_pk": kept.pk})
    assert client.get(wrong).status_code == 404


def test_closed_submissions_are_erased_after_the_retention_period_with_their_files(editor):
    now = timezone.now()
    old = new_case_submission(uploads=[photo()])
    submission_close(submission=old, reason="junk", by=editor)
    Submission.objects.filter(pk=old.pk).update(handled_at=now - datetime.timedelta(days=91))
    recent = new_case_submission()
    submission_close(submission=recent, reason="junk", by=editor)
    still_open = new_case_submission()
    name = old.files.get().file.name
    storage = SubmissionFile._meta.get_field("file").storage
    assert storage.exists(name)

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert closed_submissions_erase(now=now, days=90) == 1

    assert set(Submission.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert not storage.exists(name)


def test_the_erase_command_says_what_it_did(editor, capsys):
    from django.core.management import call_command

    old = new_case_submission()
    submission_close(submission=old, reason="junk", by=editor)
    Submission.objects.filter(pk=old.pk).update(handled_at=timezone.now() - datetime.timedelta(days=400))
    call_command("erase_closed_submissions")
    assert "1 closed submission(s)" in capsys.readouterr().out
    assert not Submission.objects.exists()


def test_the_same_entry_in_another_database_is_the_first_duplicate_shown(client, editor):
    from cases.models import CaseIdentifier

    known = public_case(name="Someone Else Entirely")
    CaseIdentifier.objects.create(case=known, database="xjvictims", number="1234")
    by_name = public_case(name="Mihrigul Tursun")
    submission = new_case_submission(
        identifier_database="xjvictims", identifier="https://shahit.biz/eng/viewentry.php?entryno=1234"
    )
    response = client.get(detail(submission))
    candidates = response.context["candidates"]
    assert [case.pk for case in candidates] == [known.pk, by_name.pk]
    assert candidates[0].same_entry and not candidates[1].same_entry
    assert "Same entry in another database" in page_text(response)


def test_conversion_carries_the_entry_in_another_database_unless_a_case_holds_it(client, editor):
    from cases.models import CaseIdentifier

    submission = new_case_submission(identifier_database="xjvictims", identifier="#777")
    client.post(action("intake_convert", submission))
    submission.refresh_from_db()
    assert list(submission.draft.identifiers.values_list("database", "number")) == [("xjvictims", "777")]

    again = new_case_submission(identifier_database="xjvictims", identifier="777")
    client.post(action("intake_convert", again))
    again.refresh_from_db()
    assert again.state == "converted" and not again.draft.identifiers.exists()
    assert CaseIdentifier.objects.filter(number="777").count() == 1


def test_the_queue_reads_a_fixed_number_of_queries_however_long(client, editor, django_assert_max_num_queries):
    for number in range(3):
        new_case_submission(name_latin=f"Person {number}", uploads=[photo()])
        case_request(public_case(), kind="correction")
    client.get(QUEUE)  # sessions, groups and the like, once
    # One of these checks that the session is still listed (accounts.sessions), one counts
    # what waits on the case desk for the menu.
    with django_assert_max_num_queries(10) as first:
        client.get(QUEUE)
    for number in range(10):
        new_case_submission(name_latin=f"More {number}")
        case_request(public_case())
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(QUEUE)
    assert len(response.context["page"].object_list) == 26


def test_a_pdf_is_shown_as_pictures_of_its_pages_and_never_as_the_pdf(client, editor):
    submission = new_case_submission(uploads=[document()])
    kept = submission.files.get()
    assert len(kept.pages) == 2

    listing = client.get(detail(submission))
    assert "Document 1 (PDF, 2 pages)" in page_text(listing)
    response = client.get(reverse("organisers:intake_file", kwargs={"pk": submission.pk, "file_pk": kept.pk}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    text = page_text(response)
    assert "Page 1 of 2" in text and "Page 2 of 2" in text and "Download the original PDF" in text
    assert "no-store" in response["Cache-Control"]
    page_url = reverse("organisers:intake_file_page", kwargs={"pk": submission.pk, "file_pk": kept.pk, "number": 2})
    assert page_url in response.content.decode()

    page = client.get(page_url)
    assert page.status_code == 200 and page["Content-Type"] == "image/webp"
    assert page["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(page.streaming_content)[:4] == b"RIFF"
    past_the_end = {"pk": submission.pk, "file_pk": kept.pk, "number": 3}
    assert client.get(reverse("organisers:intake_file_page", kwargs=past_the_end)).status_code == 404
    assert len(entries(audit_actions.SUBMISSION_FILE)) == 1


def test_the_original_pdf_comes_unsealed_as_a_download_and_its_reading_is_audited(client, editor):
    submission = new_case_submission(uploads=[document()])
    kept = submission.files.get()
    with kept.file.open("rb") as handle:
        assert b"%PDF" not in handle.read()  # sealed at rest

    response = client.get(reverse("organisers:intake_file_original", kwargs={"pk": submission.pk, "file_pk": kept.pk}))

    assert response.status_code == 200 and response.content == PDF_BYTES
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]
    (reading,) = entries(audit_actions.SUBMISSION_FILE)
    assert reading.details == {"file": kept.pk, "original_pdf": True}
    photo_only = new_case_submission(uploads=[photo()])
    not_a_pdf = {"pk": photo_only.pk, "file_pk": photo_only.files.get().pk}
    assert client.get(reverse("organisers:intake_file_original", kwargs=not_a_pdf)).status_code == 404


def test_the_original_pdf_asks_for_a_fresh_second_factor(client):
    from tests.accounts.test_two_factor import VERIFY, verified_long_ago
    from tests.organisers.factories import PASSWORD

    account = case_editor("carol")
    account.set_password(PASSWORD)
    account.save()
    device = enrolled(account)
    submission = new_case_submission(uploads=[document()])
    url = reverse("organisers:intake_file_original", kwargs={"pk": submission.pk, "file_pk": submission.files.get().pk})
    verified_long_ago(client, device)

    assert client.get(url)["Location"].startswith(VERIFY)
    assert not entries(audit_actions.SUBMISSION_FILE)
    client.post(VERIFY, {"code": totp_code(device, steps_ahead=1)})
    assert client.get(url).content == PDF_BYTES


def test_erasing_a_submission_erases_its_pdf_and_every_page(editor):
    old = new_case_submission(uploads=[document()])
    submission_close(submission=old, reason="junk", by=editor)
    Submission.objects.filter(pk=old.pk).update(handled_at=timezone.now() - datetime.timedelta(days=91))
    kept = old.files.get()
    names = [kept.file.name, *(page["name"] for page in kept.pages)]
    storage = SubmissionFile._meta.get_field("file").storage
    assert len(names) == 3 and all(storage.exists(name) for name in names)

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        closed_submissions_erase(days=90)

    assert not any(storage.exists(name) for name in names)
