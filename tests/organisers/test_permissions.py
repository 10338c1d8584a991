"""Every organiser URL and action, for every kind of visitor.

Organisers see nothing of petitions they do not run (404, so a draft's
existence never leaks), moderators are refused owner-only actions (403),
visitors without an account are sent to log in, and an account with a
second factor signed in with the password only is sent to the second step. Whoever is refused
changes nothing."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from cases.csv_import import case_import_create, read_upload
from cases.models import Case, CaseImport, CaseRevision, Photo, Source, Statistic, Submission
from cases.photos import photo_add
from cases.publication import case_approve, case_submit
from cases.revisions import revision_propose
from cases.revisions import snapshot as case_snapshot
from petitions.models import Delivery, OfficialResponse, Organiser, PaperBatch, Petition, Signature
from petitions.uploads import read_document
from tests.accounts.second_factors import enrolled
from tests.cases.factories import draft_case, shown_for_publication, source
from tests.cases.intake_factories import document as intake_document
from tests.cases.intake_factories import new_case_submission
from tests.cases.intake_factories import photo as intake_photo
from tests.cases.photo_files import jpeg_upload
from tests.core.upload_files import pdf_bytes
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "signer", "password_only", "other_moderator", "moderator", "owner", "case_editor", "staff"]

ANYONE_WITH_ROLE = "moderating"  # moderators, owners, staff
OWNERS = "owning"  # owners, staff
ORGANISERS = "organisers"  # anyone who runs petitions: dashboard, start a petition
STAFF = "staff"
CASE_EDITORS = "case_editors"  # case editors and staff
UPLOADER = "uploader"  # the case editor who uploaded the file: even staff get a 404
PUBLIC = "public"


@dataclass
class World:
    petition: Petition
    signature: Signature
    moderator_role: Organiser
    users: dict[str, Any]
    batch: Any = None
    response: Any = None
    revision: Any = None
    case_import: Any = None
    photo: Any = None
    submission: Any = None
    figure: Any = None


@pytest.fixture
def world(client) -> World:
    petition = f.open_petition()
    signature = f.public_signature(petition, email="someone@spam.test")
    owner = f.owner_of(petition, "owner")
    moderator = f.moderator_of(petition, "moderator")
    other = f.open_petition()
    other_moderator = f.moderator_of(other, "other-moderator")
    users = {
        "anonymous": None,
        "signer": None,  # signed with an email address; has no account
        "other_moderator": other_moderator,
        "moderator": moderator,
        "owner": owner,
        "case_editor": f.case_editor("case-editor"),
        "staff": f.user("staff", staff=True),
        # Staff with an authenticator app, signed in with the password and
        # not (yet) the code: all the power, none of it usable.
        "password_only": password_only_staff(),
    }
    batch, response = delivery_records(petition, owner)
    upload = case_import_create(
        by=users["case_editor"], file_name="people.csv", rows=read_upload(b"name_latin\nZqimported Person\n")
    )
    revision = proposed_change()
    photo = photo_add(
        case=revision.case, image=jpeg_upload(), consent=Photo.Consent.PUBLIC, source="Family", alt="A man",
        by=f.case_editor("uploader"),
    )  # fmt: skip
    submission = new_case_submission(uploads=[intake_photo(), intake_document()])
    figure = Statistic.objects.create(label="Zq figure", value=5, scope="county", source=source())
    return World(
        petition, signature, Organiser.objects.get(user=moderator), users, batch, response, revision, upload, photo,
        submission, figure,
    )  # fmt: skip


def password_only_staff():
    account = f.user("password-only", staff=True)
    enrolled(account)
    return account


def delivery_records(petition, owner):
    from petitions.delivery import response_record
    from petitions.paper import paper_batch_record

    today = timezone.localdate()
    batch = paper_batch_record(
        by=owner, petition=petition, count=5, gathered_on=today, place="Vigil", collected_by="Aigerim",
        document=read_document(SimpleUploadedFile("s.pdf", pdf_bytes())),
    )  # fmt: skip
    response = response_record(by=owner, petition=petition, responder="Ministry", responded_on=today, summary="No.")
    return batch, response


def proposed_change() -> CaseRevision:
    """A public case with a change waiting for review, proposed by a case
    editor who is none of the visitors."""
    proposer, approver = f.case_editor("proposer"), f.case_editor("approver")
    case = draft_case()
    case_submit(case=case, by=proposer)
    case_approve(case=case, by=approver, shown=shown_for_publication(case))
    content = case_snapshot(case)
    content["case"]["summary"] = "Proposed"
    return revision_propose(case=case, content=content, by=proposer)


def revision_url(name):
    return lambda w: reverse(f"organisers:{name}", kwargs={"pk": w.revision.pk})


def import_url(name):
    return lambda w: reverse(f"organisers:{name}", kwargs={"pk": w.case_import.pk})


def csv_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", b"name_latin\nZqposted Person\n", content_type="text/csv")


def submission_url(name, **extra):
    def build(w: World) -> str:
        return reverse(f"organisers:{name}", kwargs={"pk": w.submission.pk, **{k: v(w) for k, v in extra.items()}})

    return build


def petition_url(name, **extra):
    def build(w: World) -> str:
        return reverse(f"organisers:{name}", kwargs={"slug": w.petition.slug, **{k: v(w) for k, v in extra.items()}})

    return build


def plain_url(name, *, namespace="organisers"):
    return lambda w: reverse(f"{namespace}:{name}")


PETITION_FORM = {
    "title": "A new petition",
    "summary": "",
    "addressed_to": "Someone",
    "organiser_name": "Us",
    "language": "en",
    "story": "Why.",
    "goal": "",
    "closes_at": "",
}

# (name, method, url, data, who may)
CASES = [
    ("dashboard", "get", plain_url("dashboard"), None, ORGANISERS),
    ("petition_create form", "get", plain_url("petition_create"), None, ORGANISERS),
    ("petition_create", "post", plain_url("petition_create"), lambda w: PETITION_FORM, ORGANISERS),
    ("audit_all", "get", plain_url("audit_all"), None, STAFF),
    ("invitation_create form", "get", plain_url("invitation_create", namespace="accounts"), None, STAFF),
    (
        "invitation_create",
        "post",
        plain_url("invitation_create", namespace="accounts"),
        lambda w: {"email": "new@example.org", "organiser": "on"},
        STAFF,
    ),
    ("petition", "get", petition_url("petition"), None, ANYONE_WITH_ROLE),
    ("petition_preview", "get", petition_url("petition_preview"), None, ANYONE_WITH_ROLE),
    ("petition_edit form", "get", petition_url("petition_edit"), None, OWNERS),
    ("petition_edit", "post", petition_url("petition_edit"), lambda w: {**PETITION_FORM, "title": "Changed"}, OWNERS),
    ("petition_translations form", "get", petition_url("petition_translations"), None, OWNERS),
    (
        "petition_translations",
        "post",
        petition_url("petition_translations"),
        lambda w: {"language": "ur", "title": "عنوان", "summary": "", "story": "کہانی"},
        OWNERS,
    ),
    ("petition_open", "post", petition_url("petition_open"), lambda w: {}, OWNERS),
    ("petition_close", "post", petition_url("petition_close"), lambda w: {"note": "done"}, OWNERS),
    ("petition_victory", "post", petition_url("petition_victory"), lambda w: {"note": "Freed!"}, OWNERS),
    ("organisers", "get", petition_url("organisers"), None, OWNERS),
    (
        "organisers add",
        "post",
        petition_url("organisers"),
        lambda w: {"email": "case-editor@example.org", "role": "moderator"},
        OWNERS,
    ),
    (
        "organiser_remove",
        "post",
        petition_url("organiser_remove", pk=lambda w: w.moderator_role.pk),
        lambda w: {},
        OWNERS,
    ),
    ("update_create form", "get", petition_url("update_create"), None, ANYONE_WITH_ROLE),
    (
        "update_create",
        "post",
        petition_url("update_create"),
        lambda w: {"title": "News", "body": "Text"},
        ANYONE_WITH_ROLE,
    ),
    ("signatures", "get", petition_url("signatures"), None, ANYONE_WITH_ROLE),
    # Whether an address signed: owners only (tests/organisers/test_address_lookup.py).
    (
        "signatures by-address",
        "get",
        lambda w: petition_url("signatures")(w) + "?email=someone@spam.test",
        None,
        OWNERS,
    ),
    (
        "signature_action",
        "post",
        petition_url("signature_action", pk=lambda w: w.signature.pk, action=lambda w: "invalidate_spam"),
        lambda w: {},
        ANYONE_WITH_ROLE,
    ),
    (
        "signatures_bulk",
        "post",
        petition_url("signatures_bulk"),
        lambda w: {"ids": [w.signature.pk], "action": "hide"},
        ANYONE_WITH_ROLE,
    ),
    ("signatures_rule", "get", petition_url("signatures_rule"), None, ANYONE_WITH_ROLE),
    ("fraud_signals", "get", petition_url("fraud_signals"), None, ANYONE_WITH_ROLE),
    (
        "signatures_rule_apply",
        "post",
        petition_url("signatures_rule_apply"),
        lambda w: {
            "kind": "domain",
            "domain": "spam.test",
            "action": "invalidate_spam",
            "max_id": w.signature.pk,
            "expected_touched": 1,
            "expected_counted": 1,
        },
        ANYONE_WITH_ROLE,
    ),
    ("export_signatures", "get", petition_url("export_signatures"), None, OWNERS),
    ("export_emails", "get", petition_url("export_emails"), None, OWNERS),
    ("export_key form", "get", petition_url("export_key"), None, OWNERS),
    ("export_key", "post", petition_url("export_key"), lambda w: {"export_recipient": ""}, OWNERS),
    ("audit", "get", petition_url("audit"), None, OWNERS),
    ("paper form", "get", petition_url("paper"), None, OWNERS),
    ("paper", "post", petition_url("paper"), lambda w: batch_form(), OWNERS),
    ("paper_edit form", "get", petition_url("paper_edit", pk=lambda w: w.batch.pk), None, OWNERS),
    (
        "paper_edit",
        "post",
        petition_url("paper_edit", pk=lambda w: w.batch.pk),
        lambda w: {**batch_form(), "count": "9", "reason": "Recounted"},
        OWNERS,
    ),
    (
        "paper_delete",
        "post",
        petition_url("paper_delete", pk=lambda w: w.batch.pk),
        lambda w: {"reason": "Twice"},
        OWNERS,
    ),
    ("paper_scan", "get", petition_url("paper_scan", pk=lambda w: w.batch.pk), None, OWNERS),
    (
        "paper_scan_page",
        "get",
        petition_url("paper_scan_page", pk=lambda w: w.batch.pk, number=lambda w: 1),
        None,
        OWNERS,
    ),
    ("paper_scan_original", "get", petition_url("paper_scan_original", pk=lambda w: w.batch.pk), None, OWNERS),
    ("deliveries", "get", petition_url("deliveries"), None, OWNERS),
    (
        "delivery_create",
        "post",
        petition_url("delivery_create"),
        lambda w: {"addressee": "Consul", "delivered_on": timezone.localdate().isoformat(), "method": "post"},
        OWNERS,
    ),
    (
        "response_create",
        "post",
        petition_url("response_create"),
        lambda w: {"responder": "Consul", "responded_on": timezone.localdate().isoformat(), "summary": "Maybe"},
        OWNERS,
    ),
    (
        "victory_link",
        "post",
        petition_url("victory_link"),
        lambda w: {"marks": f"response-{w.response.pk}"},
        OWNERS,
    ),
    ("delivery_pack", "get", petition_url("delivery_pack"), None, OWNERS),
    ("case_reviews", "get", plain_url("case_reviews"), None, CASE_EDITORS),
    (
        "case_versions",
        "get",
        lambda w: reverse("organisers:case_versions", kwargs={"reference": w.revision.case.reference}),
        None,
        CASE_EDITORS,
    ),
    ("case_revision", "get", revision_url("case_revision"), None, CASE_EDITORS),
    ("case_revision_approve", "post", revision_url("case_revision_approve"), lambda w: {}, CASE_EDITORS),
    ("case_revision_reject", "post", revision_url("case_revision_reject"), lambda w: {"note": "No"}, CASE_EDITORS),
    (
        "case_revision_restore",
        "post",
        lambda w: reverse("organisers:case_revision_restore", kwargs={"pk": w.revision.base_id}),
        lambda w: {},
        CASE_EDITORS,
    ),
    ("case_import", "get", plain_url("case_import"), None, CASE_EDITORS),
    ("case_import post", "post", plain_url("case_import"), lambda w: {"file": csv_upload()}, CASE_EDITORS),
    ("case_import_template", "get", plain_url("case_import_template"), None, CASE_EDITORS),
    ("case_export", "get", plain_url("case_export"), None, CASE_EDITORS),
    ("case_import_preview", "get", import_url("case_import_preview"), None, UPLOADER),
    ("case_import_confirm", "post", import_url("case_import_confirm"), lambda w: {}, UPLOADER),
    ("case_import_discard", "post", import_url("case_import_discard"), lambda w: {}, UPLOADER),
    ("intake_queue", "get", plain_url("intake_queue"), None, CASE_EDITORS),
    (
        "intake_close_selected",
        "post",
        plain_url("intake_close_selected"),
        lambda w: {"ids": [w.submission.pk], "reason": "junk"},
        CASE_EDITORS,
    ),
    ("intake_detail", "get", submission_url("intake_detail"), None, CASE_EDITORS),
    ("intake_contact", "get", submission_url("intake_contact"), None, CASE_EDITORS),
    (
        "intake_file",
        "get",
        submission_url("intake_file", file_pk=lambda w: w.submission.files.first().pk),
        None,
        CASE_EDITORS,
    ),
    (
        "intake_file_page",
        "get",
        submission_url("intake_file_page", file_pk=lambda w: w.submission.files.last().pk, number=lambda w: 1),
        None,
        CASE_EDITORS,
    ),
    (
        "intake_file_original",
        "get",
        submission_url("intake_file_original", file_pk=lambda w: w.submission.files.last().pk),
        None,
        CASE_EDITORS,
    ),
    (
        "intake_duplicate",
        "post",
        submission_url("intake_duplicate"),
        lambda w: {"reference": w.revision.case.reference},
        CASE_EDITORS,
    ),
    ("intake_convert", "post", submission_url("intake_convert"), lambda w: {}, CASE_EDITORS),
    ("intake_ask", "post", submission_url("intake_ask"), lambda w: {"message": "Where?"}, CASE_EDITORS),
    ("intake_close", "post", submission_url("intake_close"), lambda w: {"reason": "junk"}, CASE_EDITORS),
]
CASES += [
    ("case_photos", "get", lambda w: _photos_url(w), None, CASE_EDITORS),
    (
        "case_photos upload",
        "post",
        lambda w: _photos_url(w),
        lambda w: {"image": jpeg_upload(), "consent": "internal", "source": "A cousin", "alt": ""},
        CASE_EDITORS,
    ),
    ("photo_edit", "get", lambda w: f"{_photos_url(w)}{w.photo.key}/", None, CASE_EDITORS),
    (
        "photo_edit save",
        "post",
        lambda w: f"{_photos_url(w)}{w.photo.key}/",
        lambda w: {"consent": "public", "source": "Changed", "alt": "A man", "caption": "Changed"},
        CASE_EDITORS,
    ),
    ("photo_action", "post", lambda w: f"{_photos_url(w)}{w.photo.key}/submit/", lambda w: {}, CASE_EDITORS),
    ("photo_file", "get", lambda w: w.photo.internal_sizes[0].url, None, CASE_EDITORS),
]


def desk_url(name, **extra):
    def build(w: World) -> str:
        return reverse(f"organisers:{name}", kwargs={"reference": w.revision.case.reference, **extra})

    return build


def case_fields(w: World) -> dict:
    case = w.revision.case
    return {
        "reference": case.reference, "gender": "unknown", "ethnicity": "unknown", "status": "camp",
        "language": "en", "summary": "Changed on the desk",
    }  # fmt: skip


CASES += [
    ("desk", "get", plain_url("desk"), None, CASE_EDITORS),
    ("desk_cases", "get", plain_url("desk_cases"), None, CASE_EDITORS),
    ("desk_case_create form", "get", plain_url("desk_case_create"), None, CASE_EDITORS),
    (
        "desk_case_create",
        "post",
        plain_url("desk_case_create"),
        lambda w: {"reference": "zq-new", "name": "Zq New", "script": "latin", "status": "unknown", "language": "en"},
        CASE_EDITORS,
    ),
    ("desk_source_create form", "get", plain_url("desk_source_create"), None, CASE_EDITORS),
    (
        "desk_source_create",
        "post",
        plain_url("desk_source_create"),
        lambda w: {"publisher": "RFA", "title": "A report", "kind": "news"},
        CASE_EDITORS,
    ),
    ("desk_case", "get", desk_url("desk_case"), None, CASE_EDITORS),
    ("desk_case_edit form", "get", desk_url("desk_case_edit"), None, CASE_EDITORS),
    ("desk_case_edit", "post", desk_url("desk_case_edit"), case_fields, CASE_EDITORS),
    ("desk_case_section form", "get", desk_url("desk_case_section", section="names"), None, CASE_EDITORS),
    (
        "desk_case_section",
        "post",
        desk_url("desk_case_section", section="names"),
        lambda w: {
            "names-TOTAL_FORMS": "1",
            "names-INITIAL_FORMS": "0",
            "names-0-text": "Zq Spelling",
            "names-0-script": "latin",
            "names-0-system": "reported",
        },
        CASE_EDITORS,
    ),
    ("desk_case_submit", "post", desk_url("desk_case_submit"), lambda w: {}, CASE_EDITORS),
    ("desk_case_unpublish", "post", desk_url("desk_case_unpublish"), lambda w: {"note": "Risk"}, CASE_EDITORS),
    ("desk_figures", "get", plain_url("desk_figures"), None, CASE_EDITORS),
    (
        "desk_figures add",
        "post",
        plain_url("desk_figures"),
        lambda w: {"label": "Zq", "value": "3", "scope": "county", "source": w.figure.source_id},
        CASE_EDITORS,
    ),
    ("desk_figure_edit form", "get", lambda w: figure_url("desk_figure_edit", w), None, CASE_EDITORS),
    (
        "desk_figure_edit",
        "post",
        lambda w: figure_url("desk_figure_edit", w),
        lambda w: {"label": "Zq changed", "value": "4", "scope": "county", "source": w.figure.source_id},
        CASE_EDITORS,
    ),
    (
        "desk_figure_action",
        "post",
        lambda w: figure_url("desk_figure_action", w, action="submit"),
        lambda w: {},
        CASE_EDITORS,
    ),
]


def figure_url(name: str, w: World, **extra) -> str:
    return reverse(f"organisers:{name}", kwargs={"pk": w.figure.pk, **extra})


def _photos_url(w: World) -> str:
    return reverse("organisers:case_photos", kwargs={"reference": w.revision.case.reference})


BATCH_FORM = {"count": "7", "place": "Mosque", "collected_by": "Dilnur"}


def batch_form() -> dict:
    return {**BATCH_FORM, "gathered_on": timezone.localdate().isoformat()}


def expected_status(role: str, who: str, method: str) -> int:
    ok = 200 if method == "get" else 302
    if role in ("anonymous", "signer"):
        return 302  # to the login page
    if role == "password_only":
        return 302  # to the second step
    allowed = {
        ORGANISERS: {"other_moderator", "moderator", "owner", "staff"},
        STAFF: {"staff"},
        CASE_EDITORS: {"case_editor", "staff"},
        UPLOADER: {"case_editor"},
        ANYONE_WITH_ROLE: {"moderator", "owner", "staff"},
        OWNERS: {"owner", "staff"},
    }[who]
    if role in allowed:
        return ok
    if (who in (ANYONE_WITH_ROLE, OWNERS) and role != "moderator") or (who == UPLOADER and role == "staff"):
        return 404  # not their petition: they do not learn it exists
    return 403


def snapshot(w: World):
    return (
        list(Petition.objects.order_by("pk").values_list("pk", "status", "title")),
        list(Signature.objects.order_by("pk").values_list("pk", "state", "hidden")),
        list(Organiser.objects.order_by("pk").values_list("pk", "role")),
        AuditEntry.objects.count(),
        list(PaperBatch.objects.order_by("pk").values_list("pk", "count")),
        Delivery.objects.count(),
        OfficialResponse.objects.count(),
        list(Petition.objects.order_by("pk").values_list("paper_signature_count", "victory_response")),
        list(CaseRevision.objects.order_by("pk").values_list("pk", "state")),
        Case.objects.count(),
        list(CaseImport.objects.order_by("pk").values_list("pk", "state")),
        list(Photo.objects.order_by("pk").values_list("pk", "visibility", "submitted_at", "source", "caption")),
        list(Submission.objects.order_by("pk").values_list("pk", "state")),
        Source.objects.count(),
        list(Statistic.objects.order_by("pk").values_list("pk", "label", "submitted_at")),
        list(Case.objects.order_by("pk").values_list("pk", "visibility", "summary")),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "url", "data", "who"), CASES, ids=[case[0] for case in CASES])
def test_permission_matrix(client, world, role, name, method, url, data, who):
    account = world.users[role]
    if account is not None:
        client.force_login(account)
    before = snapshot(world)
    target = url(world)
    if method == "get":
        response = client.get(target)
    else:
        response = client.post(target, data(world))
    expected = expected_status(role, who, method)
    assert response.status_code == expected, (role, name, response.status_code)
    if role in ("anonymous", "signer"):
        assert response["Location"].startswith(reverse("login"))
    if role == "password_only":
        assert response["Location"].startswith(reverse("two_factor_verify"))
    if expected in (403, 404) or role in ("anonymous", "signer", "password_only"):
        assert snapshot(world) == before, "a refused request changed something"


def test_matrix_covers_every_organiser_url():
    from accounts.invitation_urls import urlpatterns as invitation_urlpatterns
    from organisers.urls import urlpatterns

    covered = {case[0].split(" ")[0] for case in CASES}
    names = {pattern.name for pattern in [*urlpatterns, *invitation_urlpatterns]}
    names -= {"invitation_accept"}  # public: tested in tests/accounts/test_accounts.py
    assert names <= covered, names - covered


def test_organiser_of_another_petition_cannot_see_a_draft(client):
    draft = f.draft_petition()
    f.owner_of(draft)
    client.force_login(f.organiser_user())
    assert client.get(reverse("organisers:petition_preview", kwargs={"slug": draft.slug})).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
