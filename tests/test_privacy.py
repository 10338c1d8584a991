"""Every URL the site has, requested by an anonymous visitor, over data with
unique markers in every private field: no marker may appear, in any language.

URL patterns are discovered from the URLconf, so a new page is covered the
day it is added; only the Django admin (staff-only) is left out.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import SignedInSession
from cases.intake import submission_close, submission_create
from cases.models import Submission
from cases.models import Testimony as CaseTestimony
from cases.photos import photo_choose_portrait
from core.uploads import Upload
from petitions.paper import paper_batch_record
from petitions.tokens import Purpose, make_token
from tests.cases.photo_files import internal_photo, published_photo, waiting_photo
from tests.cases.test_visibility import MARKERS as CASE_MARKERS
from tests.cases.test_visibility import world as case_world
from tests.organisers.factories import case_editor, owner_of
from tests.petitions.factories import confirmed_signature, pending_signature

SIGNER_MARKERS = {
    "signer_email": "zqsigner@example.org",
    "private_signer_name": "Zqprivatename",
    "private_reason": "Zqprivatereason",
    "hidden_signer_name": "Zqhiddenname",
    "hidden_reason": "Zqhiddenreason",
    "pending_name": "Zqpendingname",
    "ip_hash": "zqiphash0123456789",
}
# Who gathered paper signatures, and where, stays with the organisers: only the number is public.
PAPER_MARKERS = {"paper_place": "Zqpaperplace", "paper_collector": "Zqcollector", "paper_note": "Zqpapernote"}
# Where an organiser is signed in is for them alone (their account page).
SESSION_MARKERS = {"session_browser": "Zqbrowser", "session_system": "Zqsystem"}
# Second factors: an organiser's authenticator secret and recovery codes.
SECOND_FACTOR_MARKERS = {
    "totp_key": "7a717a717a717a717a717a717a717a717a717a71",
    "recovery_code": "zqrecov1",
    "passkey_name": "Zqpasskeyname",
}
# Photos: the source is never public; alt text and caption only of a published
# photo of a public case (and of a publishable testimony).
PHOTO_MARKERS = {
    "photo_source": "Zqphotosource",
    "internal_photo_alt": "Zqinternalphotoalt",
    "internal_photo_caption": "Zqinternalphotocaption",
    "waiting_photo_alt": "Zqwaitingphotoalt",
    "draft_case_photo_alt": "Zqdraftcasephotoalt",
    "internal_testimony_photo_alt": "Zqinternaltestimonyphotoalt",
}
# What families send through the public forms is never public, in any field or file.
SUBMISSION_MARKERS = {
    "submission_name_latin": "Zqsubmittedlatin",
    "submission_name_arabic": "Zqsubmittedarabic",
    "submission_name_cyrillic": "Zqsubmittedcyrillic",
    "submission_name_chinese": "Zqsubmittedchinese",
    "submission_hometown": "Zqsubmittedhometown",
    "submission_identifier_database_name": "Zqotherdatabase",
    "submission_identifier": "Zqentrynumber",
    "submission_account": "Zqsubmittedaccount",
    "submission_contact_name": "Zqsubmittercontactname",
    "submission_contact_email": "zqsubmitter@example.org",
    "submission_contact_other": "Zqsubmitterphone",
    "submission_editor_note": "Zqeditornote",
    "submission_file": "Zqsubmittedfile",
    "request_account": "Zqremovalreason",
    "request_contact_name": "Zqrequestername",
}
MARKERS = {
    **CASE_MARKERS,
    **SIGNER_MARKERS,
    **PAPER_MARKERS,
    **PHOTO_MARKERS,
    **SUBMISSION_MARKERS,
    **SESSION_MARKERS,
    **SECOND_FACTOR_MARKERS,
}
EXCLUDED_NAMESPACES = {"admin"}
world = case_world  # the cases' private-data fixture, reused here


def named_patterns(patterns=None, namespace=""):
    """(name, converter names) of every named URL, with its namespace."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace not in EXCLUDED_NAMESPACES:
                yield from named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", list(getattr(pattern.pattern, "converters", {}))


@pytest.fixture
def private_world(world):
    petition = world["petition"]
    confirmed_signature(
        petition,
        email=SIGNER_MARKERS["signer_email"],
        full_name=SIGNER_MARKERS["private_signer_name"],
        reason=SIGNER_MARKERS["private_reason"],
        ip_hash=SIGNER_MARKERS["ip_hash"],
        show_publicly=False,
    )
    confirmed_signature(
        petition,
        full_name=SIGNER_MARKERS["hidden_signer_name"],
        reason=SIGNER_MARKERS["hidden_reason"],
        show_publicly=True,
        hidden=True,
    )
    pending = pending_signature(petition, full_name=SIGNER_MARKERS["pending_name"], show_publicly=True)
    owner = owner_of(petition)
    TOTPDevice.objects.create(user=owner, key=SECOND_FACTOR_MARKERS["totp_key"], confirmed=True)
    codes = StaticDevice.objects.create(user=owner, confirmed=True)
    codes.token_set.create(token=SECOND_FACTOR_MARKERS["recovery_code"])
    paper_batch_record(
        by=owner,
        petition=petition,
        count=12,
        gathered_on=timezone.localdate(),
        place=PAPER_MARKERS["paper_place"],
        collected_by=PAPER_MARKERS["paper_collector"],
        note=PAPER_MARKERS["paper_note"],
    )
    WebAuthnCredential.objects.create(
        user=owner, name=SECOND_FACTOR_MARKERS["passkey_name"], credential_id=b"zq", public_key=b"zq", confirmed=True
    )
    SignedInSession.objects.create(
        user=owner,
        token="zq-session-token",
        browser=SESSION_MARKERS["session_browser"],
        system=SESSION_MARKERS["session_system"],
    )
    submission = submission_create(
        kind=Submission.Kind.NEW_CASE,
        fields={
            **{field: SUBMISSION_MARKERS[f"submission_{field}"] for field in Submission.NAME_FIELDS},
            "hometown": SUBMISSION_MARKERS["submission_hometown"],
            "identifier_database": "other",
            "identifier_database_name": SUBMISSION_MARKERS["submission_identifier_database_name"],
            "identifier": SUBMISSION_MARKERS["submission_identifier"],
            "account": SUBMISSION_MARKERS["submission_account"],
            "relationship": "spouse",
            "publication": Submission.Publication.PHOTO,
            "contact_name": SUBMISSION_MARKERS["submission_contact_name"],
            "contact_email": SUBMISSION_MARKERS["submission_contact_email"],
            "contact_other": SUBMISSION_MARKERS["submission_contact_other"],
        },
        uploads=[Upload(original_pdf=f"%PDF-1.4 {SUBMISSION_MARKERS['submission_file']}".encode())],
        ip_address="198.51.100.7",
        language="en",
    )
    closed = submission_create(
        kind=Submission.Kind.REMOVAL,
        fields={
            "account": SUBMISSION_MARKERS["request_account"],
            "relationship": "child",
            "contact_name": SUBMISSION_MARKERS["request_contact_name"],
        },
        uploads=[],
        ip_address="198.51.100.7",
        language="en",
        case=world["person"],
    )
    submission_close(
        submission=closed, reason="handled", note=SUBMISSION_MARKERS["submission_editor_note"], by=owner_of(petition)
    )
    return {**world, "pending": pending, "photos": _photos(world), "submission": submission, "request": closed}


def _photos(world) -> list:
    """A photo in every state, on the public person, a draft and an internal testimony."""
    alice, bilal = case_editor(), case_editor()
    person, source = world["person"], PHOTO_MARKERS["photo_source"]
    shown = published_photo(person, by=alice, approver=bilal, source=source, alt="Public alt", caption="Public caption")
    photo_choose_portrait(photo=shown, by=alice)
    internal = internal_photo(
        person, by=alice, source=source, alt=PHOTO_MARKERS["internal_photo_alt"],
        caption=PHOTO_MARKERS["internal_photo_caption"],
    )  # fmt: skip
    waiting = waiting_photo(person, by=alice, source=source, alt=PHOTO_MARKERS["waiting_photo_alt"])
    on_draft = published_photo(world["draft"], by=alice, approver=bilal, alt=PHOTO_MARKERS["draft_case_photo_alt"])
    hidden_testimony = person.testimonies.get(consent=CaseTestimony.Consent.INTERNAL)
    of_internal_testimony = published_photo(
        person, by=alice, approver=bilal, testimony=hidden_testimony, alt=PHOTO_MARKERS["internal_testimony_photo_alt"]
    )
    return [shown, internal, waiting, on_draft, of_internal_testimony]


def arguments_for(name: str, converters: list[str], data) -> list[dict]:
    signature = data["pending"]
    values = {
        "slug": [data["petition"].slug],
        "reference": [
            data["person"].reference,
            data["draft"].reference,
            data["hidden"].reference,
            data["retired"].reference,
        ],
        "token": [
            make_token(signature_id=signature.pk, purpose=Purpose.CONFIRM),
            make_token(signature_id=signature.pk, purpose=Purpose.WITHDRAW),
        ],
        "pk": [signature.pk, data["submission"].pk, data["request"].pk],
        "file_pk": [data["submission"].files.get().pk],
        "signature_id": [signature.pk],
        "key": [photo.key for photo in data["photos"]],
        "filename": [photo.variants["160"] for photo in data["photos"]],
    }
    combos = [{}]
    for converter in converters:
        combos = [{**combo, converter: value} for combo in combos for value in values.get(converter, ["1"])]
    return combos


def leaks(body: str) -> list[str]:
    lowered = body.lower()
    return [field for field, marker in MARKERS.items() if marker.lower() in lowered]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_no_private_marker_reaches_an_anonymous_visitor_anywhere(private_world, language):
    client = Client()
    visited = []
    with translation.override(language):
        urls = [
            reverse(name, kwargs=kwargs)
            for name, converters in named_patterns()
            for kwargs in arguments_for(name, converters, private_world)
        ]
    urls += [f"/{language}/cases/?q=zq", f"/{language}/no-such-page/", "/sitemap.xml"]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code < 500, (method, url)
            body = response.getvalue().decode(errors="replace") + str(response.headers)  # streamed too
            assert leaks(body) == [], (method, url)
            visited.append(url)
    # The pages that matter were really among those visited.
    assert any("/petitions/" in url for url in visited)
    assert any("/cases/" in url for url in visited)


@pytest.mark.django_db
def test_no_photo_file_but_a_published_one_of_a_public_case_is_served_anonymously(private_world):
    client = Client()
    shown, *hidden = private_world["photos"]
    for photo in private_world["photos"]:
        for size in photo.public_sizes:
            assert client.get(size.url).status_code == (200 if photo == shown else 404), size.url
        for size in photo.internal_sizes:
            response = client.get(size.url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    page = client.get(private_world["person"].get_absolute_url()).content.decode()
    assert shown.public_sizes[0].url in page
    assert not any(size.url in page for photo in hidden for size in photo.public_sizes)
