"""Erasure requests (P12): asked, confirmed by mail, executed, extended, reminded, held."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail as django_mail
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from mail.models import MailKind, OutboxMessage
from orders.models import Order, OrderStatus
from orders.services import order_change_status
from orders.tests.factories import place_order
from privacy.roles import Role
from rights.holds.services import holds_release_ended, legal_hold_lift, legal_hold_place
from rights.models import (
    ErasureRequest,
    ErasureState,
    ErasureStep,
    HoldKind,
    LegalHold,
    RequestChannel,
)
from rights.requests.services import (
    ErasureRequestError,
    add_months,
    erasure_reminders_send,
    erasure_request_by_customer,
    erasure_request_confirm,
    erasure_request_execute,
    erasure_request_extend,
    erasure_request_register,
    erasure_requests_lapse,
)
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"/fshirja/konfirmo/([\w-]+)/")


def _token_from_outbox(user: User) -> str:
    message = OutboxMessage.objects.filter(kind=MailKind.ERASURE_CONFIRM).latest("created_at")
    assert message.to_address == user.email
    found = CONFIRM_LINK.search(message.body_text)
    assert found
    return found.group(1)


def _confirmed_request(user: User) -> ErasureRequest:
    erasure_request_by_customer(user=user, password=TEST_PASSWORD)
    return erasure_request_confirm(token=_token_from_outbox(user))


def test_p12_a_request_from_the_account_needs_the_password_and_changes_nothing_without_it(
    customer: User,
) -> None:
    with pytest.raises(ErasureRequestError):
        erasure_request_by_customer(user=customer, password="e-gabuar")
    assert not ErasureRequest.objects.exists()
    assert not OutboxMessage.objects.filter(kind=MailKind.ERASURE_CONFIRM).exists()


def test_p12_the_account_page_states_what_is_erased_and_kept_then_mails_a_link(
    customer_client, customer: User
) -> None:
    page = customer_client.get("/llogaria/fshirja/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Fshihen" in text and "Mbahen për afatin ligjor" in text and "10 vjet" in text

    wrong = customer_client.post("/llogaria/fshirja/", {"password": "e-gabuar"})
    assert wrong.status_code == 400 and not ErasureRequest.objects.exists()

    customer_client.post("/llogaria/fshirja/", {"password": TEST_PASSWORD})
    request = ErasureRequest.objects.get(subject=customer)
    assert request.state == ErasureState.AWAITING_CONFIRMATION
    assert request.due_at == add_months(request.received_at, 1)
    assert User.objects.get(pk=customer.pk).is_active


def test_p12_the_link_shows_a_button_and_only_the_post_confirms_and_signs_out(
    client, customer: User
) -> None:
    client.force_login(customer)
    erasure_request_by_customer(user=customer, password=TEST_PASSWORD)
    token = _token_from_outbox(customer)

    page = client.get(f"/llogaria/fshirja/konfirmo/{token}/")
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    assert ErasureRequest.objects.get().state == ErasureState.AWAITING_CONFIRMATION

    done = client.post(f"/llogaria/fshirja/konfirmo/{token}/")
    assert done.status_code == 200
    request = ErasureRequest.objects.get()
    assert request.state == ErasureState.VERIFIED
    assert not User.objects.get(pk=customer.pk).is_active
    assert not Session.objects.exists()
    steps = list(request.events.values_list("step", flat=True))
    assert steps == [
        ErasureStep.RECEIVED,
        ErasureStep.CONFIRMATION_SENT,
        ErasureStep.VERIFIED,
        ErasureStep.LOGIN_DISABLED,
    ]
    again = client.post(f"/llogaria/fshirja/konfirmo/{token}/")
    assert again.status_code == 404


def test_p12_a_forged_or_expired_link_confirms_nothing(client, customer: User) -> None:
    erasure_request_by_customer(user=customer, password=TEST_PASSWORD)
    token = _token_from_outbox(customer)
    assert client.post("/llogaria/fshirja/konfirmo/not-a-token/").status_code == 404
    ErasureRequest.objects.update(confirmation_sent_at=timezone.now() - timedelta(days=8))
    assert client.post(f"/llogaria/fshirja/konfirmo/{token}/").status_code == 404
    assert ErasureRequest.objects.get().state == ErasureState.AWAITING_CONFIRMATION
    assert erasure_requests_lapse() == 1
    assert ErasureRequest.objects.get().state == ErasureState.LAPSED


def test_p12_anonymous_visitors_get_a_403_for_the_request_page(client) -> None:
    response = client.get("/llogaria/fshirja/")
    assert response.status_code == 403 and "/llogaria/hyr/?next=" in response.content.decode()
    assert client.post("/llogaria/fshirja/", {"password": "x"}).status_code == 403
    assert not ErasureRequest.objects.exists()


def test_p12_staff_register_a_phone_request_and_the_identity_is_checked_by_mail(
    customer: User,
) -> None:
    care = StaffFactory(role=Role.CUSTOMER_CARE)
    received_on = timezone.localdate() - timedelta(days=3)

    request = erasure_request_register(
        subject=customer, channel=RequestChannel.PHONE, received_on=received_on, actor=care
    )

    assert request.registered_by == care
    assert timezone.localtime(request.due_at).date() == add_months(request.received_at, 1).date()
    message = OutboxMessage.objects.get(kind=MailKind.ERASURE_CONFIRM)
    assert message.to_address == customer.email
    assert received_on.strftime("%d.%m.%Y") in message.body_text
    with pytest.raises(ErasureRequestError):
        erasure_request_register(
            subject=customer,
            channel=RequestChannel.PHONE,
            received_on=timezone.localdate() + timedelta(days=1),
            actor=care,
        )


def test_p12_executing_tells_the_customer_field_by_field_and_forgets_the_address(
    customer: User, smtp_server
) -> None:
    from core.testing import run_tasks

    request = _confirmed_request(customer)
    address = customer.email
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)

    erasure_request_execute(request=request, actor=dpo)

    request.refresh_from_db()
    assert request.state == ErasureState.COMPLETED and request.completed_at
    report = OutboxMessage.objects.get(kind=MailKind.ERASURE_REPORT)
    assert report.forget_when_done and report.to_address == address
    assert "Llogaritë: Email" in report.body_text or "Email" in report.body_text
    run_tasks()
    assert not OutboxMessage.objects.filter(kind=MailKind.ERASURE_REPORT).exists()
    delivered = [m for m in smtp_server.messages if address in m.recipients]
    kinds = [m.subject for m in delivered]
    assert "Të dhënat tuaja u fshinë" in kinds
    report_mail = delivered[kinds.index("Të dhënat tuaja u fshinë")]
    assert "U anonimizua" in report_mail.part("plain")


def test_p12_the_due_date_is_extended_once_and_the_customer_is_told_why(customer: User) -> None:
    request = _confirmed_request(customer)
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    first_due = request.due_at
    reason = "Duhet të verifikojmë një ankesë të hapur me bankën"

    extended = erasure_request_extend(request=request, reason=reason, actor=dpo)

    assert extended.due_at == add_months(first_due, 2)
    notice = OutboxMessage.objects.get(kind=MailKind.ERASURE_EXTENDED)
    assert reason in notice.body_text
    with pytest.raises(ErasureRequestError):
        erasure_request_extend(request=extended, reason=reason, actor=dpo)
    with pytest.raises(ErasureRequestError):
        erasure_request_extend(request=extended, reason="shkurt", actor=dpo)


def test_p12_overdue_and_soon_due_requests_are_reminded_to_the_dpo_before_the_due_date(
    customer: User, other_customer: User
) -> None:
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    soon = _confirmed_request(customer)
    later = _confirmed_request(other_customer)
    now = timezone.now()
    ErasureRequest.objects.filter(pk=soon.pk).update(due_at=now + timedelta(days=3))
    ErasureRequest.objects.filter(pk=later.pk).update(due_at=now + timedelta(days=20))

    assert erasure_reminders_send() == 1
    assert erasure_reminders_send() == 0

    reminder = OutboxMessage.objects.get(kind=MailKind.ERASURE_DUE_REMINDER)
    assert reminder.to_address == dpo.email and f"#{soon.pk}" in reminder.body_text
    assert f"#{later.pk}" not in reminder.body_text
    assert ErasureRequest.objects.get(pk=soon.pk).reminded_at is not None


def test_p12_a_legal_hold_blocks_the_erasure_of_what_it_holds_until_lifted(customer: User) -> None:
    product = ProductFactory(stock=5)
    order = place_order(customer=customer, quantities={product.pk: 1})
    for status in (OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED):
        order_change_status(order=order, to_status=status, actor=None)
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    request = _confirmed_request(customer)
    hold = legal_hold_place(
        subject=customer,
        kind=HoldKind.WARRANTY_OR_REPAIR,
        reason="Riparim nën garanci i hapur te servisi",
        review_on=timezone.localdate() + timedelta(days=60),
        order=order,
        actor=dpo,
    )

    erasure_request_execute(request=request, actor=dpo)

    request.refresh_from_db()
    assert request.state == ErasureState.HELD
    assert Order.objects.get(pk=order.pk).delivery_name == customer.get_full_name()
    report = OutboxMessage.objects.get(kind=MailKind.ERASURE_REPORT).body_text
    assert "Riparim nën garanci i hapur te servisi" in report and order.number in report

    legal_hold_lift(hold=hold, actor=dpo)

    request.refresh_from_db()
    assert request.state == ErasureState.COMPLETED
    assert Order.objects.get(pk=order.pk).delivery_name != customer.get_full_name()
    assert ErasureStep.HELD_DATA_ERASED in request.events.values_list("step", flat=True)


def test_p12_automatic_holds_end_with_the_order_and_the_erasure_completes(customer: User) -> None:
    product = ProductFactory(stock=5)
    order = place_order(customer=customer, quantities={product.pk: 1})
    request = _confirmed_request(customer)
    erasure_request_execute(request=request, actor=None)
    assert ErasureRequest.objects.get(pk=request.pk).state == ErasureState.HELD
    assert holds_release_ended() == 0

    order_change_status(order=order, to_status=OrderStatus.CANCELLED, actor=None)

    assert holds_release_ended() == 1
    assert ErasureRequest.objects.get(pk=request.pk).state == ErasureState.COMPLETED
    assert not LegalHold.objects.filter(lifted_at__isnull=True).exists()


def test_p12_staff_accounts_cannot_be_erased_by_request() -> None:
    staff = UserFactory(is_staff=True)
    with pytest.raises(ErasureRequestError):
        erasure_request_by_customer(user=staff, password=TEST_PASSWORD)
    assert not django_mail.outbox


def test_p12_an_erased_person_cannot_be_registered_again(customer: User) -> None:
    from rights.erasure.engine import ErasureCause, erase_people

    care = StaffFactory(role=Role.CUSTOMER_CARE)
    erase_people([customer.pk], cause=ErasureCause.REQUEST)
    with pytest.raises(ErasureRequestError):
        erasure_request_register(
            subject=User.objects.get(pk=customer.pk),
            channel=RequestChannel.PHONE,
            received_on=timezone.localdate(),
            actor=care,
        )
    assert not OutboxMessage.objects.filter(kind=MailKind.ERASURE_CONFIRM).exists()


def test_p12_a_hold_covers_an_order_or_a_case_never_both(customer: User) -> None:
    from support.models import CaseChannel, SupportCase

    product = ProductFactory(stock=5)
    order = place_order(customer=customer, quantities={product.pk: 1})
    case = SupportCase.objects.create(
        customer=customer, channel=CaseChannel.PHONE, summary="Pyetje", opened_at=timezone.now()
    )
    with pytest.raises(ErasureRequestError):
        legal_hold_place(
            subject=customer,
            kind=HoldKind.DISPUTE,
            reason="Ankesë e hapur për dorëzimin",
            review_on=timezone.localdate() + timedelta(days=30),
            order=order,
            support_case=case,
            actor=StaffFactory(role=Role.DATA_PROTECTION_OFFICER),
        )
    assert not LegalHold.objects.exists()


def test_p12_the_report_leaves_out_keyed_hashes_and_names_the_access_record(
    customer: User,
) -> None:
    from rights.erasure.engine import ErasureCause, erase_people
    from rights.erasure.report import report_lines

    result = erase_people([customer.pk], cause=ErasureCause.REQUEST)

    labels = [line.label for line in report_lines(result.reports[customer.pk], language="sq")]
    assert not [label for label in labels if "index" in label.lower()]
    assert labels[-1] == "Regjistri i qasjeve në të dhënat tuaja"


def test_p12_a_hold_whose_review_date_has_come_is_put_to_the_officer_once(
    customer: User,
) -> None:
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    hold = legal_hold_place(
        subject=customer,
        kind=HoldKind.DISPUTE,
        reason="Ankesë e hapur për një rimbursim",
        review_on=timezone.localdate() + timedelta(days=10),
        actor=dpo,
    )
    assert erasure_reminders_send() == 0

    later = timezone.now() + timedelta(days=10)
    assert erasure_reminders_send(now=later) == 1
    assert erasure_reminders_send(now=later) == 0

    reminder = OutboxMessage.objects.get(kind=MailKind.ERASURE_DUE_REMINDER)
    assert f"#{hold.pk}" in reminder.body_text and reminder.to_address == dpo.email


def test_p12_staff_cannot_check_identity_through_an_address_never_verified() -> None:
    from accounts.tests.factories import UnverifiedUserFactory

    unverified = UnverifiedUserFactory()
    with pytest.raises(ErasureRequestError):
        erasure_request_register(
            subject=unverified,
            channel=RequestChannel.PHONE,
            received_on=timezone.localdate(),
            actor=StaffFactory(role=Role.CUSTOMER_CARE),
        )
    assert not OutboxMessage.objects.filter(kind=MailKind.ERASURE_CONFIRM).exists()


def test_p12_an_older_confirmation_link_stops_working_when_a_new_one_is_sent(
    customer: User,
) -> None:
    erasure_request_by_customer(user=customer, password=TEST_PASSWORD)
    old = _token_from_outbox(customer)
    erasure_request_by_customer(user=customer, password=TEST_PASSWORD)
    new = _token_from_outbox(customer)

    with pytest.raises(ErasureRequestError):
        erasure_request_confirm(token=old)
    assert erasure_request_confirm(token=new).state == ErasureState.VERIFIED
