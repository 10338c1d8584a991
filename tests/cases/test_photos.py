"""Photos of cases and testimonies: what is kept of an upload, who may see
which file, and how a photo goes public (two people) and stops being public
(one, at once)."""

import io

import pytest
from django.db import IntegrityError, transaction
from PIL import Image

from accounts.models import AuditEntry
from cases import photos
from cases.models import Case, InvalidTransition, Photo, Visibility
from cases.models import Testimony as CaseTestimony
from cases.publication import case_unpublish
from tests.cases.factories import add_testimony, draft_case, public_case
from tests.cases.photo_files import internal_photo, jpeg_upload, published_photo, waiting_photo
from tests.conftest import page_text
from tests.organisers.factories import case_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return case_editor("alice")


@pytest.fixture
def bilal():
    return case_editor("bilal")


def stored(storage, photo: Photo) -> dict[int, bytes]:
    found = {}
    for width in photo.widths:
        name = photo.file_name(width)
        if storage.exists(name):
            with storage.open(name, "rb") as handle:
                found[width] = handle.read()
    return found


def public_files(photo):
    return stored(photos.public_storage(), photo)


def private_files(photo):
    return stored(photos.private_storage(), photo)


def urls(photo: Photo) -> list[str]:
    return [size.url for size in photo.public_sizes]


def test_a_phones_jpeg_is_kept_only_as_webp_sizes_without_its_gps_position(alice, bilal, send_on_commit):
    photo = published_photo(public_case(), by=alice, approver=bilal)

    assert photo.widths == [160, 480, 640]  # never wider than the original
    for files in (private_files(photo), public_files(photo)):
        assert set(files) == {160, 480, 640}
        for data in files.values():
            picture = Image.open(io.BytesIO(data))
            assert picture.format == "WEBP"
            assert not picture.getexif() and "exif" not in picture.info and "xmp" not in picture.info
            assert b"PhoneMaker" not in data and b"Marker Owner" not in data


def test_a_new_photo_is_private_until_a_second_editor_approves_it(client, alice, bilal):
    case = public_case()
    photo = internal_photo(case, by=alice, consent=Photo.Consent.PUBLIC)

    assert private_files(photo) and not public_files(photo)
    assert all(client.get(url).status_code == 404 for url in urls(photo))

    photos.photo_submit(photo=photo, by=alice)
    with pytest.raises(InvalidTransition, match="You may not review your own change"):
        photos.photo_approve(photo=photo, by=alice, shown=photo.review_fingerprint())
    assert all(client.get(url).status_code == 404 for url in urls(photo))

    photos.photo_approve(photo=photo, by=bilal, shown=photo.review_fingerprint())

    response = client.get(photo.public_size(480).url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert b"".join(response.streaming_content) == public_files(photo)[480]
    actions = list(AuditEntry.objects.filter(target_type="photo").values_list("action", flat=True).order_by("pk"))
    assert actions == ["photo.add", "photo.submit", "photo.approve"]


def test_file_names_hold_the_content_hash_so_a_new_picture_gets_new_urls(alice):
    case = public_case()
    first = internal_photo(case, by=alice)
    again = internal_photo(case, by=alice)

    assert all(
        first.variants[width].split("-", 1)[1] == again.variants[width].split("-", 1)[1] for width in first.variants
    )
    assert set(urls(first)).isdisjoint(urls(again))  # each photo has its own key all the same
    bigger = photos.photo_add(case=case, image=jpeg_upload(size=(900, 600)), source="x", by=alice)
    assert bigger.variants["480"].split("-", 1)[1] != first.variants["480"].split("-", 1)[1]


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({"consent": Photo.Consent.INTERNAL}, "allows to be shown publicly"),
        ({"consent": Photo.Consent.PUBLIC, "alt": ""}, "alt text"),
    ],
)
def test_a_photo_without_consent_or_alt_text_cannot_be_submitted(alice, fields, refusal):
    photo = internal_photo(public_case(), by=alice, **fields)

    with pytest.raises(InvalidTransition, match=refusal):
        photos.photo_submit(photo=photo, by=alice)


def test_the_database_refuses_a_public_photo_without_consent_alt_text_or_approval(alice, bilal):
    photo = published_photo(public_case(), by=alice, approver=bilal)

    for change in ({"consent": Photo.Consent.INTERNAL}, {"alt": ""}, {"approved_at": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Photo.objects.filter(pk=photo.pk).update(**change)


def test_withdrawing_consent_takes_the_photo_down_and_deletes_its_public_files(client, alice, bilal, send_on_commit):
    photo = published_photo(public_case(), by=alice, approver=bilal)
    assert client.get(urls(photo)[0]).status_code == 200

    send_on_commit(lambda: photos.photo_update(photo=photo, by=bilal, changes={"consent": Photo.Consent.INTERNAL}))

    photo.refresh_from_db()
    assert photo.visibility == Visibility.INTERNAL and not photo.awaiting_approval
    assert all(client.get(url).status_code == 404 for url in urls(photo))
    assert public_files(photo) == {}
    assert set(private_files(photo)) == set(photo.widths)  # case editors still have it


def test_changing_the_alt_text_of_a_public_photo_waits_for_a_second_editor(client, alice, bilal, send_on_commit):
    photo = published_photo(public_case(), by=alice, approver=bilal)

    send_on_commit(lambda: photos.photo_update(photo=photo, by=alice, changes={"alt": "Another description"}))

    photo.refresh_from_db()
    assert photo.awaiting_approval and photo.submitted_by == alice
    assert client.get(urls(photo)[0]).status_code == 404
    photos.photo_approve(photo=photo, by=bilal, shown=photo.review_fingerprint())
    assert client.get(urls(photo)[0]).status_code == 200


def test_changing_only_the_private_source_leaves_the_photo_public(client, alice, bilal):
    photo = published_photo(public_case(), by=alice, approver=bilal)

    photos.photo_update(photo=photo, by=alice, changes={"source": "Given by his cousin in Almaty"})

    photo.refresh_from_db()
    assert photo.visibility == Visibility.PUBLIC
    assert client.get(urls(photo)[0]).status_code == 200


def test_an_edit_while_waiting_makes_the_editor_the_submitter(alice, bilal):
    photo = waiting_photo(public_case(), by=alice)

    photos.photo_update(photo=photo, by=bilal, changes={"caption": "In Almaty, 2016."})

    photo.refresh_from_db()
    assert photo.submitted_by == bilal
    with pytest.raises(InvalidTransition, match="You may not review your own change"):
        photos.photo_approve(photo=photo, by=bilal, shown=photo.review_fingerprint())
    photos.photo_approve(photo=photo, by=alice, shown=photo.review_fingerprint())


def test_a_published_photo_of_a_case_that_is_not_public_is_not_served(client, alice, bilal):
    draft = draft_case()
    photo = published_photo(draft, by=alice, approver=bilal)
    assert client.get(urls(photo)[0]).status_code == 404

    case = public_case()
    shown = published_photo(case, by=alice, approver=bilal)
    assert client.get(urls(shown)[0]).status_code == 200
    case_unpublish(case=case, by=alice)
    assert client.get(urls(shown)[0]).status_code == 404


def test_a_testimony_photo_is_public_only_with_a_publishable_testimony(client, alice, bilal):
    case = public_case()
    testimony = add_testimony(case, consent=CaseTestimony.Consent.INTERNAL)
    photo = published_photo(case, by=alice, approver=bilal, testimony=testimony)
    assert client.get(urls(photo)[0]).status_code == 404

    CaseTestimony.objects.filter(pk=testimony.pk).update(consent=CaseTestimony.Consent.ANONYMOUS)
    assert client.get(urls(photo)[0]).status_code == 200


def test_a_photo_cannot_belong_to_another_persons_testimony(alice):
    other = add_testimony(public_case())

    with pytest.raises(Exception, match="not this person"):
        internal_photo(public_case(), by=alice, testimony=other)
    assert not Photo.objects.exists()


def test_an_unknown_file_name_of_a_public_photo_is_a_404(client, alice, bilal):
    photo = published_photo(public_case(), by=alice, approver=bilal)

    assert client.get(f"/photos/{photo.key}/480-0000.webp").status_code == 404
    assert client.get(f"/photos/{photo.key}/..%2F..%2Fsettings.py").status_code == 404


def test_deleting_a_photo_deletes_every_file(client, alice, bilal, send_on_commit):
    photo = published_photo(public_case(), by=alice, approver=bilal)

    send_on_commit(lambda: photos.photo_delete(photo=photo, by=alice, reason="Family asked"))

    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert public_files(photo) == {} and private_files(photo) == {}
    assert AuditEntry.objects.filter(action="photo.delete", reason="Family asked").exists()


def test_the_card_and_page_show_the_published_portrait_with_sizes_and_alt_text(client, alice, bilal):
    case = public_case(name="Kali Maolai")
    photo = published_photo(case, by=alice, approver=bilal, alt="Kali Maolai smiling at a wedding")
    photos.photo_choose_portrait(photo=photo, by=alice)

    listing = client.get("/en/cases/").content.decode()
    card = photo.card_size
    assert f'src="{card.url}"' in listing
    assert f'srcset="{photo.srcset}"' in listing
    assert f'width="{card.width}" height="{card.height}"' in listing
    assert 'alt="Kali Maolai smiling at a wedding"' in listing
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'src="{photo.page_size.url}"' in page and "Kali Maolai smiling at a wedding" in page


def test_without_a_published_portrait_the_placeholder_is_shown(client, alice, bilal):
    case = public_case(name="Kali Maolai")
    waiting = waiting_photo(case, by=alice, alt="Zqwaitingalt")
    photos.photo_choose_portrait(photo=waiting, by=alice)

    listing = client.get("/en/cases/").content.decode()
    page = client.get(case.get_absolute_url()).content.decode()
    for body in (listing, page):
        assert "Zqwaitingalt" not in body and "/photos/" not in body
        assert '<svg class="case-portrait' in body


def test_other_photos_show_on_the_page_and_testimony_photos_with_their_testimony(client, alice, bilal):
    case = public_case()
    testimony = add_testimony(case, consent=CaseTestimony.Consent.NAMED, summary="She told us what happened.")
    published_photo(case, by=alice, approver=bilal, alt="His workshop in Ghulja", caption="Photo: his family")
    published_photo(case, by=alice, approver=bilal, alt="His wife holding his photo", testimony=testimony)
    internal_photo(case, by=alice, alt="Zqinternalalt")

    text = page_text(client.get(case.get_absolute_url()))
    assert "His workshop in Ghulja" not in text  # alt text is an attribute, not page text
    body = client.get(case.get_absolute_url()).content.decode()
    assert 'alt="His workshop in Ghulja"' in body and "Photo: his family" in text
    testimonies = body[body.index('id="testimonies-title"') :]
    assert 'alt="His wife holding his photo"' in testimonies
    assert "Zqinternalalt" not in body


def test_only_one_portrait_per_person_and_never_a_testimony_photo(alice):
    case = public_case()
    first, second = internal_photo(case, by=alice), internal_photo(case, by=alice)
    photos.photo_choose_portrait(photo=first, by=alice)
    photos.photo_choose_portrait(photo=second, by=alice)

    assert list(case.photos.filter(portrait=True)) == [second]
    testimony_photo = internal_photo(case, by=alice, testimony=add_testimony(case))
    with pytest.raises(InvalidTransition, match="portrait"):
        photos.photo_choose_portrait(photo=testimony_photo, by=alice)


def test_the_case_list_query_count_does_not_grow_with_portraits(client, alice, bilal, django_assert_max_num_queries):
    for _ in range(3):
        case = public_case()
        photos.photo_choose_portrait(photo=published_photo(case, by=alice, approver=bilal), by=alice)
    client.get("/en/cases/")  # warms the filter cache

    with django_assert_max_num_queries(6):
        response = client.get("/en/cases/")
    assert response.content.decode().count('class="case-portrait case-portrait-photo') == 3


def test_photo_add_takes_an_image_already_reencoded(alice):
    from core.uploads import UploadLimits, read_image

    case: Case = draft_case()
    photo = photos.photo_add(
        case=case,
        image=read_image(jpeg_upload(), limits=UploadLimits.organiser()),
        consent=Photo.Consent.PUBLIC,
        source="Submission #4",
        alt="",
        by=alice,
    )

    assert photo.consent == Photo.Consent.PUBLIC and photo.visibility == Visibility.DRAFT
    assert set(private_files(photo)) == {160, 480, 640}
