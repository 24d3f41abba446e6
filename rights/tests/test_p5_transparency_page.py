"""P5: the customer sees who has reached their data, why, and which data; only their own."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from mail.models import OutboxMessage
from privacy.audit import access_record
from privacy.models import AccessAction, AccessBasis, AccessEntry, ActorKind
from privacy.registry import qualified, registry
from rights.views import ACCESS_LOG_PAGE_SIZE

pytestmark = pytest.mark.django_db

URL = "/llogaria/qasjet/"
ORDER_NUMBER = "3VF-261127-ABCDE"
REASON = "Klienti telefonoi për një ankesë urgjente për dorëzimin"
FIELDS = [
    "accounts.User.first_name",
    "accounts.User.phone",
    "accounts.Address.street",
    "orders.Order.delivery_phone",
]


@pytest.fixture
def customer_order(customer):  # type: ignore[no-untyped-def]
    """The customer's own order, numbered as the entries below refer to it."""
    from django.utils import timezone

    from orders.models import Order

    # Created directly: placing it would add the customer's own entry to the page.
    return Order.objects.create(
        number=ORDER_NUMBER,
        customer=customer,
        payment_method="cod",
        delivery_name="Arta Hoxha",
        delivery_phone="+355691234567",
        delivery_municipality="tirane",
        delivery_street="Rr. Myslym Shyri 10",
        total=49_990,
        placed_at=timezone.now(),
    )


@pytest.fixture
def sales_agent():  # type: ignore[no-untyped-def]
    return UserFactory(is_staff=True, first_name="Gentian", last_name="Muratori")


def _reveal(staff, subject, *, reference=ORDER_NUMBER, basis=AccessBasis.ORDER, label="sales"):  # type: ignore[no-untyped-def]
    return access_record(
        actor=staff,
        actor_label=label,
        subject_id=subject.pk,
        action=AccessAction.REVEAL,
        fields=FIELDS,
        basis=basis,
        reference=reference,
        ip_address="10.0.0.7",
    )


def _break_glass(staff, subject, *, reason=REASON):  # type: ignore[no-untyped-def]
    return access_record(
        actor=staff,
        actor_label="customer_care,dpo",
        subject_id=subject.pk,
        action=AccessAction.BREAK_GLASS,
        fields=["accounts.User.first_name", "accounts.User.email"],
        basis=AccessBasis.BREAK_GLASS,
        reason=reason,
    )


def _mail_job_read(subject, *, job="mail.deliver_outbox_message"):  # type: ignore[no-untyped-def]
    return access_record(
        actor=None,
        actor_kind=ActorKind.JOB,
        actor_label=job,
        subject_id=subject.pk,
        action=AccessAction.JOB_READ,
        fields=[qualified(OutboxMessage, name) for name in registry.fields_of(OutboxMessage)],
        basis=AccessBasis.BACKGROUND_JOB,
        reference="0f2c7a4e-6b1d-4c55-9a57-1f0e2d3c4b5a",
    )


def test_p5_staff_reveal_lists_role_order_link_data_and_tirane_time(
    customer_client, customer, sales_agent, customer_order
):
    entry = _reveal(sales_agent, customer)

    response = customer_client.get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    [row] = response.context["rows"]
    assert (row.who, row.what) == ("Shitje", "Pa")
    # Each human name once: the account's phone and the order's phone are both "Telefoni".
    assert row.data == "Emri, Telefoni, Rruga dhe numri"
    order_url = reverse("orders:detail", kwargs={"token": customer_order.public_id})
    assert f'<a href="{order_url}">Porosia {ORDER_NUMBER}</a>' in body
    tirane = entry.at.astimezone(ZoneInfo("Europe/Tirane"))
    assert tirane.strftime("%H:%M") in body
    assert "10.0.0.7" not in body, "the staff member's address stays in the record"


def test_p5_support_case_purpose_reads_as_case_number(customer_client, customer, sales_agent):
    _reveal(sales_agent, customer, reference="#12", basis=AccessBasis.SUPPORT_CASE)

    response = customer_client.get(URL)

    assert response.context["rows"][0].purpose == "Rasti i mbështetjes #12"


def test_p5_break_glass_is_marked_with_its_typed_reason(customer_client, customer, sales_agent):
    opened = _break_glass(sales_agent, customer)
    # A reveal while the glass is broken names the break-glass entry, not the reason.
    _reveal(sales_agent, customer, reference=str(opened.seq), basis=AccessBasis.BREAK_GLASS)

    response = customer_client.get(URL)

    reveal, break_glass = response.context["rows"]
    assert break_glass.what == "Hapje e jashtëzakonshme"
    assert break_glass.who == "Kujdesi ndaj klientit, Zyrtari i mbrojtjes së të dhënave"
    assert (break_glass.break_glass, break_glass.reason) == (True, REASON)
    assert (reveal.break_glass, reveal.what, reveal.reason) == (True, "Pa", REASON)
    body = response.content.decode()
    assert body.count('class="access-break-glass"') == 2
    assert body.count(REASON) == 2


def test_p5_job_read_is_described_not_named_by_its_code(customer_client, customer):
    _mail_job_read(customer, job="reports.unknown_job")
    message_read = _mail_job_read(customer)

    response = customer_client.get(URL)

    mail, unknown = response.context["rows"]
    assert (mail.who, mail.what) == ("Dërgimi automatik i email-eve", "Lexim automatik")
    assert unknown.who == "Proces automatik"
    body = response.content.decode()
    assert "mail.deliver_outbox_message" not in body
    assert message_read.reference not in body


def test_p5_own_changes_are_set_apart_as_yourself(customer_client, customer):
    access_record(
        actor=customer,
        subject_id=customer.pk,
        action=AccessAction.CHANGE,
        fields=["accounts.User.phone"],
        basis=AccessBasis.SELF_SERVICE,
    )

    response = customer_client.get(URL)

    [row] = response.context["rows"]
    assert (row.who, row.by_customer, row.what) == ("Ju vetë", True, "Ndryshoi")
    assert 'class="access-own"' in response.content.decode()


def test_p5_another_customers_entries_never_shown(
    customer_client, customer, other_customer, sales_agent
):
    theirs = _break_glass(sales_agent, other_customer, reason="Arsyeja për klientin tjetër X")
    _reveal(sales_agent, other_customer, reference="3VF-261127-OTHER")
    _mail_job_read(other_customer)
    # A reference to their break-glass entry does not carry its reason over to this page.
    _reveal(sales_agent, customer, reference=str(theirs.seq), basis=AccessBasis.BREAK_GLASS)
    before = AccessEntry.objects.count()

    response = customer_client.get(
        URL, {"subject_id": other_customer.pk, "customer": other_customer.pk}
    )

    [row] = response.context["rows"]
    assert row.reason == ""
    body = response.content.decode()
    for leaked in ("3VF-261127-OTHER", "Arsyeja për klientin tjetër X", "Dërgimi automatik"):
        assert leaked not in body
    assert AccessEntry.objects.count() == before


def test_p5_nothing_recorded_shows_empty_state(customer_client, other_customer, sales_agent):
    _reveal(sales_agent, other_customer)

    response = customer_client.get(URL)

    assert response.context["rows"] == []
    assert "nuk i ka parë ende të dhënat tuaja" in response.content.decode()


def test_p5_page_requires_login(client, customer, sales_agent):
    _reveal(sales_agent, customer)

    response = client.get(URL)

    assert response.status_code == 302
    assert "/llogaria/hyr/" in response["Location"]


def test_p5_staff_names_hidden_by_default(customer_client, customer, sales_agent, settings):
    assert settings.FEJZO_TRANSPARENCY_SHOWS_STAFF_NAMES is False
    _reveal(sales_agent, customer)

    response = customer_client.get(URL)

    assert response.context["rows"][0].staff_name == ""
    assert "Muratori" not in response.content.decode()


def test_p5_staff_names_shown_with_the_setting_while_the_account_exists(
    customer_client, customer, sales_agent, settings
):
    settings.FEJZO_TRANSPARENCY_SHOWS_STAFF_NAMES = True
    gone = UserFactory(is_staff=True, first_name="Ilir", last_name="Largueri")
    _reveal(gone, customer, reference="3VF-261127-GONE1")
    gone.delete()
    _reveal(sales_agent, customer)

    response = customer_client.get(URL)

    present, deleted = response.context["rows"]
    assert (present.who, present.staff_name) == ("Shitje", "Gentian Muratori")
    assert (deleted.who, deleted.staff_name) == ("Shitje", "")
    body = response.content.decode()
    assert "Gentian Muratori" in body
    assert "Largueri" not in body


def test_p5_newest_first_fifty_a_page(customer_client, customer, sales_agent):
    for n in range(ACCESS_LOG_PAGE_SIZE + 1):
        _reveal(sales_agent, customer, reference=f"3VF-261127-{n:05d}")

    first = customer_client.get(URL)
    second = customer_client.get(URL, {"faqe": 2})

    assert ACCESS_LOG_PAGE_SIZE == 50
    assert len(first.context["rows"]) == 50
    assert first.context["rows"][0].purpose == "Porosia 3VF-261127-00050"
    assert [row.purpose for row in second.context["rows"]] == ["Porosia 3VF-261127-00000"]
    assert 'href="?faqe=2"' in first.content.decode()


def test_p5_english_under_en(client, customer, sales_agent, customer_order):
    client.force_login(customer)
    opened = _break_glass(sales_agent, customer)
    _reveal(sales_agent, customer, reference=str(opened.seq), basis=AccessBasis.BREAK_GLASS)
    _mail_job_read(customer)
    _reveal(sales_agent, customer)

    response = client.get(f"/en{URL}")

    assert response.status_code == 200
    order, job, reveal, break_glass = response.context["rows"]
    assert (order.who, order.what, order.purpose) == ("Sales", "Viewed", f"Order {ORDER_NUMBER}")
    assert order.data == "First name, Phone, Street and number"
    with translation.override("en"):
        assert order.purpose_url == reverse(
            "orders:detail", kwargs={"token": customer_order.public_id}
        )
    assert order.purpose_url.startswith("/en/")
    assert (job.who, job.what) == ("Automatic email delivery", "Automated read")
    assert break_glass.what == "Exceptional access"
    assert reveal.reason == REASON
    body = response.content.decode()
    assert "Who has seen my data" in body
    assert "Shitje" not in body


def test_p5_account_pages_link_to_the_access_log(customer_client):
    response = customer_client.get(reverse("accounts:profile"))

    assert f'href="{reverse("rights:access_log")}"' in response.content.decode()
