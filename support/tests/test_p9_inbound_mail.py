"""P9, P15: mail to info@3vfejzo.al, posted by Mailgun's inbound route, becomes a case or
joins the case it answers; nothing unsigned gets in, nothing forged joins anyone's case."""

from __future__ import annotations

from email.utils import make_msgid

import pytest
from django.core import mail as django_mail
from django.core.files.storage import default_storage

from core.testing import run_tasks
from core.tests.images import HTML_AS_JPEG, METADATA_MARKERS
from mail.models import MailKind, OutboxMessage
from privacy.models import AccessEntry
from support.models import (
    AuthorKind,
    CaseAttachment,
    CaseChannel,
    CaseMail,
    CaseMessage,
    CaseStatus,
    MailDirection,
    SupportCase,
)
from support.services import PHOTO_FOLDER, case_reply, case_save, message_id_index
from support.tests.conftest import stored_photos
from support.tests.mailgun import (
    customer_mail,
    has_exif,
    jpeg_with_exif,
    post_parsed,
    post_raw,
    reply_to,
    signature,
    signed_fields,
)

pytestmark = pytest.mark.django_db

ARTA = ("Arta Hoxha", "arta.hoxha@example.al")
ANSWER = "Tekniku vjen të enjten; mbani garancinë gati."


def _footprint() -> tuple[int, ...]:
    return (
        SupportCase.objects.count(),
        CaseMessage.objects.count(),
        CaseMail.objects.count(),
        CaseAttachment.objects.count(),
        AccessEntry.objects.count(),
        len(stored_photos()),
    )


def _taken(case: SupportCase, owner, lead) -> SupportCase:  # type: ignore[no-untyped-def]
    case.assigned_to = owner
    return case_save(case=case, changed=["assigned_to"], actor=lead)


def _answered(case: SupportCase, owner, lead) -> OutboxMessage:  # type: ignore[no-untyped-def]
    """The owner takes the case and answers; return the mail the answer went out in."""
    case_reply(case=_taken(case, owner, lead), body=ANSWER, actor=owner)
    return OutboxMessage.objects.filter(kind=MailKind.SUPPORT_REPLY).latest("created_at")


# A new mail.


def test_p9_a_mail_to_info_becomes_an_email_case_with_its_photo_cleaned(client):
    # given a real mail with a text part, an HTML alternative and a phone photo
    photo = jpeg_with_exif()
    message = customer_mail(
        sender=ARTA,
        html="<p>Përshëndetje, frigoriferi që bleva nuk ftoh më që dje.</p>",
        attachments=(("IMG_0042.jpg", "image/jpeg", photo),),
    )

    # when Mailgun posts it
    response = post_raw(client, message)

    # then it is a case by email, from her, with her words and the photo without EXIF
    assert response.status_code == 200
    case = SupportCase.objects.get()
    assert (case.channel, case.customer, case.status) == (CaseChannel.EMAIL, None, "open")
    assert (case.contact_name, case.contact_email) == ARTA
    assert case.summary == "Frigoriferi nuk ftoh"
    [text] = case.messages.all()
    assert text.author_kind == AuthorKind.CUSTOMER
    assert text.body == "Përshëndetje, frigoriferi që bleva nuk ftoh më që dje."
    kept = CaseMail.objects.get(case=case)
    assert kept.direction == MailDirection.INBOUND and kept.message == text
    assert (kept.sender_name, kept.sender_address, kept.subject) == (*ARTA, case.summary)
    assert kept.message_id_index == message_id_index(str(message["Message-ID"]))
    [attachment] = text.attachments.all()
    assert attachment.photo.startswith(PHOTO_FOLDER)
    assert "IMG_0042" not in attachment.photo
    stored = default_storage.open(attachment.photo).read()
    assert stored[:2] == b"\xff\xd8" and not has_exif(stored)
    assert not [marker for marker in METADATA_MARKERS if marker in stored]
    # what she wrote is on the access record, by case number
    assert AccessEntry.objects.filter(reference=f"#{case.pk}").exists()


def test_p9_an_html_only_mail_is_kept_as_plain_text(client):
    html = (
        "<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
        "<body><p>Lavatriçja &amp; tharësja</p><div>nuk <b>ndizen</b>.</div>"
        '<img src="https://example.com/pixel.gif" onerror="alert(1)"></body></html>'
    )
    post_raw(client, customer_mail(text=None, html=html))
    body = CaseMessage.objects.get().body
    assert body == "Lavatriçja & tharësja\n\nnuk ndizen."
    assert "<" not in body and "alert" not in body and "color" not in body


def test_p9_the_parsed_forward_is_read_the_same(client):
    message = customer_mail(attachments=(("foto.jpg", "image/jpeg", jpeg_with_exif()),))
    assert post_parsed(client, message).status_code == 200
    case = SupportCase.objects.get()
    assert case.contact_email == ARTA[1] and case.summary == "Frigoriferi nuk ftoh"
    [attachment] = CaseAttachment.objects.filter(case=case)
    assert not has_exif(default_storage.open(attachment.photo).read())


def test_p9_files_that_are_not_photos_are_left_out_with_a_note(client):
    photos_before = stored_photos()
    message = customer_mail(
        attachments=(
            ("kontrata.pdf", "application/pdf", b"%PDF-1.7 fatura e blerjes"),
            ("foto.jpg", "image/jpeg", HTML_AS_JPEG),
        )
    )
    post_raw(client, message)
    case = SupportCase.objects.get()
    assert not CaseAttachment.objects.exists() and stored_photos() == photos_before
    note = case.messages.get(author_kind=AuthorKind.NOTE)
    assert "kontrata.pdf (application/pdf)" in note.body
    assert "foto.jpg (image/jpeg)" in note.body and "JPEG, PNG ose WebP" in note.body
    assert case.messages.filter(author_kind=AuthorKind.CUSTOMER).count() == 1


def test_p9_mail_from_the_shop_itself_opens_nothing(client):
    before = _footprint()
    assert post_raw(client, customer_mail(sender=("3VFejzo", "info@3vfejzo.al"))).status_code == 200
    assert _footprint() == before


# The door: only Mailgun, signed, just now.


def _bad_security(kind: str) -> dict[str, str]:
    fields = signed_fields()
    if kind == "unsigned":
        return {}
    if kind == "other_key":
        return signed_fields(key="key-someone-else")
    if kind == "token_changed":
        return {**fields, "token": fields["token"][::-1]}
    if kind == "signature_of_another_post":
        other = signed_fields()
        return {**fields, "signature": other["signature"]}
    # An old post, captured and sent again: its signature was right an hour ago.
    stale = signed_fields(timestamp=int(fields["timestamp"]) - 3600)
    return stale


@pytest.mark.parametrize(
    "kind",
    ["unsigned", "other_key", "token_changed", "signature_of_another_post", "replayed_late"],
)
def test_p9_an_unsigned_or_badly_signed_post_is_refused_and_changes_nothing(client, kind):
    before = _footprint()
    message = customer_mail(attachments=(("foto.jpg", "image/jpeg", jpeg_with_exif()),))
    response = post_raw(client, message, security=_bad_security(kind))
    assert response.status_code == 400
    assert _footprint() == before


def test_p9_without_a_signing_key_the_door_does_not_exist(client, settings):
    settings.SUPPORT_INBOUND_SIGNING_KEY = ""
    before = _footprint()
    # a post signed with an empty key, as anyone could compute it
    stamp, token = signed_fields()["timestamp"], "t" * 50
    security = {"timestamp": stamp, "token": token, "signature": signature(stamp, token, "")}
    assert post_raw(client, customer_mail(), security=security).status_code == 404
    assert _footprint() == before


def test_p9_the_same_mail_delivered_twice_is_kept_once(client):
    message = customer_mail(attachments=(("foto.jpg", "image/jpeg", jpeg_with_exif()),))
    assert post_raw(client, message).status_code == 200
    after_first = _footprint()
    # Mailgun retries: the same message, a new signature
    assert post_raw(client, message).status_code == 200
    assert post_parsed(client, message).status_code == 200
    assert _footprint() == after_first
    assert SupportCase.objects.count() == 1 and CaseAttachment.objects.count() == 1


# Replies.


def test_p9_the_shops_answer_goes_out_by_mail_with_a_message_id_kept_for_the_case(
    client, owner, lead
):
    post_raw(client, customer_mail(sender=ARTA))
    case = SupportCase.objects.get()

    sent = _answered(case, owner, lead)

    # the answer itself goes to the address she wrote from: she has no account
    assert sent.to_address == ARTA[1] and sent.recipient is None
    assert ANSWER in sent.body_text and ANSWER in sent.body_html
    assert "përgjigjuni këtij email-i" in sent.body_text
    out = CaseMail.objects.get(case=case, direction=MailDirection.OUTBOUND)
    assert out.message_id_index == message_id_index(sent.message_id)
    assert out.message.body == ANSWER
    # and the mail delivered carries that Message-ID, replies going to info@
    run_tasks()
    [delivered] = [m for m in django_mail.outbox if ARTA[1] in m.to]
    assert delivered.extra_headers["Message-ID"] == sent.message_id
    assert delivered.reply_to == ["info@3vfejzo.al"]


def test_p9_a_reply_by_mail_joins_the_case_its_headers_name(client, owner, lead):
    first = customer_mail(sender=ARTA)
    post_raw(client, first)
    case = SupportCase.objects.get()
    sent = _answered(case, owner, lead)

    # when she answers the shop's mail from her mail program
    reply = reply_to(sent.message_id, earlier=(str(first["Message-ID"]),), sender=ARTA)
    assert post_raw(client, reply).status_code == 200

    # then it joins the same case, without the quoted mail
    assert SupportCase.objects.count() == 1
    thread = [(message.author_kind, message.body) for message in case.messages.all()]
    assert thread == [
        (AuthorKind.CUSTOMER, "Përshëndetje, frigoriferi që bleva nuk ftoh më që dje."),
        (AuthorKind.STAFF, ANSWER),
        (AuthorKind.CUSTOMER, "Faleminderit! E enjtja më shkon mirë."),
    ]
    assert case.mails.filter(direction=MailDirection.INBOUND).count() == 2


def test_p9_a_made_up_reference_opens_a_new_case(client, owner, lead):
    post_raw(client, customer_mail(sender=ARTA))
    case = SupportCase.objects.get()
    _answered(case, owner, lead)
    guessed = [f"<{case.pk}@3vfejzo.al>", make_msgid(domain="3vfejzo.al"), f"<case-{case.pk}>"]

    post_raw(client, reply_to(guessed[0], earlier=tuple(guessed[1:]), sender=ARTA))

    assert SupportCase.objects.count() == 2
    assert case.messages.count() == 2
    new = SupportCase.objects.exclude(pk=case.pk).get()
    assert new.messages.get().body == "Faleminderit! E enjtja më shkon mirë."


def test_p9_a_real_reference_from_someone_else_opens_a_new_case(client, owner, lead):
    # given Arta's case answered by mail, and the mail forwarded to someone else
    post_raw(client, customer_mail(sender=ARTA))
    case = SupportCase.objects.get()
    sent = _answered(case, owner, lead)
    stranger = ("Dikush Tjetër", "dikush@example.com")

    # when that someone answers it
    post_raw(client, reply_to(sent.message_id, sender=stranger, text="Më jepni numrin e saj."))

    # then their mail is a case of its own, and Arta's thread is untouched
    assert case.messages.count() == 2
    other = SupportCase.objects.exclude(pk=case.pk).get()
    assert other.contact_email == stranger[1]
    assert other.messages.get().body == "Më jepni numrin e saj."


def test_p9_a_reply_to_a_closed_case_opens_a_new_one(client, owner, lead):
    post_raw(client, customer_mail(sender=ARTA))
    case = SupportCase.objects.get()
    sent = _answered(case, owner, lead)
    case.status = CaseStatus.CLOSED
    case_save(case=case, changed=["status"], actor=owner)

    post_raw(client, reply_to(sent.message_id, sender=ARTA))

    assert case.messages.count() == 2
    assert SupportCase.objects.filter(status=CaseStatus.OPEN).count() == 1
