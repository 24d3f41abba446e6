"""A purpose one makes for oneself is not a free pass (P5).

A case a staff member opens, or an order or case they assign to themselves from outside
their queue, opens the customer's data only on a typed reason: recorded as such, shown
to the customer, and collected into the officers' daily digest.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from mail.models import MailKind, OutboxMessage
from orders.models import OrderStatus
from orders.services import order_assign, order_change_status
from orders.tests.factories import place_order
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.roles import Role
from staff.services import own_purposes_digest_send, own_purposes_digests_send
from staff.tests.factories import StaffFactory
from support.models import CaseChannel, CaseStatus, SupportCase
from support.services import case_save

pytestmark = pytest.mark.django_db

NAME = "Vjollca"
ZERO_WIDTH = "\u200b" * 20
REASON = "Klienti telefonoi për garancinë e frigoriferit"


@pytest.fixture
def person() -> User:
    return UserFactory(first_name=NAME, last_name="Berisha", phone="+355691234567")


@pytest.fixture
def care() -> User:
    return StaffFactory(role=Role.CUSTOMER_CARE)


def _user_page(person: User) -> str:
    return reverse("admin:accounts_user_change", args=[person.pk])


def _own_purpose_page(person: User) -> str:
    return reverse("admin:accounts_user_own_purpose", args=[person.pk])


def _reveals(staff: User) -> AccessEntry | None:
    return AccessEntry.objects.filter(actor=staff, action=AccessAction.REVEAL).first()


def _open_case_in_admin(client, staff: User, person: User) -> SupportCase:  # type: ignore[no-untyped-def]
    client.force_login(staff)
    response = client.post(
        reverse("admin:support_supportcase_add"),
        {
            "customer": person.pk,
            "channel": CaseChannel.PHONE,
            "summary": "Pyetje",
            "customer_message": "",
            "status": CaseStatus.OPEN,
            "assigned_to": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    return SupportCase.objects.get(customer=person)


def test_p5_a_case_one_opens_oneself_needs_a_typed_reason(client, person, care):
    # given: customer care opens a case for any customer, with nobody assigned
    case = _open_case_in_admin(client, care, person)
    assert case.opened_by == care and case.assigned_to is None
    # when: they open that customer
    page = client.get(_user_page(person)).content.decode()
    # then: the data stays masked, the page asks for a reason, nothing is revealed
    assert NAME not in page
    assert "shkruani arsyen" in page
    assert _own_purpose_page(person) in page
    assert _reveals(care) is None


@pytest.mark.parametrize("thin", [ZERO_WIDTH, "." * 40, "\u200b.\u200b" * 10, "1234567890123456"])
def test_p5_an_invisible_or_empty_reason_is_refused(client, person, care, thin):
    case = _open_case_in_admin(client, care, person)
    response = client.post(
        _own_purpose_page(person), {"purpose": f"support_case:#{case.pk}", "reason": thin}
    )
    assert response.status_code == 200
    assert not AccessEntry.objects.filter(action=AccessAction.OWN_PURPOSE).exists()
    assert NAME not in client.get(_user_page(person)).content.decode()


def test_p5_a_reason_opens_the_data_and_the_customer_sees_it(client, person, care):
    # given: a case care opened themselves
    case = _open_case_in_admin(client, care, person)
    # when: they type a reason (with invisible characters around it)
    response = client.post(
        _own_purpose_page(person),
        {"purpose": f"support_case:#{case.pk}", "reason": f"\u200b{REASON}\u2060"},
    )
    # then: it is recorded as a self-made purpose, with the reason as it reads
    assert response.status_code == 302
    entry = AccessEntry.objects.get(action=AccessAction.OWN_PURPOSE)
    assert entry.actor == care and entry.subject_id == person.pk
    assert entry.basis == AccessBasis.SUPPORT_CASE and entry.reference == f"#{case.pk}"
    assert entry.reason == REASON
    # and the page shows the data, recording the reveal under that case
    page = client.get(_user_page(person)).content.decode()
    assert NAME in page
    reveal = _reveals(care)
    assert reveal is not None and reveal.reference == f"#{case.pk}"
    # and the customer reads it on their own page, with the reason
    client.force_login(person)
    own = client.get(reverse("rights:access_log")).content.decode()
    assert "Hapje me një qëllim që punonjësi krijoi vetë" in own
    assert REASON in own


def test_p5_a_colleagues_case_works_as_today(client, person, care):
    # given: a case a colleague opened, waiting in the queue
    colleague = StaffFactory(role=Role.CUSTOMER_CARE)
    _open_case_in_admin(client, colleague, person)
    # when: care opens the customer
    client.force_login(care)
    page = client.get(_user_page(person)).content.decode()
    # then: shown in full, no reason asked
    assert NAME in page
    assert not AccessEntry.objects.filter(action=AccessAction.OWN_PURPOSE).exists()


def test_p5_the_officer_assigning_a_case_to_themselves_needs_a_reason(client, person):
    # given: a case the customer brought, and the officer who assigns it to themselves
    officer = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    case = SupportCase(
        customer=person, channel=CaseChannel.EMAIL, summary="Pyetje", opened_at=timezone.now()
    )
    case_save(case=case, changed=[], actor=None)
    case.assigned_to = officer
    case_save(case=case, changed=["assigned_to"], actor=officer)
    # when: they open the customer
    client.force_login(officer)
    page = client.get(_user_page(person)).content.decode()
    # then: masked until they type a reason
    assert NAME not in page and _own_purpose_page(person) in page
    # and a colleague's assignment opens it
    colleague = StaffFactory(role=Role.CUSTOMER_CARE)
    case.assigned_to = None
    case_save(case=case, changed=["assigned_to"], actor=colleague)
    case.assigned_to = officer
    case_save(case=case, changed=["assigned_to"], actor=colleague)
    assert NAME in client.get(_user_page(person)).content.decode()


def test_p5_an_order_one_assigns_oneself_outside_the_queue_needs_a_reason(client, person, care):
    # given: an order; customer care has no order queue and takes it for themselves
    order = place_order(customer=person, quantities={ProductFactory(stock=3).pk: 1})
    order_assign(order=order, staff=care, actor=care)
    # when: they open the order
    client.force_login(care)
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    # then: masked, asking for a reason
    assert NAME not in page and "shkruani arsyen" in page
    # while sales, taking it from the queue every order enters, sees it as today
    order_assign(order=order, staff=None, actor=care)
    sales = StaffFactory(role=Role.SALES)
    order_assign(order=order, staff=sales, actor=sales)
    client.force_login(sales)
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert NAME in page


def test_p5_the_officers_get_a_daily_digest_by_staff_member_once(client, person, care):
    # given: two self-made openings yesterday by the same staff member
    officer = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    case = _open_case_in_admin(client, care, person)
    client.post(
        _own_purpose_page(person), {"purpose": f"support_case:#{case.pk}", "reason": REASON}
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    # when: the digest for today runs (the entry is today's), twice
    sent = own_purposes_digest_send(day=timezone.localdate())
    again = own_purposes_digest_send(day=timezone.localdate())
    # then: one mail to the officer, grouped under the staff member, with the reason
    assert sent == 1 and again == 0
    digest = OutboxMessage.objects.get(kind=MailKind.OWN_PURPOSE_DIGEST)
    assert digest.to_address == officer.email
    assert f"#{care.pk}" in digest.body_text and REASON in digest.body_text
    assert f"#{person.pk}" in digest.body_text
    # and a day without any sends nothing
    assert own_purposes_digest_send(day=yesterday) == 0
    assert OutboxMessage.objects.filter(kind=MailKind.OWN_PURPOSE_DIGEST).count() == 1


def test_p5_break_glass_refuses_reasons_nobody_can_read(client, person, care):
    client.force_login(care)
    url = reverse("admin:accounts_user_break_glass", args=[person.pk])
    for thin in (ZERO_WIDTH, "." * 30, "\u202e\u200d" * 12 + "abc", "\u3164" * 20):
        response = client.post(url, {"reason": thin})
        assert response.status_code == 200
    assert not AccessEntry.objects.filter(action=AccessAction.BREAK_GLASS).exists()
    assert not OutboxMessage.objects.filter(kind=MailKind.BREAK_GLASS).exists()


def test_p5_sales_taking_an_order_that_left_the_queue_needs_a_reason(client, person):
    # given: an order out for delivery that nobody holds
    order = place_order(customer=person, quantities={ProductFactory(stock=3).pk: 1})
    order_change_status(order=order, to_status=OrderStatus.CONFIRMED, actor=None)
    order_change_status(order=order, to_status=OrderStatus.OUT_FOR_DELIVERY, actor=None)
    sales = StaffFactory(role=Role.SALES)
    # when: a salesperson takes it for themselves
    order_assign(order=order, staff=sales, actor=sales)
    client.force_login(sales)
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    # then: not from their queue, so it waits for a reason
    assert NAME not in page and "shkruani arsyen" in page


def test_p5_an_order_taken_from_the_queue_stays_open_after_it_ships(client, person):
    order = place_order(customer=person, quantities={ProductFactory(stock=3).pk: 1})
    sales = StaffFactory(role=Role.SALES)
    order_assign(order=order, staff=sales, actor=sales)
    order_change_status(order=order, to_status=OrderStatus.CONFIRMED, actor=sales)
    order_change_status(order=order, to_status=OrderStatus.OUT_FOR_DELIVERY, actor=sales)
    client.force_login(sales)
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert NAME in page


def _customers_case(person: User) -> SupportCase:
    case = SupportCase(
        customer=person, channel=CaseChannel.EMAIL, summary="Pyetje", opened_at=timezone.now()
    )
    return case_save(case=case, changed=[], actor=None)


def _edit_case(case: SupportCase, actor: User, **values: object) -> None:
    for name, value in values.items():
        setattr(case, name, value)
    case_save(case=case, changed=list(values), actor=actor)


def test_p5_taking_a_colleagues_case_needs_a_reason(client, person, care):
    # given: a customer's case a colleague holds
    case = _customers_case(person)
    colleague = StaffFactory(role=Role.CUSTOMER_CARE)
    _edit_case(case, colleague, assigned_to=colleague)
    # when: care takes it over for themselves
    _edit_case(case, care, assigned_to=care)
    client.force_login(care)
    # then: masked until they type a reason
    assert NAME not in client.get(_user_page(person)).content.decode()


def test_p5_releasing_a_case_to_the_queue_is_no_free_pass_for_who_released_it(client, person, care):
    # given: a customer's case a colleague holds, released to the queue by care
    case = _customers_case(person)
    colleague = StaffFactory(role=Role.CUSTOMER_CARE)
    _edit_case(case, colleague, assigned_to=colleague)
    _edit_case(case, care, assigned_to=None)
    # then: for who released it, a self-made purpose, also after taking it back
    client.force_login(care)
    assert NAME not in client.get(_user_page(person)).content.decode()
    _edit_case(case, care, assigned_to=care)
    assert NAME not in client.get(_user_page(person)).content.decode()


def test_p5_a_colleague_takes_a_released_case_from_the_queue_as_today(client, person, care):
    case = _customers_case(person)
    other = StaffFactory(role=Role.CUSTOMER_CARE)
    _edit_case(case, other, assigned_to=other)
    _edit_case(case, other, assigned_to=None)
    _edit_case(case, care, assigned_to=care)
    client.force_login(care)
    assert NAME in client.get(_user_page(person)).content.decode()


def test_p5_reopening_a_closed_case_needs_a_reason(client, person, care):
    # given: a customer's case that was closed long ago
    case = _customers_case(person)
    _edit_case(case, StaffFactory(role=Role.CUSTOMER_CARE), status=CaseStatus.CLOSED)
    # when: care opens it again, leaving it unassigned
    _edit_case(case, care, status=CaseStatus.OPEN)
    client.force_login(care)
    # then: masked for them until they type a reason
    assert NAME not in client.get(_user_page(person)).content.decode()


def test_p5_a_customers_case_taken_from_the_queue_works_as_today(client, person, care):
    case = _customers_case(person)
    _edit_case(case, care, assigned_to=care)
    client.force_login(care)
    assert NAME in client.get(_user_page(person)).content.decode()


def test_p5_a_day_the_worker_missed_is_sent_the_next_run(client, person, care):
    # given: a self-made opening, and the last digest sent two days before it
    StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    case = _open_case_in_admin(client, care, person)
    client.post(
        _own_purpose_page(person), {"purpose": f"support_case:#{case.pk}", "reason": REASON}
    )
    today = timezone.localdate()
    own_purposes_digest_send(day=today - timedelta(days=2))
    # when: the daily run comes two days later
    sent = own_purposes_digests_send(today=today + timedelta(days=2))
    again = own_purposes_digests_send(today=today + timedelta(days=2))
    # then: the missed days are sent, the opening once
    assert sent == 1 and again == 0
    assert OutboxMessage.objects.filter(kind=MailKind.OWN_PURPOSE_DIGEST).count() == 1
