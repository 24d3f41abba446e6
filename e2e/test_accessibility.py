"""Every storefront page a customer passes through is usable by keyboard and screen reader.

A structural check run in the real browser on each page: every form control has an
accessible name, every image an alt attribute, one h1, a page language, no
duplicate ids, no unnamed links or buttons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts.tests.factories import AddressFactory, UserFactory
from consent.cookies import CONSENT_COOKIE
from consent.tests.factories import chosen_consent_cookie

if TYPE_CHECKING:
    from e2e.conftest import Catalogue, PageOpener

pytestmark = pytest.mark.browser

AUDIT = """() => {
  const problems = [];
  const visible = (el) => el.type !== 'hidden' && el.getAttribute('aria-hidden') !== 'true';
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (!visible(el)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby');
    if (!named) problems.push('unlabelled control: ' + el.outerHTML.slice(0, 120));
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push('image without alt: ' + img.src);
  }
  for (const el of document.querySelectorAll('a[href], button')) {
    if (el.closest('[aria-hidden="true"]')) continue;
    const name = el.textContent.trim() || el.getAttribute('aria-label');
    if (!name) problems.push('unnamed link or button: ' + el.outerHTML.slice(0, 120));
  }
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push('h1 count: ' + h1);
  if (!document.documentElement.lang) problems.push('no page language');
  const ids = [...document.querySelectorAll('[id]')].map((el) => el.id);
  const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (duplicates.length) problems.push('duplicate ids: ' + duplicates.join(', '));
  return problems;
}"""


def _signed_in(open_page: PageOpener, live_server: Any, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    page = open_page()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_storefront_pages_pass_the_structural_audit(
    open_page: PageOpener, live_server: Any, catalogue: Catalogue
) -> None:
    product = catalogue.samsung[0]
    visitor = open_page()
    visitor_paths = [
        "/",
        "/en/",
        "/produkte/",
        "/kerko/?q=samsung",
        f"/kategoria/{product.category.slug}/",
        product.get_absolute_url(),
        "/llogaria/regjistrohu/",
        "/llogaria/hyr/",
        "/llogaria/fjalekalimi/",
        "/privatesia/",
        "/kushtet/",
        "/nuk-ekziston/",
    ]
    for path in visitor_paths:
        visitor.goto(live_server.url + path)
        assert visitor.evaluate(AUDIT) == [], path

    customer = UserFactory()
    AddressFactory(user=customer)
    page = _signed_in(open_page, live_server, customer)
    page.goto(live_server.url + product.get_absolute_url())
    page.get_by_role("button", name="Shto në shportë").click()
    for path in [
        "/shporta/",
        "/porosite/arka/",
        "/llogaria/",
        "/llogaria/adresat/",
        "/porosite/",
        "/llogaria/te-dhenat/shkarko/",
        "/llogaria/fshirja/",
        "/llogaria/email/ndrysho/",
    ]:
        page.goto(live_server.url + path)
        assert page.evaluate(AUDIT) == [], path


def test_keyboard_user_skips_to_content_and_searches(
    open_page: PageOpener, live_server: Any, catalogue: Catalogue
) -> None:
    page = open_page()
    # A visitor who already chose: on a first visit the cookie banner takes the focus (P7).
    page.context.add_cookies(
        [{"name": CONSENT_COOKIE, "value": chosen_consent_cookie(), "url": live_server.url}]
    )
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Kalo te përmbajtja")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.get_by_label("Kërko produkte").focus()
    page.keyboard.type("samsung")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("samsung")
    expect(page.get_by_role("status").first).to_contain_text("3 produkte")
