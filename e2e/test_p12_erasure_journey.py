"""A customer asks to be erased, confirms from the mail, and the officer executes it (P12).

The whole path is the real one: the account's erasure page with its field-by-field
statement, the password re-check, the confirmation mail delivered over SMTP, the
link's page that changes nothing until its button is pressed, the login disabled,
the data-protection officer's queue in the back office, execution with its
confirmation page, and the report mail, which names what went and what stayed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from e2e.test_p12_download_journey import (
    PASSWORD_LABEL,
    WRONG_PASSWORD,
    assert_audit_clean,
    fill_sign_in,
    page_text,
    sign_in,
)
from e2e.test_shopping_journey import assert_well_formed, label, sent_to
from mail.models import MailKind, OutboxMessage
from orders.models import Order, OrderStatus
from orders.services import order_change_status
from orders.tests.factories import place_order
from privacy.roles import Role
from rights.admin.display import day_text
from rights.models import ErasedSubject, ErasureRequest, ErasureState, ErasureStep
from staff.tests.factories import StaffFactory

if TYPE_CHECKING:
    from e2e.conftest import MailWaiter, PageOpener

pytestmark = pytest.mark.browser

CUSTOMER = {
    "first_name": "Mirela",
    "last_name": "Gjoka",
    "email": "mirela.gjoka@example.al",
    "phone": "+355691234567",
}
STREET = "Rr. Durrësit 44"
CONFIRM_SUBJECT = "Konfirmoni kërkesën për fshirjen e të dhënave tuaja"
REPORT_SUBJECT = "Të dhënat tuaja u fshinë"
CONFIRM_LINK = re.compile(r"https?://\S+/llogaria/fshirja/konfirmo/[^/\s]+/")
QUEUE_PATH = "/zyra/rights/erasurerequest/"


@pytest.fixture
def mirela(live_server: Any) -> User:
    """A customer with an address and one order, delivered: nothing holds her data."""
    user = UserFactory(**CUSTOMER)
    AddressFactory(user=user, street=STREET)
    return user


@pytest.fixture
def delivered_order(mirela: User) -> Order:
    product = ProductFactory(name_sq="Lavatriçe Beko 8kg", price=49_900, stock=5)
    order = place_order(customer=mirela, quantities={product.pk: 2})
    for status in (OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED):
        order_change_status(order=order, to_status=status, actor=None)
    return order


@pytest.fixture
def dpo(live_server: Any) -> User:
    """The data-protection officer, trained; the test settings leave the second factor off."""
    return StaffFactory(
        role=Role.DATA_PROTECTION_OFFICER,
        first_name="Punonjës",
        last_name="Zyre",
        email="dpo@3vfejzo.al",
    )


def sign_in_to_back_office(page: Page, live_server: Any, staff: User) -> None:
    page.goto(live_server.url + "/zyra/login/?next=/zyra/")
    form = page.locator("#login-form")
    # The field's label is the account model's email field; match it loosely.
    form.get_by_label(re.compile(r"mail", re.IGNORECASE)).fill(staff.email)
    form.get_by_label(PASSWORD_LABEL).fill(TEST_PASSWORD)
    form.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/zyra/$"))


def plan_section(page: Page, heading: str) -> Any:
    return page.get_by_role("region", name=heading)


def test_p12_customer_requests_erasure_confirms_and_the_officer_executes_it(
    open_page: PageOpener,
    live_server: Any,
    settings: Any,
    mirela: User,
    delivered_order: Order,
    dpo: User,
    wait_for_mail: MailWaiter,
) -> None:
    # given: links in mail point at this server, and Mirela is signed in
    settings.SITE_URL = live_server.url
    total_before = delivered_order.total
    lines_before = list(delivered_order.lines.values_list("product_id", "quantity", "unit_price"))
    page = open_page()
    sign_in(page, live_server, CUSTOMER["email"])

    # when: she opens "Fshi llogarinë" in her account's navigation
    page.goto(live_server.url + "/llogaria/")
    page.get_by_role("navigation", name="Llogaria ime").get_by_role(
        "link", name="Fshi llogarinë"
    ).click()

    # then: the statement says, field by field, what is erased, anonymised and kept
    expect(page).to_have_url(re.compile(r"/llogaria/fshirja/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fshi llogarinë dhe të dhënat e mia")
    erased = plan_section(page, "Fshihen")
    anonymised = plan_section(page, "Anonimizohen: mbahen pa asgjë që ju identifikon")
    kept = plan_section(page, "Mbahen për afatin ligjor")
    for section in (erased, anonymised, kept):
        expect(section).to_be_visible()
        expect(section.get_by_role("listitem").first).to_be_visible()
    expect(kept).to_contain_text("Ligji i kontabilitetit")
    # a delivered order holds nothing back
    expect(page.get_by_role("region", name="Mbahen derisa të mbyllet çështja")).to_have_count(0)
    assert_audit_clean(page)

    # when: she types a wrong password
    page.get_by_label(label("Fjalëkalimi juaj")).fill(WRONG_PASSWORD)
    page.get_by_role("button", name="Kërko fshirjen").click()

    # then: she is told in Albanian, and nothing is received
    expect(page.get_by_role("alert")).to_have_text("Fjalëkalimi nuk është i saktë.")
    assert not ErasureRequest.objects.exists()

    # when: she types hers
    page.get_by_label(label("Fjalëkalimi juaj")).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Kërko fshirjen").click()

    # then: she is told to confirm from the mail; nothing is disabled yet
    expect(page.get_by_role("status")).to_contain_text("Ju dërguam një email me një lidhje.")
    expect(page.get_by_role("main")).to_contain_text("Ju dërguam lidhjen e konfirmimit më")
    request = ErasureRequest.objects.get()
    assert (request.subject_id, request.state) == (mirela.pk, ErasureState.AWAITING_CONFIRMATION)
    mirela.refresh_from_db()
    assert mirela.is_active

    # and: the confirmation mail arrives with the link
    (confirmation,) = wait_for_mail(sent_to(CUSTOMER["email"], CONFIRM_SUBJECT))
    text, html = assert_well_formed(confirmation, CUSTOMER["email"])
    link = CONFIRM_LINK.search(text)
    assert link is not None, text
    assert link.group(0).startswith(live_server.url)
    assert f'href="{link.group(0)}"' in html, "the HTML part carries the same link"

    # when: she opens the link (a GET, as a mail scanner would too)
    page.goto(link.group(0))

    # then: a page with a button and the due date, and nothing changed
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Konfirmoni fshirjen e të dhënave tuaja"
    )
    expect(page.get_by_role("main")).to_contain_text(f"Afati: {day_text(request.due_at)}.")
    assert_audit_clean(page)
    request.refresh_from_db()
    assert request.state == ErasureState.AWAITING_CONFIRMATION
    assert request.verified_at is None
    mirela.refresh_from_db()
    assert mirela.is_active and mirela.has_usable_password()
    assert Session.objects.exists()

    # when: she presses the button
    page.get_by_role("button", name="Po, fshini të dhënat e mia").click()

    # then: the request is confirmed, and she is signed out everywhere
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kërkesa juaj për fshirje u konfirmua"
    )
    expect(page.get_by_role("main")).to_contain_text(
        f"Do ta zbatojmë deri më {day_text(request.due_at)}"
    )
    assert_audit_clean(page)
    account_nav = page.get_by_role("navigation", name="Llogaria", exact=True)
    expect(account_nav.get_by_role("link", name="Hyr")).to_be_visible()
    expect(account_nav.get_by_role("button", name="Dil")).to_have_count(0)
    request.refresh_from_db()
    assert request.state == ErasureState.VERIFIED
    mirela.refresh_from_db()
    assert not mirela.is_active
    assert not Session.objects.exists()

    # and: the link has done its work: opened again, it is refused and changes nothing
    response = page.goto(link.group(0))
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Kjo lidhje nuk vlen më")
    request.refresh_from_db()
    assert request.state == ErasureState.VERIFIED

    # when: she tries to sign in again
    page.goto(live_server.url + "/llogaria/")
    expect(page).to_have_url(re.compile(r"/llogaria/hyr/\?next=/llogaria/$"))
    fill_sign_in(page, CUSTOMER["email"], TEST_PASSWORD)

    # then: she cannot
    expect(page.get_by_role("main")).to_contain_text("Email-i ose fjalëkalimi nuk është i saktë.")
    expect(page).to_have_url(re.compile(r"/llogaria/hyr/"))

    # when: the officer signs in to the back office and opens the erasure queue
    office = open_page()
    sign_in_to_back_office(office, live_server, dpo)
    office.locator(f'a[href="{QUEUE_PATH}"]').first.click()

    # then: the request is listed by number and account, with its due date, and no name
    expect(office).to_have_url(re.compile(rf"{QUEUE_PATH}$"))
    row = office.locator("#result_list tbody tr").filter(has_text=f"#{request.pk}")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"Llogaria #{mirela.pk}")
    expect(row).to_contain_text(day_text(request.due_at))
    expect(row).to_contain_text(str(ErasureState.VERIFIED.label))
    for value in (*CUSTOMER.values(), STREET):
        assert value not in page_text(office), value

    # when: they open it and press "Zbato fshirjen"
    row.get_by_role("link", name=f"#{request.pk}").click()
    expect(office).to_have_url(re.compile(rf"{QUEUE_PATH}{request.pk}/change/$"))
    office.get_by_role("link", name="Zbato fshirjen").click()

    # then: a confirmation page says what will happen, and nothing happened yet
    expect(office).to_have_url(re.compile(rf"{QUEUE_PATH}{request.pk}/zbato/$"))
    expect(office.get_by_role("main")).to_contain_text("nuk kthehet pas")
    request.refresh_from_db()
    assert request.state == ErasureState.VERIFIED
    assert not ErasedSubject.objects.filter(user_id=mirela.pk).exists()

    # when: they confirm
    office.get_by_role("button", name="Po, fshiji të dhënat tani").click()

    # then: back on the request, it is done and the report is shown
    expect(office).to_have_url(re.compile(rf"{QUEUE_PATH}{request.pk}/change/$"))
    expect(office.locator(".messagelist")).to_contain_text(
        "Të dhënat u fshinë ose u anonimizuan. Klientit iu dërgua raporti"
    )
    expect(office.get_by_role("link", name="Zbato fshirjen")).to_have_count(0)
    report_panel = office.get_by_role("region", name="Raporti: çfarë u fshi dhe çfarë u mbajt")
    expect(report_panel).to_contain_text("U anonimizua")
    expect(report_panel).to_contain_text("U fshi")
    for value in (*CUSTOMER.values(), STREET):
        assert value not in page_text(office), value
    request.refresh_from_db()
    assert request.state == ErasureState.COMPLETED
    assert request.events.filter(step=ErasureStep.EXECUTED, actor=dpo).exists()

    # and: the request has left the officer's queue
    response = office.goto(live_server.url + QUEUE_PATH)
    assert response is not None and response.status == 200
    office.wait_for_load_state()
    expect(office.get_by_role("link", name=f"#{request.pk}", exact=True)).to_have_count(0)

    # and: the report mail reaches her old address, field by field
    (report,) = wait_for_mail(sent_to(CUSTOMER["email"], REPORT_SUBJECT))
    report_text, report_html = assert_well_formed(report, CUSTOMER["email"])
    assert report.subject == REPORT_SUBJECT
    assert "Përshëndetje Mirela" in report_text
    for outcome in ("U anonimizua", "U fshi", "U mbajt për afatin ligjor"):
        assert f": {outcome}" in report_text, outcome
        assert f">{outcome}<" in report_html, outcome
    assert "Ligji i kontabilitetit" in report_text
    # the address was the last thing held of her: the report's row goes once delivered,
    # and no mail left in the outbox is addressed to her
    assert not OutboxMessage.objects.filter(kind=MailKind.ERASURE_REPORT).exists()
    assert CUSTOMER["email"] not in {m.to_address for m in OutboxMessage.objects.all()}

    # and: her account holds nothing of her, while the order's money stays as it was
    mirela.refresh_from_db()
    for field, value in CUSTOMER.items():
        assert getattr(mirela, field) != value, field
    order = Order.objects.get(pk=delivered_order.pk)
    assert order.total == total_before
    assert order.number == delivered_order.number
    assert order.status == OrderStatus.DELIVERED
    assert list(order.lines.values_list("product_id", "quantity", "unit_price")) == lines_before
    assert order.delivery_name != f"{CUSTOMER['first_name']} {CUSTOMER['last_name']}"
    assert order.delivery_street != "Rr. Myslym Shyri 10"
