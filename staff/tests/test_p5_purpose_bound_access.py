"""P5, P14: back-office pages show customers masked; a live purpose reveals, and is recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import AddressFactory, UserFactory
from catalog.tests.factories import ProductFactory
from mail.models import MailKind, OutboxMessage
from orders.models import OrderStatus
from orders.services import order_assign, order_change_status
from orders.tests.factories import place_order
from privacy.models import AccessAction, AccessBasis, AccessEntry, ActorKind
from privacy.roles import Role
from staff.tests.factories import StaffFactory
from support.models import CaseChannel, SupportCase

pytestmark = pytest.mark.django_db

NAME, PHONE_TAIL, STREET = "Vjollca", "4567", "Rr. Hoxha Tahsim 45"


@pytest.fixture
def person():  # type: ignore[no-untyped-def]
    customer = UserFactory(first_name=NAME, last_name="Berisha", phone="+355691234567")
    AddressFactory(user=customer, street=STREET)
    return customer


@pytest.fixture
def order(person):  # type: ignore[no-untyped-def]
    return place_order(customer=person, quantities={ProductFactory(stock=3).pk: 1})


def _get(client, staff, url):  # type: ignore[no-untyped-def]
    client.force_login(staff)
    response = client.get(url)
    return response, response.content.decode()


def _order_page(order):  # type: ignore[no-untyped-def]
    return reverse("admin:orders_order_change", args=[order.pk])


def _user_page(person):  # type: ignore[no-untyped-def]
    return reverse("admin:accounts_user_change", args=[person.pk])


def _assert_masked(html: str) -> None:
    assert NAME not in html
    assert "691234567" not in html and "69 123 4567" not in html
    assert STREET not in html
    assert "V***" in html


def test_p5_sales_agent_sees_the_order_in_its_queue_in_full_and_it_is_recorded(
    client, order, person
):
    sales = StaffFactory(role=Role.SALES)
    response, html = _get(client, sales, _order_page(order))
    assert response.status_code == 200
    assert NAME in html and "Rr. Myslym Shyri 10" in html and "+355691234567" in html
    entry = AccessEntry.objects.get(subject_id=person.pk, actor=sales)
    assert (entry.action, entry.basis, entry.reference) == (
        AccessAction.REVEAL,
        AccessBasis.ORDER,
        order.number,
    )
    assert "orders.Order.delivery_phone" in entry.field_names
    # the customer sees it on their transparency page
    client.force_login(person)
    page = client.get(reverse("rights:access_log")).content.decode()
    assert order.number in page


def test_p5_sales_agent_without_purpose_sees_masks(client, order, person):
    sales = StaffFactory(role=Role.SALES)
    order_change_status(order=order, to_status=OrderStatus.CONFIRMED, actor=None)
    order_change_status(order=order, to_status=OrderStatus.OUT_FOR_DELIVERY, actor=None)
    for url in (_order_page(order), _user_page(person)):
        response, html = _get(client, sales, url)
        if response.status_code == 200:
            _assert_masked(html.replace(order.number, ""))
    assert not AccessEntry.objects.filter(actor=sales).exists()


def test_p5_order_assigned_to_someone_else_leaves_the_queue(client, order):
    sales, colleague = StaffFactory(role=Role.SALES), StaffFactory(role=Role.SALES)
    order_assign(order=order, staff=colleague, actor=colleague)
    _response, html = _get(client, sales, _order_page(order))
    _assert_masked(html)
    _response, html = _get(client, colleague, _order_page(order))
    assert NAME in html


def test_p14_untrained_staff_see_masks_whatever_the_purpose(client, order):
    sales = StaffFactory(role=Role.SALES, trained=False)
    order_assign(order=order, staff=sales, actor=sales)
    _response, html = _get(client, sales, _order_page(order))
    _assert_masked(html)
    assert "Trajnimi juaj" in html
    assert not AccessEntry.objects.filter(actor=sales).exists()


def test_p5_marketing_never_sees_contact_data(client, order, person):
    marketing = StaffFactory(role=Role.MARKETING, is_superuser=False)
    order_assign(order=order, staff=marketing, actor=None)
    for url in (
        _order_page(order),
        _user_page(person),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:orders_order_changelist"),
    ):
        response, html = _get(client, marketing, url)
        assert response.status_code in (200, 403, 302)
        assert NAME not in html and "691234567" not in html and STREET not in html
    assert not AccessEntry.objects.filter(actor=marketing).exists()


def test_p5_customer_care_handling_a_case_sees_contact_data(client, person):
    care = StaffFactory(role=Role.CUSTOMER_CARE)
    case = SupportCase.objects.create(
        customer=person,
        channel=CaseChannel.PHONE,
        summary="Pyet për garancinë",
        opened_at="2026-11-27T10:00:00Z",
    )
    response, html = _get(client, care, _user_page(person))
    assert response.status_code == 200
    assert NAME in html and "+355691234567" in html
    # addresses are not contact data: they stay masked for a support case
    assert STREET not in html
    entry = AccessEntry.objects.get(actor=care)
    assert (entry.basis, entry.reference) == (AccessBasis.SUPPORT_CASE, f"#{case.pk}")


def test_p5_lists_and_searches_are_masked_even_with_a_purpose(client, order, person):
    sales = StaffFactory(role=Role.SALES)
    for url in (
        reverse("admin:orders_order_changelist"),
        reverse("admin:orders_order_changelist") + f"?q={person.email}",
        reverse("admin:accounts_user_changelist") + "?q=069 123 4567",
    ):
        response, html = _get(client, sales, url)
        if response.status_code == 200:
            _assert_masked(html)
    assert not AccessEntry.objects.filter(actor_kind=ActorKind.STAFF).exists()


def test_p5_search_by_exact_email_or_phone_finds_the_customer_through_the_blind_index(
    client, order, person
):
    other = place_order(customer=UserFactory(), quantities={ProductFactory(stock=3).pk: 1})
    admin = StaffFactory(role=Role.ADMINISTRATOR, is_superuser=True)
    for term in (person.email.upper(), "069 123 4567", "+355691234567"):
        response, html = _get(
            client, admin, reverse("admin:orders_order_changelist") + f"?q={term}"
        )
        assert order.number in html and other.number not in html, term
    response, html = _get(
        client, admin, reverse("admin:accounts_user_changelist") + "?q=0691234567"
    )
    assert f"Llogaria #{person.pk}" in html
    assert ">V***<" in html and ">B***<" in html and "k***@e***.al" in html


def test_p5_break_glass_reveals_with_a_typed_reason_and_tells_the_dpo(client, person):
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    admin = StaffFactory(role=Role.ADMINISTRATOR)
    client.force_login(admin)
    url = reverse("admin:accounts_user_break_glass", args=[person.pk])
    # a thin reason is refused and opens nothing
    response = client.post(url, {"reason": "pse jo"})
    assert response.status_code == 200
    assert not AccessEntry.objects.filter(actor_kind=ActorKind.STAFF).exists()
    # a real one opens the data for a while
    reason = "Klienti telefonoi: nuk i mbërrin email-i i porosisë"
    response = client.post(url, {"reason": reason})
    assert response.status_code == 302
    glass = AccessEntry.objects.get(action=AccessAction.BREAK_GLASS)
    assert (glass.reason, glass.subject_id, glass.actor_id) == (reason, person.pk, admin.pk)
    html = client.get(_user_page(person)).content.decode()
    assert NAME in html and STREET in html
    reveal = AccessEntry.objects.filter(action=AccessAction.REVEAL).get()
    assert (reveal.basis, reveal.reference) == (AccessBasis.BREAK_GLASS, str(glass.seq))
    notice = OutboxMessage.objects.get(kind=MailKind.BREAK_GLASS)
    assert notice.recipient == dpo and reason in notice.body_text
    assert NAME not in notice.body_text and "691234567" not in notice.body_text
    client.force_login(person)
    page = client.get(reverse("rights:access_log")).content.decode()
    assert reason in page


def test_p5_roles_without_break_glass_are_refused(client, person):
    marketing = StaffFactory(role=Role.MARKETING)
    client.force_login(marketing)
    response = client.post(
        reverse("admin:accounts_user_break_glass", args=[person.pk]),
        {"reason": "Dua të shoh të dhënat e klientit tani"},
    )
    assert response.status_code in (302, 403)
    assert not AccessEntry.objects.filter(actor_kind=ActorKind.STAFF).exists()


def test_p5_outbox_hides_recipients_and_bodies_without_a_purpose(client, person, order):
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    message = OutboxMessage.objects.filter(recipient=person).first()
    assert message is not None
    response, html = _get(client, dpo, reverse("admin:mail_outboxmessage_changelist"))
    assert person.email not in html
    response, html = _get(
        client, dpo, reverse("admin:mail_outboxmessage_change", args=[message.pk])
    )
    assert person.email not in html and NAME not in html


def test_p5_staff_see_their_own_data(client):
    care = StaffFactory(role=Role.CUSTOMER_CARE, first_name="Gentiana")
    _response, html = _get(client, care, _user_page(care))
    assert "Gentiana" in html
    assert not AccessEntry.objects.filter(actor_kind=ActorKind.STAFF).exists()


def test_p5_background_job_reads_are_recorded(person, order, smtp_server):
    from core.testing import run_tasks

    run_tasks()
    entries = AccessEntry.objects.filter(action=AccessAction.JOB_READ, subject_id=person.pk)
    assert entries.exists()
    assert {e.actor_label for e in entries} == {"mail.deliver_outbox_message"}
    assert all(entry.actor_id is None for entry in entries)


READ_BY_THE_DPO_ALONE = {
    # The staff member's own address, kept for the customer's protection.
    "privacy.AccessEntry",
    # Pseudonymous proof of cookie consent: a random id and a keyed hash, no contact data.
    "consent.ConsentDecision",
}


def test_p5_every_admin_page_of_a_model_with_personal_data_is_purpose_bound():
    from django.contrib import admin

    from privacy.registry import registry
    from staff.admin_base import PersonalDataAdmin, PersonalDataInline

    for model, model_admin in admin.site._registry.items():
        declaration = registry.of(model)
        if declaration is None or not declaration.fields or declaration.subject_path is None:
            continue
        if model._meta.label in READ_BY_THE_DPO_ALONE:
            continue
        assert isinstance(model_admin, PersonalDataAdmin), model._meta.label
        for inline in model_admin.inlines:
            if registry.fields_of(inline.model):
                assert issubclass(inline, PersonalDataInline), inline


def test_p5_support_case_pages_are_masked_without_the_case_and_revealed_with_it(client, person):
    case = SupportCase.objects.create(
        customer=person,
        channel=CaseChannel.PHONE,
        summary="Lavatriçja nuk centrifugon",
        customer_message="Më telefononi pas orës 17",
        opened_at="2026-11-27T10:00:00Z",
    )
    colleague = StaffFactory(role=Role.CUSTOMER_CARE)
    case.assigned_to = colleague
    case.save()
    care = StaffFactory(role=Role.CUSTOMER_CARE)
    page = reverse("admin:support_supportcase_change", args=[case.pk])
    for url in (reverse("admin:support_supportcase_changelist"), page):
        response, html = _get(client, care, url)
        assert response.status_code == 200
        assert "centrifugon" not in html and "pas orës 17" not in html
    response, html = _get(client, colleague, page)
    assert "Lavatriçja nuk centrifugon" in html and "pas orës 17" in html
    entry = AccessEntry.objects.get(actor=colleague)
    assert entry.reference == f"#{case.pk}"
    assert "support.SupportCase.customer_message" in entry.field_names


def test_p5_a_reveal_records_the_client_address_behind_our_proxy(client, order, settings):
    settings.FEJZO_TRUSTED_PROXY_COUNT = 1
    sales = StaffFactory(role=Role.SALES)
    client.force_login(sales)
    client.get(
        _order_page(order),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
    )
    assert AccessEntry.objects.get(actor=sales).ip_address == "203.0.113.9"


def test_p5_an_administrator_cannot_grant_themselves_roles(client):
    admin = StaffFactory(role=Role.ADMINISTRATOR)
    client.force_login(admin)
    page = client.get(_user_page(admin)).content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page


def test_p14_nobody_records_their_own_training(client):
    admin = StaffFactory(role=Role.ADMINISTRATOR, trained=False)
    client.force_login(admin)
    response = client.post(
        reverse("admin:staff_trainingrecord_add"),
        {
            "staff": admin.pk,
            "course": "privacy_security",
            "completed_on": "2026-11-01",
            "valid_until": "2027-11-01",
        },
    )
    assert response.status_code == 200
    assert "Nuk mund të regjistroni trajnimin tuaj." in response.content.decode()
    assert not admin.training_records.exists()


def test_p5_a_colleagues_order_cannot_be_taken(client, order):
    from orders.services import OrderError

    colleague, other = StaffFactory(role=Role.SALES), StaffFactory(role=Role.SALES)
    order_assign(order=order, staff=colleague, actor=colleague)
    with pytest.raises(OrderError):
        order_assign(order=order, staff=other, actor=other)
    order.refresh_from_db()
    assert order.assigned_to == colleague


def test_p5_an_order_page_is_served_by_that_order_not_another(client, person):
    old = place_order(customer=person, quantities={ProductFactory(stock=3).pk: 1})
    for status in (OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED):
        order_change_status(order=old, to_status=status, actor=None)
    new = place_order(customer=person, quantities={ProductFactory(stock=3).pk: 1})
    sales = StaffFactory(role=Role.SALES)
    _response, html = _get(client, sales, _order_page(old))
    assert "Rr. Myslym Shyri 10" not in html
    _response, html = _get(client, sales, _order_page(new))
    assert "Rr. Myslym Shyri 10" in html
    assert AccessEntry.objects.get(actor=sales).reference == new.number


def test_p5_a_form_shown_again_after_a_failed_post_is_recorded_too(client, person):
    care = StaffFactory(role=Role.CUSTOMER_CARE)
    case = SupportCase.objects.create(
        customer=person,
        channel=CaseChannel.PHONE,
        summary="Kërkon faturën",
        customer_message="Dërgojeni te zyra ime",
        opened_at="2026-11-27T10:00:00Z",
    )
    client.force_login(care)
    response = client.post(
        reverse("admin:support_supportcase_change", args=[case.pk]),
        {"channel": "not-a-channel", "status": "open"},
    )
    assert response.status_code == 200 and "Dërgojeni te zyra ime" in response.content.decode()
    assert AccessEntry.objects.filter(actor=care).count() == 1


def test_p5_a_break_glass_by_the_only_officer_is_told_to_the_company_address(client, person):
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    client.force_login(dpo)
    client.post(
        reverse("admin:accounts_user_break_glass", args=[person.pk]),
        {"reason": "Kërkesë e klientit për të dhënat, e marrë me telefon"},
    )
    notice = OutboxMessage.objects.get(kind=MailKind.BREAK_GLASS)
    assert notice.recipient is None and notice.to_address == "info@3vfejzo.al"
