"""P9, P3, P14: customers attach photos to their messages; the photos lose their EXIF at
the door, live outside the public media, and open only for who may read the case, each
staff read recorded. Marketing and sales reach no case's text or photos anywhere."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from core.tests.images import HTML_AS_JPEG, METADATA_MARKERS, phone_photo_jpeg, png_bytes
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.roles import Role
from staff.tests.factories import StaffFactory
from support.models import CaseAttachment, CaseMessage, CaseStatus, SupportCase
from support.services import (
    MAX_PHOTOS_PER_MESSAGE,
    PHOTO_FOLDER,
    case_expert_invite,
    case_open_by_customer,
    case_save,
)
from support.tests.conftest import stored_photos
from support.tests.mailgun import customer_mail, has_exif, post_raw

pytestmark = pytest.mark.django_db

SECRET = "Dera e frigoriferit u thye kur e hapëm"
REASON = "Tekniku i frigoriferëve duhet të shohë thyerjen e derës"
PHOTO_FIELD = "support.CaseAttachment.photo"


def _upload(name: str = "IMG_1234.jpg", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or phone_photo_jpeg(width=160, height=120))


@pytest.fixture
def case(customer, owner, lead):  # type: ignore[no-untyped-def]
    opened = case_open_by_customer(
        customer=customer, summary="Frigoriferi", body=SECRET, order=None, actor=customer
    )
    opened.assigned_to = owner
    return case_save(case=opened, changed=["assigned_to"], actor=lead)


@pytest.fixture
def photo(client, case, customer) -> CaseAttachment:  # type: ignore[no-untyped-def]
    """A photo the customer sent from the case's page."""
    client.force_login(customer)
    client.post(
        reverse("support:case_detail", args=[case.pk]),
        {"body": "Ja dhe fotografia.", "photos": [_upload()]},
    )
    client.logout()
    return CaseAttachment.objects.get(case=case)


def _staff_photo_url(photo: CaseAttachment) -> str:
    return reverse("admin:support_supportcase_photo", args=[photo.case_id, photo.pk])


def _customer_photo_url(photo: CaseAttachment) -> str:
    return reverse("support:case_photo", args=[photo.case_id, photo.pk])


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


# The customer's side.


def test_p9_the_customer_attaches_photos_and_they_lose_their_exif(client, case, customer):
    client.force_login(customer)
    url = reverse("support:case_detail", args=[case.pk])
    response = client.post(
        url,
        {"body": "Dy fotografi të derës.", "photos": [_upload(), _upload("b.png", png_bytes())]},
    )
    assert response.status_code == 302
    message = case.messages.latest("created_at")
    photos = list(message.attachments.order_by("pk"))
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    for photo in photos:
        assert photo.photo.startswith(PHOTO_FOLDER) and "IMG_1234" not in photo.photo
        stored = default_storage.open(photo.photo).read()
        assert not has_exif(stored)
        assert not [marker for marker in METADATA_MARKERS if marker in stored]
    page = client.get(url).content.decode()
    assert _customer_photo_url(photos[0]) in page
    served = client.get(_customer_photo_url(photos[0]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["Cache-Control"] == "private, no-store"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert not has_exif(_body(served))


def test_p9_a_photo_can_come_with_a_new_case(client, customer):
    client.force_login(customer)
    response = client.post(
        reverse("support:case_open"),
        {"summary": "Dera", "body": SECRET, "photos": [_upload()]},
    )
    assert response.status_code == 302
    assert CaseAttachment.objects.filter(case__customer=customer).count() == 1


@pytest.mark.parametrize(
    ("uploads", "error"),
    [
        ([("foto.jpg", HTML_AS_JPEG)], "nuk është fotografi JPEG, PNG ose WebP"),
        ([("bosh.jpg", b"")], "bosh"),
        (
            [(f"foto{n}.png", png_bytes(width=8, height=8)) for n in range(6)],
            f"deri në {MAX_PHOTOS_PER_MESSAGE} fotografi",
        ),
    ],
)
def test_p9_a_bad_upload_is_refused_in_albanian_and_keeps_nothing(
    client, case, customer, uploads, error
):
    before = (CaseMessage.objects.count(), CaseAttachment.objects.count(), stored_photos())
    client.force_login(customer)
    files = [SimpleUploadedFile(name, content) for name, content in uploads]
    response = client.post(
        reverse("support:case_detail", args=[case.pk]), {"body": "Fotografitë", "photos": files}
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert (CaseMessage.objects.count(), CaseAttachment.objects.count(), stored_photos()) == before


def test_p9_photos_are_never_served_from_the_public_media(client, photo):
    assert client.get(f"/media/{photo.photo}").status_code == 404


def test_p9_another_customer_gets_404_for_a_photo(client, photo, other_customer):
    client.force_login(other_customer)
    response = client.get(_customer_photo_url(photo))
    assert response.status_code == 404
    # nor by putting the photo's number under a case of their own
    own = case_open_by_customer(
        customer=other_customer, summary="Tjetër", body="Pyetje", order=None, actor=other_customer
    )
    assert client.get(reverse("support:case_photo", args=[own.pk, photo.pk])).status_code == 404


# The shop's side.


def test_p9_the_owner_sees_the_photo_and_the_read_is_recorded(client, photo, owner, customer):
    client.force_login(owner)
    page = client.get(reverse("admin:support_supportcase_change", args=[photo.case_id]))
    assert _staff_photo_url(photo) in page.content.decode()
    before = AccessEntry.objects.filter(actor=owner).count()
    served = client.get(_staff_photo_url(photo))
    assert served.status_code == 200 and not has_exif(_body(served))
    entry = AccessEntry.objects.filter(actor=owner).latest("id")
    assert AccessEntry.objects.filter(actor=owner).count() == before + 1
    assert (entry.action, entry.basis, entry.subject_id) == (
        AccessAction.REVEAL,
        AccessBasis.SUPPORT_CASE,
        customer.pk,
    )
    assert entry.field_names == [PHOTO_FIELD] and entry.reference == f"#{photo.case_id}"


def test_p9_an_invited_expert_sees_the_photo_until_they_leave(client, photo, case, owner, expert):
    case_expert_invite(case=case, expert=expert, reason=REASON, actor=owner)
    client.force_login(expert)
    thread = client.get(reverse("admin:support_supportcase_expert", args=[case.pk]))
    assert _staff_photo_url(photo) in thread.content.decode()
    assert client.get(_staff_photo_url(photo)).status_code == 200
    entry = AccessEntry.objects.filter(actor=expert, fields=PHOTO_FIELD).get()
    assert entry.reason == "Ekspert i ftuar në rast"

    client.post(reverse("admin:support_supportcase_expert", args=[case.pk]), {"action": "leave"})
    refused = client.get(_staff_photo_url(photo))
    assert refused.status_code == 403
    assert AccessEntry.objects.filter(actor=expert, fields=PHOTO_FIELD).count() == 1


def test_p9_a_colleague_not_invited_and_a_closed_case_are_refused(client, photo, case, owner):
    colleague = StaffFactory(role=Role.CUSTOMER_CARE)
    client.force_login(colleague)
    assert client.get(_staff_photo_url(photo)).status_code == 403
    case.status = CaseStatus.CLOSED
    case_save(case=case, changed=["status"], actor=owner)
    client.force_login(owner)
    assert client.get(_staff_photo_url(photo)).status_code == 403
    assert not AccessEntry.objects.filter(fields=PHOTO_FIELD, action=AccessAction.REVEAL).exists()


# Marketing and sales: nowhere.


@pytest.mark.parametrize("role", [Role.MARKETING, Role.SALES])
def test_p9_marketing_and_sales_never_reach_case_text_or_photos(client, photo, case, lead, role):
    # given also a visitor's case by mail, and the member of staff made its owner
    post_raw(client, customer_mail(sender=("Besa Leka", "besa@example.al")))
    visitor_case = SupportCase.objects.get(customer=None)
    staff = StaffFactory(role=role)
    visitor_case.assigned_to = staff
    case_save(case=visitor_case, changed=["assigned_to"], actor=lead)
    client.force_login(staff)
    changelist = reverse("admin:support_supportcase_changelist")
    refused = [
        changelist,
        f"{changelist}?q=besa@example.al",
        f"{changelist}?q={case.customer.email}",
        reverse("admin:support_supportcase_change", args=[case.pk]),
        reverse("admin:support_supportcase_change", args=[visitor_case.pk]),
        reverse("admin:support_supportcase_expert", args=[case.pk]),
        _staff_photo_url(photo),
        reverse("admin:support_casemessage_changelist")
        if _registered("support_casemessage")
        else None,
    ]
    for url in filter(None, refused):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        body = _body(response)
        assert SECRET.encode() not in body, url
        # (a page may repeat the address asked for, never a case's)
        assert "besa" in url or b"besa@example.al" not in body, url
        assert b"\xff\xd8" not in body[:2]
    # the shop's search finds products, never what a customer told support
    found = client.get(reverse("search:results"), {"q": "frigoriferit thye"}).content.decode()
    assert SECRET not in found
    # nothing of any case was read or recorded in their name
    assert not AccessEntry.objects.filter(actor=staff).exists()


def _registered(name: str) -> bool:
    try:
        reverse(f"admin:{name}_changelist")
    except NoReverseMatch:
        return False
    return True
