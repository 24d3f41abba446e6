"""The erasure back office (P12, P5): the officer's queue, its buttons, and who is refused."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from mail.models import MailKind, OutboxMessage
from orders.models import Order, OrderStatus
from orders.services import order_change_status
from orders.tests.factories import place_order
from privacy.roles import ROLE_PERMISSIONS, Role
from rights.holds.services import legal_hold_place
from rights.models import (
    ErasureRequest,
    ErasureState,
    ErasureStep,
    HoldKind,
    LegalHold,
    RequestChannel,
)
from rights.requests.services import (
    add_months,
    erasure_request_by_customer,
    erasure_request_confirm,
)
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"/fshirja/konfirmo/([\w-]+)/")
PERSON = {
    "first_name": "Mirela",
    "last_name": "Gjoka",
    "email": "mirela.gjoka@example.al",
    "phone": "+355691234567",
}
STREET = "Rr. Durrësit 44"
EXTENSION_REASON = "Kërkesa prek edhe një ankesë të hapur te furnitori; na duhet kohë."
HOLD_REASON = "Riparim nën garanci i hapur te servisi"


def staff_member(role: Role | None = None) -> User:
    """A trained staff member whose own name (in the page header) is nobody's under test."""
    return StaffFactory(role=role, first_name="Punonjës", last_name="Zyre")


def url(name: str, *args: Any) -> str:
    return reverse(f"admin:rights_{name}", args=list(args))


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _assert_no_personal_data(html: str) -> None:
    for value in (*PERSON.values(), STREET, "069 123 4567"):
        assert value not in html, value


@pytest.fixture
def person() -> User:
    user = UserFactory(**PERSON)
    AddressFactory(user=user, street=STREET)
    return user


@pytest.fixture
def delivered_order(person: User) -> Order:
    order = place_order(customer=person, quantities={ProductFactory(stock=5).pk: 1})
    for status in (OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED):
        order_change_status(order=order, to_status=status, actor=None)
    return order


def _verified(user: User) -> ErasureRequest:
    """Ask from the account and confirm with the link in the mail, as the person does."""
    erasure_request_by_customer(user=user, password=TEST_PASSWORD)
    message = OutboxMessage.objects.filter(kind=MailKind.ERASURE_CONFIRM).latest("created_at")
    found = CONFIRM_LINK.search(message.body_text)
    assert found
    return erasure_request_confirm(token=found.group(1))


@pytest.fixture
def verified(person: User) -> ErasureRequest:
    return _verified(person)


@pytest.fixture
def dpo() -> User:
    return staff_member(Role.DATA_PROTECTION_OFFICER)


@pytest.fixture
def dpo_client(client: Client, dpo: User) -> Client:
    client.force_login(dpo)
    return client


def _row(state: ErasureState, due_in_days: int, **fields: Any) -> ErasureRequest:
    now = timezone.now()
    return ErasureRequest.objects.create(
        subject=UserFactory(),
        channel=RequestChannel.EMAIL,
        state=state,
        received_at=now - timedelta(days=20),
        due_at=now + timedelta(days=due_in_days),
        **fields,
    )


# The queue.


def test_p12_the_queue_is_sorted_by_due_date_and_flags_overdue_requests(dpo_client):
    # given
    late = _row(ErasureState.VERIFIED, -3)
    soon = _row(ErasureState.VERIFIED, 2)
    waiting = _row(ErasureState.AWAITING_CONFIRMATION, 10)
    held = _row(ErasureState.HELD, -5)
    done = _row(ErasureState.COMPLETED, -20)
    lapsed = _row(ErasureState.LAPSED, -30)
    extended = _row(ErasureState.VERIFIED, 40, extended_at=timezone.now())
    # when
    response = dpo_client.get(url("erasurerequest_changelist"))
    # then: open and held requests only, earliest due first
    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [held, late, soon, waiting, extended]
    # only the open request past its due date is late, in words as well as in red
    assert html.count('class="erasure-overdue">Me vonesë<') == 1
    row = next(line for line in html.split("<tr") if f">#{late.pk}<" in line)
    assert "Me vonesë" in row and f"Llogaria #{late.subject_id}" in row
    assert ">Po<" in next(line for line in html.split("<tr") if f">#{extended.pk}<" in line)
    # everything: the closed ones after the open ones
    everything = dpo_client.get(url("erasurerequest_changelist") + "?gjendja=te-gjitha")
    assert list(everything.context["cl"].result_list) == [
        held,
        late,
        soon,
        waiting,
        extended,
        lapsed,
        done,
    ]
    queue = url("erasurerequest_changelist")
    overdue = dpo_client.get(f"{queue}?afati=me-vonese&gjendja=te-gjitha")
    assert list(overdue.context["cl"].result_list) == [late]
    by_channel = dpo_client.get(url("erasurerequest_changelist") + "?channel__exact=phone")
    assert list(by_channel.context["cl"].result_list) == []


def test_p5_the_queue_and_a_request_show_no_personal_data(dpo_client, person, verified):
    pages = [
        url("erasurerequest_changelist"),
        url("erasurerequest_changelist") + "?gjendja=te-gjitha",
        url("erasurerequest_change", verified.pk),
        url("erasurerequest_execute", verified.pk),
        url("erasurerequest_extend", verified.pk),
        url("erasurerequest_hold", verified.pk),
        url("legalhold_changelist"),
    ]
    for page in pages:
        response = dpo_client.get(page)
        assert response.status_code == 200, page
        _assert_no_personal_data(response.content.decode())
    html = dpo_client.get(url("erasurerequest_change", verified.pk)).content.decode()
    assert f"Llogaria #{person.pk}" in html
    # the history says who by role, never by name
    assert "Personi e konfirmoi me lidhjen në email" in html and "Klienti" in html
    # before execution, the plan: what will be erased, anonymised and kept
    assert "Anonimizohet" in html and "Mbahet për afatin ligjor" in html
    assert 'name="_save"' not in html


# Executing.


def test_p12_the_dpo_executes_a_verified_request(dpo_client, dpo, person, verified):
    # given
    execute = url("erasurerequest_execute", verified.pk)
    page = dpo_client.get(execute)
    assert page.status_code == 200 and "Po, fshiji të dhënat tani" in page.content.decode()
    assert ErasureRequest.objects.get(pk=verified.pk).state == ErasureState.VERIFIED
    # when
    response = dpo_client.post(execute, follow=True)
    # then
    erasure_request = ErasureRequest.objects.get(pk=verified.pk)
    assert erasure_request.state == ErasureState.COMPLETED
    user = User.objects.get(pk=person.pk)
    assert user.first_name != PERSON["first_name"] and user.email != PERSON["email"]
    # the report waits in the outbox (its row is deleted once delivered)
    report = OutboxMessage.objects.get(kind=MailKind.ERASURE_REPORT)
    assert report.to_address == PERSON["email"]
    assert any("Klientit iu dërgua raporti" in text for text in _messages(response))
    # the page now shows the report and the pseudonym, still no personal data
    html = response.content.decode()
    assert "U anonimizua" in html and "Personi i fshirë E-" in html
    _assert_no_personal_data(html)
    executed = erasure_request.events.get(step=ErasureStep.EXECUTED)
    assert executed.actor == dpo
    # a second execution is refused with a message and changes nothing
    again = dpo_client.post(execute, follow=True)
    assert any("vetëm një kërkesë e konfirmuar" in text for text in _messages(again))
    assert OutboxMessage.objects.filter(kind=MailKind.ERASURE_REPORT).count() == 1


def test_p12_a_request_awaiting_confirmation_cannot_be_executed(dpo_client, person):
    erasure_request_by_customer(user=person, password=TEST_PASSWORD)
    waiting = ErasureRequest.objects.get(subject=person)
    html = dpo_client.get(url("erasurerequest_change", waiting.pk)).content.decode()
    assert url("erasurerequest_execute", waiting.pk) not in html
    response = dpo_client.post(url("erasurerequest_execute", waiting.pk), follow=True)
    assert any("vetëm një kërkesë e konfirmuar" in text for text in _messages(response))
    assert ErasureRequest.objects.get(pk=waiting.pk).state == ErasureState.AWAITING_CONFIRMATION
    assert User.objects.get(pk=person.pk).first_name == PERSON["first_name"]


# Extending.


def test_p12_the_due_date_is_extended_once_with_a_reason_mailed_to_the_customer(
    dpo_client, verified
):
    extend = url("erasurerequest_extend", verified.pk)
    due = verified.due_at
    # a reason too short is refused with a message
    short = dpo_client.post(extend, {"reason": "Shumë punë"})
    assert short.status_code == 200
    assert "të paktën 15 shkronja" in short.content.decode()
    # and so is one of dots and invisible characters, however long
    dots = dpo_client.post(extend, {"reason": "\u200b." * 40})
    assert "të paktën 15 shkronja" in dots.content.decode()
    assert ErasureRequest.objects.get(pk=verified.pk).extended_at is None
    # when
    response = dpo_client.post(extend, {"reason": EXTENSION_REASON}, follow=True)
    # then
    extended = ErasureRequest.objects.get(pk=verified.pk)
    assert extended.due_at == add_months(due, 2)
    assert extended.extension_reason == EXTENSION_REASON
    assert any("Klientit iu dërgua arsyeja" in text for text in _messages(response))
    mail = OutboxMessage.objects.get(kind=MailKind.ERASURE_EXTENDED)
    assert mail.to_address == PERSON["email"] and EXTENSION_REASON in mail.body_text
    # the button is gone, and a second extension is refused with a message
    assert extend not in response.content.decode()
    again = dpo_client.post(extend, {"reason": EXTENSION_REASON + " Sërish."})
    assert any("vetëm një herë" in text for text in _messages(again))
    assert ErasureRequest.objects.get(pk=verified.pk).due_at == extended.due_at
    assert OutboxMessage.objects.filter(kind=MailKind.ERASURE_EXTENDED).count() == 1


# Holds.


def test_p12_a_held_order_keeps_its_delivery_name_until_the_hold_is_lifted(
    dpo_client, person, delivered_order, verified
):
    # given a hold on one order, placed from the request's page
    response = dpo_client.post(
        url("erasurerequest_hold", verified.pk),
        {
            "kind": HoldKind.WARRANTY_OR_REPAIR,
            "target": f"order:{delivered_order.pk}",
            "reason": HOLD_REASON,
            "review_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
        },
        follow=True,
    )
    hold = LegalHold.objects.get(subject=person)
    assert hold.order == delivered_order and hold.is_active
    html = response.content.decode()
    assert HOLD_REASON in html and delivered_order.number in html
    # when the erasure runs
    dpo_client.post(url("erasurerequest_execute", verified.pk))
    # then the held order keeps the name, the rest is anonymised
    assert ErasureRequest.objects.get(pk=verified.pk).state == ErasureState.HELD
    assert Order.objects.get(pk=delivered_order.pk).delivery_name == "Mirela Gjoka"
    assert User.objects.get(pk=person.pk).first_name != PERSON["first_name"]
    page = dpo_client.get(url("erasurerequest_change", verified.pk)).content.decode()
    lift = f"{url('legalhold_lift', hold.pk)}?kerkesa={verified.pk}"
    assert lift in page and "U mbajt nën bllokim ligjor" in page
    _assert_no_personal_data(page)
    # when the hold is lifted (confirmation first)
    assert dpo_client.get(lift).status_code == 200
    assert LegalHold.objects.get(pk=hold.pk).is_active
    lifted = dpo_client.post(lift)
    # then the order is anonymised too and the request completes
    assert lifted["Location"] == url("erasurerequest_change", verified.pk)
    assert not LegalHold.objects.get(pk=hold.pk).is_active
    assert Order.objects.get(pk=delivered_order.pk).delivery_name != "Mirela Gjoka"
    assert ErasureRequest.objects.get(pk=verified.pk).state == ErasureState.COMPLETED


def test_p12_a_hold_covers_only_the_persons_own_orders(dpo_client, verified):
    stranger_order = place_order(customer=UserFactory(), quantities={ProductFactory(stock=5).pk: 1})
    hold_page = url("erasurerequest_hold", verified.pk)
    assert stranger_order.number not in dpo_client.get(hold_page).content.decode()
    response = dpo_client.post(
        hold_page,
        {
            "kind": HoldKind.DISPUTE,
            "target": f"order:{stranger_order.pk}",
            "reason": HOLD_REASON,
            "review_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200 and "target" in response.context["form"].errors
    # and a review date in the past is the service's error, shown as a message
    past = dpo_client.post(
        hold_page,
        {
            "kind": HoldKind.DISPUTE,
            "target": "all",
            "reason": HOLD_REASON,
            "review_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert any("në të ardhmen" in text for text in _messages(past))
    assert not LegalHold.objects.exists()


def test_p12_the_holds_list_shows_accounts_kinds_and_review_dates(dpo_client, dpo, person):
    hold = legal_hold_place(
        subject=person,
        kind=HoldKind.LEGAL_REQUEST,
        reason="Kërkesë nga prokuroria për një porosi",
        review_on=timezone.localdate() + timedelta(days=90),
        actor=dpo,
    )
    html = dpo_client.get(url("legalhold_changelist") + "?gjendja=aktive").content.decode()
    assert f"Llogaria #{person.pk}" in html and "Kërkesë nga një autoritet ligjor" in html
    page = dpo_client.get(url("legalhold_change", hold.pk)).content.decode()
    assert url("legalhold_lift", hold.pk) in page and "Zyrtari i mbrojtjes" in page
    _assert_no_personal_data(page)
    response = dpo_client.post(url("legalhold_lift", hold.pk))
    assert response["Location"] == url("legalhold_change", hold.pk)
    assert not LegalHold.objects.get(pk=hold.pk).is_active


# Registering a request told to staff.


def test_p12_customer_care_registers_a_phone_request_from_the_customers_page(client, person):
    # given
    care = staff_member(Role.CUSTOMER_CARE)
    client.force_login(care)
    register = f"{url('erasurerequest_register')}?klienti={person.pk}"
    customer_page = client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assert register in customer_page.content.decode()
    form = client.get(register)
    assert form.status_code == 200 and f"Llogaria #{person.pk}" in form.content.decode()
    _assert_no_personal_data(form.content.decode())
    # a date in the future is refused and changes nothing
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = client.post(register, {"channel": RequestChannel.PHONE, "received_on": tomorrow})
    assert any("në të ardhmen" in text for text in _messages(refused))
    assert not ErasureRequest.objects.exists()
    # when
    received_on = timezone.localdate() - timedelta(days=2)
    response = client.post(
        register,
        {"channel": RequestChannel.PHONE, "received_on": received_on.isoformat()},
        follow=True,
    )
    # then
    erasure_request = ErasureRequest.objects.get(subject=person)
    assert erasure_request.channel == RequestChannel.PHONE
    assert erasure_request.registered_by == care
    assert timezone.localtime(erasure_request.received_at).date() == received_on
    assert erasure_request.state == ErasureState.AWAITING_CONFIRMATION
    mail = OutboxMessage.objects.get(kind=MailKind.ERASURE_CONFIRM)
    assert mail.to_address == PERSON["email"] and CONFIRM_LINK.search(mail.body_text)
    assert response.redirect_chain[-1][0] == reverse("admin:accounts_user_change", args=[person.pk])
    assert any(
        "Klientit iu dërgua një lidhje për të konfirmuar identitetin" in text
        for text in _messages(response)
    )
    # the queue stays the officer's
    assert client.get(url("erasurerequest_changelist")).status_code == 403
    assert client.get(url("erasurerequest_change", erasure_request.pk)).status_code == 403


def test_p12_staff_accounts_are_not_registered_for_erasure(dpo_client):
    colleague = staff_member(Role.SALES)
    register = f"{url('erasurerequest_register')}?klienti={colleague.pk}"
    response = dpo_client.post(
        register,
        {"channel": RequestChannel.EMAIL, "received_on": timezone.localdate().isoformat()},
    )
    assert any("administratori" in text for text in _messages(response))
    assert not ErasureRequest.objects.exists()


# Everyone else.


def _snapshot(person: User) -> tuple[object, ...]:
    return (
        sorted(
            ErasureRequest.objects.values_list("pk", "state", "due_at", "extended_at", "report")
        ),
        sorted(LegalHold.objects.values_list("pk", "lifted_at")),
        OutboxMessage.objects.count(),
        User.objects.get(pk=person.pk).first_name,
    )


def _refused(response: Any, *, anonymous: bool = False) -> bool:
    # Signed-in outsiders get the refusal itself; a visitor not signed in is sent to the
    # back office's sign-in page, with nothing of the request.
    if anonymous:
        return response.status_code == 302 and response["Location"].startswith(
            reverse("admin:login")
        )
    return response.status_code == 403


@pytest.mark.parametrize(
    "who",
    [Role.SALES, Role.MARKETING, Role.CUSTOMER_CARE, "staff_without_role", "customer", "anonymous"],
)
def test_p5_everyone_but_the_dpo_is_refused_the_queue_and_its_buttons(
    client, dpo, person, delivered_order, verified, who
):
    # given
    hold = legal_hold_place(
        subject=person,
        kind=HoldKind.DISPUTE,
        reason=HOLD_REASON,
        review_on=timezone.localdate() + timedelta(days=30),
        actor=dpo,
    )
    if who == "customer":
        client.force_login(UserFactory(first_name="Besnik", last_name="Hoxha"))
    elif who == "staff_without_role":
        client.force_login(staff_member())
    elif who != "anonymous":
        client.force_login(staff_member(who))
    before = _snapshot(person)
    targets = [
        url("erasurerequest_changelist"),
        url("erasurerequest_change", verified.pk),
        url("erasurerequest_execute", verified.pk),
        url("erasurerequest_extend", verified.pk),
        url("erasurerequest_hold", verified.pk),
        url("legalhold_changelist"),
        url("legalhold_change", hold.pk),
        url("legalhold_lift", hold.pk),
    ]
    if who != Role.CUSTOMER_CARE:
        targets.append(f"{url('erasurerequest_register')}?klienti={person.pk}")
    data = {
        "reason": EXTENSION_REASON,
        "kind": HoldKind.DISPUTE,
        "target": "all",
        "review_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "channel": RequestChannel.PHONE,
        "received_on": timezone.localdate().isoformat(),
    }
    # when, then
    for target in targets:
        for method in (client.get, client.post):
            response = method(target, data)
            assert _refused(response, anonymous=who == "anonymous"), (target, method, response)
            _assert_no_personal_data(response.content.decode())
    assert _snapshot(person) == before


def test_p5_the_administrator_sees_the_queue_but_executes_nothing(client, dpo, person, verified):
    hold = legal_hold_place(
        subject=person,
        kind=HoldKind.DISPUTE,
        reason=HOLD_REASON,
        review_on=timezone.localdate() + timedelta(days=30),
        actor=dpo,
    )
    client.force_login(staff_member(Role.ADMINISTRATOR))
    before = _snapshot(person)
    for page in (
        url("erasurerequest_changelist"),
        url("erasurerequest_change", verified.pk),
        url("legalhold_change", hold.pk),
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        _assert_no_personal_data(html)
        assert "Zbato fshirjen" not in html and "Hiq bllokimin" not in html
    for action in (
        url("erasurerequest_execute", verified.pk),
        url("erasurerequest_extend", verified.pk),
        url("erasurerequest_hold", verified.pk),
        url("legalhold_lift", hold.pk),
        f"{url('erasurerequest_register')}?klienti={person.pk}",
    ):
        assert client.get(action).status_code == 403, action
        assert client.post(action, {"reason": EXTENSION_REASON}).status_code == 403, action
    assert _snapshot(person) == before


def test_p12_a_post_without_the_csrf_token_is_refused(dpo, person, verified):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dpo)
    before = _snapshot(person)
    for action in ("execute", "extend", "hold"):
        response = client.post(url(f"erasurerequest_{action}", verified.pk), {"reason": "x" * 20})
        assert response.status_code == 403, action
    assert _snapshot(person) == before


def test_p12_only_the_dpo_handles_erasure_and_care_registers_it():
    def holders(permission: str) -> set[Role]:
        return {role for role in Role if permission in ROLE_PERMISSIONS[role]}

    assert holders("rights.handle_erasurerequest") == {Role.DATA_PROTECTION_OFFICER}
    assert holders("rights.add_legalhold") == {Role.DATA_PROTECTION_OFFICER}
    assert holders("rights.change_legalhold") == {Role.DATA_PROTECTION_OFFICER}
    assert holders("rights.register_erasurerequest") == {
        Role.DATA_PROTECTION_OFFICER,
        Role.CUSTOMER_CARE,
    }
    assert holders("rights.view_erasurerequest") == {
        Role.DATA_PROTECTION_OFFICER,
        Role.ADMINISTRATOR,
    }


def test_p5_a_superuser_without_the_officers_role_executes_and_holds_nothing(
    client, dpo, person, verified
):
    superuser = staff_member(Role.ADMINISTRATOR)
    User.objects.filter(pk=superuser.pk).update(is_superuser=True)
    client.force_login(User.objects.get(pk=superuser.pk))
    before = _snapshot(person)
    for action in (
        url("erasurerequest_execute", verified.pk),
        url("erasurerequest_extend", verified.pk),
        url("erasurerequest_hold", verified.pk),
    ):
        assert client.post(action, {"reason": EXTENSION_REASON}).status_code == 403, action
    assert _snapshot(person) == before


def test_p12_the_history_names_the_role_the_officer_had_when_acting(dpo, verified):
    from rights.admin.display import actor_text
    from rights.requests.services import erasure_request_extend

    erasure_request_extend(request=verified, reason=EXTENSION_REASON, actor=dpo)
    dpo.groups.clear()

    event = verified.events.get(step="extended")
    assert actor_text(event.actor_label, {}) == str(Role.DATA_PROTECTION_OFFICER.label)


def test_p12_the_officer_signed_out_follows_the_reminder_to_sign_in_and_back(client, verified):
    target = url("erasurerequest_change", verified.pk)

    response = client.get(target)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={target}"


def test_p12_a_history_written_before_the_one_label_still_names_the_role():
    from privacy.models import ActorKind
    from rights.admin.display import actor_text

    assert actor_text("staff:12:dpo", {}) == str(Role.DATA_PROTECTION_OFFICER.label)
    assert actor_text("staff:12:", {12: "Shitje"}) == "Shitje"
    assert actor_text("customer", {}) == str(ActorKind.CUSTOMER.label)
    assert actor_text("system", {}) == str(ActorKind.SYSTEM.label)
