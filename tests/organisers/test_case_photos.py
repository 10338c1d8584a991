"""Case editors add and publish photos through their pages; refused files
are said in words with nothing else lost; internal files reach case editors
only."""

import io

import pytest
from PIL import Image

from cases.models import Photo, Visibility
from tests.cases.factories import add_testimony, draft_case, public_case
from tests.cases.photo_files import bomb_upload, fake_upload, internal_photo, jpeg_upload, waiting_photo
from tests.conftest import page_text
from tests.organisers.factories import case_editor, organiser_user, user

pytestmark = pytest.mark.django_db


def photos_url(case) -> str:
    return f"/en/organisers/cases/{case.reference}/photos/"


def action_url(photo, action: str) -> str:
    return f"{photos_url(photo.case)}{photo.key}/{action}/"


def upload_form(**fields) -> dict:
    return {
        "image": jpeg_upload(),
        "consent": Photo.Consent.PUBLIC,
        "source": "Sent by his daughter on WhatsApp, 2019",
        "alt": "A man in a blue coat in front of a shop",
        "caption": "Ghulja, 2016",
        **fields,
    }


def test_an_editor_uploads_a_photo_and_its_stored_sizes_carry_no_gps(client):
    editor = case_editor()
    case = draft_case()
    client.force_login(editor)

    response = client.post(photos_url(case), upload_form())

    photo = Photo.objects.get(case=case)
    assert response.status_code == 302 and response["Location"].endswith(f"#photo-{photo.key}")
    assert (photo.consent, photo.visibility, photo.uploaded_by) == (Photo.Consent.PUBLIC, Visibility.DRAFT, editor)
    for size in photo.internal_sizes:
        data = b"".join(client.get(size.url).streaming_content)
        picture = Image.open(io.BytesIO(data))
        assert picture.format == "WEBP" and picture.width == size.width and not picture.getexif()
        assert b"PhoneMaker" not in data
    page = page_text(client.get(photos_url(case)))
    assert "Sent by his daughter on WhatsApp, 2019" in page and "Not submitted" in page


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (bomb_upload, "larger than 40 megapixels"),
        (fake_upload, "not an image we can read"),
    ],
)
def test_a_refused_file_is_said_in_words_and_nothing_typed_is_lost(client, image, message):
    case = draft_case()
    client.force_login(case_editor())

    response = client.post(photos_url(case), upload_form(image=image(), source="Zq kept source"))

    assert response.status_code == 400
    text = page_text(response)
    assert message in text
    body = response.content.decode()
    assert 'value="Zq kept source"' in body and 'value="A man in a blue coat in front of a shop"' in body
    assert not Photo.objects.exists()


def test_a_file_over_twenty_megabytes_is_refused(client, monkeypatch):
    monkeypatch.setattr("core.uploads.MAX_BYTES", 1000)
    case = draft_case()
    client.force_login(case_editor())

    response = client.post(photos_url(case), upload_form())

    assert response.status_code == 400 and "larger than 20 MB" in page_text(response)


def test_two_editors_publish_a_photo_through_the_page(client):
    alice, bilal = case_editor("alice"), case_editor("bilal")
    case = public_case()
    photo = internal_photo(case, by=alice, consent=Photo.Consent.PUBLIC)
    client.force_login(alice)

    client.post(action_url(photo, "submit"))
    photo.refresh_from_db()
    own = client.post(action_url(photo, "approve"), {"shown": photo.review_fingerprint()}, follow=True)
    assert "You may not review your own change" in page_text(own)
    assert client.get(photo.public_sizes[0].url).status_code == 404

    client.force_login(bilal)
    assert "Approve and publish" in page_text(client.get(photos_url(case)))
    approved = client.post(action_url(photo, "approve"), {"shown": photo.review_fingerprint()}, follow=True)
    assert "Approved" in page_text(approved)
    client.logout()
    assert client.get(photo.public_sizes[0].url).status_code == 200


def test_photos_waiting_for_approval_are_listed_with_the_changes_to_review(client):
    alice, bilal = case_editor("alice"), case_editor("bilal")
    case = public_case(name="Kali Maolai")
    waiting_photo(case, by=alice)
    client.force_login(bilal)

    response = client.get("/en/organisers/cases/reviews/")

    assert "Photos waiting for approval" in page_text(response)
    assert photos_url(case) in response.content.decode()


def test_editing_consent_takes_the_photo_down(client, send_on_commit):
    alice, bilal = case_editor("alice"), case_editor("bilal")
    photo = waiting_photo(public_case(), by=alice)
    from cases.photos import photo_approve

    photo_approve(photo=photo, by=bilal, shown=photo.review_fingerprint())
    client.force_login(alice)
    form = {"consent": Photo.Consent.INTERNAL, "source": photo.source, "alt": photo.alt, "caption": ""}

    response = send_on_commit(lambda: client.post(f"{photos_url(photo.case)}{photo.key}/", form))

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.visibility == Visibility.INTERNAL
    assert client.get(photo.public_sizes[0].url).status_code == 404


def test_a_testimony_photo_is_added_to_that_testimony(client):
    case = public_case()
    testimony = add_testimony(case, testifier_label="his wife")
    client.force_login(case_editor())

    client.post(photos_url(case), upload_form(testimony=testimony.pk))

    assert Photo.objects.get().testimony == testimony


def test_an_unknown_action_changes_nothing(client):
    editor = case_editor()
    photo = internal_photo(public_case(), by=editor)
    client.force_login(editor)

    response = client.post(action_url(photo, "publish-now"), follow=True)

    assert "Unknown action" in page_text(response)


@pytest.mark.parametrize("who", ["anonymous", "signed_in", "organiser"])
def test_internal_photos_and_the_pages_are_refused_to_anyone_but_case_editors(client, who):
    editor = case_editor()
    photo = internal_photo(public_case(), by=editor, alt="Zqinternalalt")
    if who == "signed_in":
        client.force_login(user())
    elif who == "organiser":
        client.force_login(organiser_user())

    for url in [photos_url(photo.case), photo.internal_sizes[0].url, f"{photos_url(photo.case)}{photo.key}/"]:
        response = client.get(url)
        assert response.status_code == (302 if who == "anonymous" else 403), url
        assert b"Zqinternalalt" not in response.content
    for action in ("submit", "approve", "portrait", "delete"):
        assert client.post(action_url(photo, action)).status_code in (302, 403)
    assert client.get(photo.public_sizes[0].url).status_code == 404
    photo.refresh_from_db()
    assert photo.visibility == Visibility.DRAFT and not photo.portrait and not photo.submitted_at


def test_case_editors_get_internal_files_uncached(client):
    editor = case_editor()
    photo = internal_photo(public_case(), by=editor)
    client.force_login(editor)

    response = client.get(photo.internal_sizes[0].url)

    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert "no-store" in response["Cache-Control"]
