"""A visitor finds products, registers, verifies the address and orders (P3, P8).

Everything goes through the browser and the real mail path: the outbox task
worker delivers to an SMTP server, and the test follows the link in the mail.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Product
from mail.models import OutboxMessage, OutboxStatus
from orders.models import Order, PaymentMethod

if TYPE_CHECKING:
    from core.testing import ReceivedMail
    from e2e.conftest import Catalogue, MailWaiter, PageOpener

pytestmark = pytest.mark.browser

CONTACT_EMAIL = "info@3vfejzo.al"
VISITOR_EMAIL = "arta.hoxha@example.al"
VISITOR_PASSWORD = "Mandarina-Blu-2024"
ORDER_NUMBER = re.compile(r"3VF-\d{6}-[A-Z2-9]{5}")
VERIFY_LINK = re.compile(r"https?://\S+/llogaria/verifiko/[^/\s]+/[^/\s]+/")
SCREENSHOT = "/tmp/e2e-order.png"  # noqa: S108 - for people reading a run, never in the repo


def label(text: str) -> re.Pattern[str]:
    """Match a form label exactly, with or without the colon Django appends."""
    return re.compile(rf"^{re.escape(text)}:?$")


def search(page: Page, query: str) -> None:
    page.get_by_label("Kërko produkte").fill(query)
    page.get_by_role("search").get_by_role("button", name="Kërko").click()


def add_to_cart(page: Page, product: Product) -> None:
    page.get_by_role("heading", level=3).get_by_role("link", name=product.name_sq).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(product.name_sq)
    page.get_by_role("button", name="Shto në shportë").click()
    expect(page.get_by_role("status")).to_contain_text(f"{product.name_sq} u shtua në shportë")


def open_cart(page: Page) -> None:
    page.get_by_role("navigation", name="Llogaria").get_by_role(
        "link", name=re.compile(r"^Shporta")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shporta juaj")


def cart_rows(page: Page) -> Any:
    return page.get_by_role("table").locator("tbody").get_by_role("row")


def sent_to(address: str, subject: str) -> Any:
    def select(messages: list[ReceivedMail]) -> list[ReceivedMail]:
        return [m for m in messages if address in m.recipients and subject in m.subject]

    return select


def assert_well_formed(mail: ReceivedMail, recipient: str) -> tuple[str, str]:
    """Check what every customer mail must carry; return its plain text and HTML bodies."""
    assert mail.recipients == [recipient]
    assert mail.message["To"] == recipient
    assert "no-reply@3vfejzo.al" in str(mail.message["From"])
    assert mail.message.get_content_type() == "multipart/alternative"
    text, html = mail.part("plain"), mail.part("html")
    assert CONTACT_EMAIL in text, "the plain text footer names the contact address"
    assert f"mailto:{CONTACT_EMAIL}" in html, "the HTML footer links the contact address"
    return text, html


def test_p3_p8_visitor_searches_registers_verifies_and_orders(
    page: Page,
    live_server: Any,
    settings: Any,
    catalogue: Catalogue,
    wait_for_mail: MailWaiter,
) -> None:
    # given: links in mail point at this server
    settings.SITE_URL = live_server.url
    first, second, third = catalogue.samsung
    stock_before = {p.pk: p.stock for p in (*catalogue.samsung, *catalogue.others)}

    # when: the visitor searches from the home page
    page.goto(live_server.url + "/")
    search(page, "samsung")

    # then: the three Samsung products, and only those, are found
    expect(page).to_have_url(re.compile(r"/kerko/\?q=samsung"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("samsung")
    results = page.get_by_role("heading", level=3)
    expect(results).to_have_count(3)
    for product in catalogue.samsung:
        expect(results.get_by_role("link", name=product.name_sq)).to_be_visible()
    for product in catalogue.others:
        expect(page.get_by_role("link", name=product.name_sq)).to_have_count(0)
    results_url = page.url

    # when: they put two of them in the cart, going back to the results in between
    add_to_cart(page, first)
    page.goto(results_url)
    add_to_cart(page, second)
    open_cart(page)

    # then: the cart holds both
    expect(cart_rows(page)).to_have_count(2)
    for product in (first, second):
        expect(page.get_by_role("table").get_by_role("link", name=product.name_sq)).to_be_visible()
    expect(page.get_by_role("table").get_by_role("link", name=third.name_sq)).to_have_count(0)

    # when: they go to checkout, anonymous
    page.get_by_role("link", name="Vazhdo me porosinë").click()

    # then: they are asked to sign in, with the way back to checkout kept
    expect(page).to_have_url(re.compile(r"/llogaria/hyr/\?next=/porosite/arka/"))
    page.get_by_role("main").get_by_role("link", name="Regjistrohu").click()
    expect(page).to_have_url(re.compile(r"/llogaria/regjistrohu/\?next="))

    # when: they register
    form = page.get_by_role("main")
    form.get_by_label(label("Emri")).fill("Arta")
    form.get_by_label(label("Mbiemri")).fill("Hoxha")
    form.get_by_label(label("Email")).fill(VISITOR_EMAIL)
    form.get_by_label(label("Numri i telefonit")).fill("069 123 4567")
    form.get_by_label(label("Fjalëkalimi")).fill(VISITOR_PASSWORD)
    form.get_by_label(label("Përsëritni fjalëkalimin")).fill(VISITOR_PASSWORD)
    form.get_by_label(label("Pranoj Kushtet e Shërbimit dhe Politikat e Privatësisë")).check()
    form.get_by_role("button", name="Regjistrohu").click()

    # then: told to look for the mail; registering signs nobody in (the same answer
    # as for an address that has an account)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontrolloni email-in")

    # and: the welcome and the verification mail arrive (P8)
    welcome_subject = "Mirë se vini në 3VFejzo"
    verify_subject = "Verifikoni adresën tuaj të email-it"
    (welcome,) = wait_for_mail(sent_to(VISITOR_EMAIL, welcome_subject))
    (verification,) = wait_for_mail(sent_to(VISITOR_EMAIL, verify_subject))
    assert welcome.subject == welcome_subject
    assert verification.subject == verify_subject
    welcome_text, welcome_html = assert_well_formed(welcome, VISITOR_EMAIL)
    assert "Përshëndetje Arta" in welcome_text
    assert "Përshëndetje Arta" in welcome_html
    verify_text, verify_html = assert_well_formed(verification, VISITOR_EMAIL)
    link = VERIFY_LINK.search(verify_text)
    assert link is not None, verify_text
    assert link.group(0).startswith(live_server.url)
    assert f'href="{link.group(0)}"' in verify_html, "the HTML part carries the same link"

    # when: they open the link from the mail
    page.goto(link.group(0))

    # then: the address is verified, and they are asked to sign in
    expect(page.get_by_role("status")).to_contain_text("Email-i juaj u verifikua")

    # when: they sign in
    page.get_by_role("main").get_by_label(label("Email")).fill(VISITOR_EMAIL)
    page.get_by_role("main").get_by_label(re.compile("^Fjalëkalim")).fill(VISITOR_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Hyr").click()

    # then: the cart survived registration
    expect(cart_rows(page)).to_have_count(2)

    # when: they check out to a new address in Tirana, paying cash on delivery
    page.get_by_role("link", name="Vazhdo me porosinë").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Përfundo porosinë")
    page.get_by_label("Adresë e re").check()
    page.get_by_label(label("Qyteti / bashkia")).select_option(label="Tiranë")
    page.get_by_label(label("Rruga dhe numri")).fill("Rr. Myslym Shyri, Pallati 12, Ap. 8")
    expect(page.get_by_label(label("Telefoni për korrierin"))).to_have_value("+355 69 123 4567")
    page.get_by_label("Para në dorë në dorëzim").check()
    page.get_by_role("button", name="Konfirmo porosinë").click()

    # then: the order is placed and its number shown
    expect(page).to_have_url(re.compile(r"/porosite/[^/]+/u-vendos/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Faleminderit! Porosia u vendos.")
    number = page.locator("strong.order-number").inner_text().strip()
    assert ORDER_NUMBER.fullmatch(number), number
    page.screenshot(path=SCREENSHOT, full_page=True)

    # and: "Porositë e mia" lists it
    page.get_by_role("main").get_by_role("link", name="Porositë e mia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Porositë e mia")
    expect(page.get_by_role("link", name=number)).to_be_visible()

    # and: the confirmation mail carries the number
    (confirmation,) = wait_for_mail(sent_to(VISITOR_EMAIL, number))
    confirmation_text, confirmation_html = assert_well_formed(confirmation, VISITOR_EMAIL)
    assert number in confirmation.subject
    assert number in confirmation_text
    assert number in confirmation_html
    for product in (first, second):
        assert product.sku in confirmation_text

    # and: the database holds exactly that order, and the stock went down by one each
    order = Order.objects.get()
    assert order.number == number
    assert order.customer.email == VISITOR_EMAIL
    assert order.customer.email_verified
    assert order.payment_method == PaymentMethod.CASH_ON_DELIVERY
    assert order.delivery_municipality == "tirane"
    assert order.delivery_phone == "+355691234567"
    assert sorted((line.product_id, line.quantity) for line in order.lines.all()) == sorted(
        [(first.pk, 1), (second.pk, 1)]
    )
    assert order.total == first.price + second.price
    stock_after = dict(Product.objects.values_list("pk", "stock"))
    assert stock_after == {
        pk: stock - 1 if pk in (first.pk, second.pk) else stock
        for pk, stock in stock_before.items()
    }
    # and: three mails, each delivered exactly once
    assert OutboxMessage.objects.count() == 3
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_storefront_works_without_javascript(
    open_page: PageOpener, live_server: Any, catalogue: Catalogue
) -> None:
    # given: a browser with JavaScript off
    page = open_page(java_script_enabled=False)
    product = catalogue.samsung[1]

    # when: the visitor searches and adds a product through the plain forms
    page.goto(live_server.url + "/")
    search(page, "galaxy s24")
    expect(page.get_by_role("heading", level=3)).to_have_count(1)
    add_to_cart(page, product)
    open_cart(page)

    # then: the cart shows it
    expect(cart_rows(page)).to_have_count(1)
    expect(page.get_by_role("table").get_by_role("link", name=product.name_sq)).to_be_visible()
    quantity = page.get_by_role("spinbutton", name=f"Sasia për {product.name_sq}")
    expect(quantity).to_have_value("1")
