"""The storefront and the account pages work on a phone (375×812).

No policy clause covers layout, so the file is named for what it proves. On every
page a shopper passes through, in a real Chromium at a phone's size:

- the page never scrolls sideways (a wide table scrolls inside its own box);
- every visible tap target is at least 44×44 CSS px (WCAG 2.5.5);
- no visible text is smaller than 12 px;
- a table whose rows stack (its header hidden) labels every cell.

Tap targets are links, buttons, form controls, ``summary`` elements and labels of a
control. Two kinds are measured together with what they stand for, not alone:

- a checkbox or radio button and its label form one target (a tap on the label
  ticks the box), so their joint box must reach 44×44;
- a label of any other control (a text box, a list) only repeats the control it
  names, which is measured itself, so the label is not measured apart.

A link inside running text (an inline link in a sentence, whose height is set by
the line of text around it) is exempt, as WCAG 2.5.8's inline exception allows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts.tests.factories import AddressFactory, UserFactory
from orders.tests.factories import place_order

if TYPE_CHECKING:
    from e2e.conftest import Catalogue, PageOpener

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
MIN_TARGET_PX = 44
MIN_TEXT_PX = 12

LAYOUT_AUDIT = """([minTarget, minText]) => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) {
    problems.push(`scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
  }
  const describe = (el) => el.outerHTML.slice(0, 110).replace(/\\s+/g, ' ');
  const shown = (el) => {
    if (el.closest('[aria-hidden="true"]')) return false;
    // Hidden, in a closed <details>, or invisible: not there for a finger or an eye.
    if (!el.checkVisibility({ visibilityProperty: true })) return false;
    const box = el.getBoundingClientRect();
    // Visually hidden (1×1 and clipped, for screen readers) or parked off screen
    // until focused (the skip link): not something a finger can see.
    if (box.width <= 1 || box.height <= 1) return false;
    if (box.right <= 0 || box.bottom <= 0 || box.left >= doc.clientWidth) return false;
    return true;
  };
  const union = (elements) => {
    const boxes = elements.filter(shown).map((el) => el.getBoundingClientRect());
    const left = Math.min(...boxes.map((b) => b.left));
    const right = Math.max(...boxes.map((b) => b.right));
    const top = Math.min(...boxes.map((b) => b.top));
    const bottom = Math.max(...boxes.map((b) => b.bottom));
    return { width: right - left, height: bottom - top };
  };
  const isToggle = (el) => el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type);
  const blockOf = (el) => {
    let node = el.parentElement;
    while (node && getComputedStyle(node).display.startsWith('inline')) node = node.parentElement;
    return node;
  };
  // A link in a sentence: shown inline, inside a block with text of its own beside it.
  const inRunningText = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = blockOf(el);
    if (!block) return false;
    const own = [...block.querySelectorAll('a, button')]
      .reduce((text, target) => text.replace(target.textContent, ''), block.textContent);
    return own.trim().length >= 3;
  };

  const targets = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label';
  for (const el of document.querySelectorAll(targets)) {
    if (!shown(el)) continue;
    let box;
    if (el.tagName === 'LABEL') {
      const control = el.control;
      if (!control || !isToggle(control)) continue;
      box = union([control, ...control.labels]);
    } else if (isToggle(el) && el.labels && el.labels.length) {
      box = union([el, ...el.labels]);
    } else {
      if (inRunningText(el)) continue;
      box = el.getBoundingClientRect();
    }
    // Half a pixel of rounding: 2.75rem is 44 px, and layout may land on 43.99.
    if (box.width < minTarget - 0.5 || box.height < minTarget - 0.5) {
      const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
      problems.push(`small target ${size}: ${describe(el)}`);
    }
  }

  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || seen.has(el)) continue;
    seen.add(el);
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'OPTION'].includes(el.tagName)) continue;
    if (!shown(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minText) problems.push(`text of ${size}px: ${describe(el)}`);
  }
  // A table whose header row is hidden (its rows stacked) must name each cell itself;
  // a cell holding only a button (the cart's "Hiq") is named by the button.
  for (const table of document.querySelectorAll('table')) {
    const head = table.tHead;
    if (!head || getComputedStyle(head).display !== 'none') continue;
    for (const cell of table.querySelectorAll('tbody td')) {
      const onlyAButton = cell.querySelector('button')
        && !cell.querySelector('a, input:not([type=hidden]), select');
      if (shown(cell) && !cell.dataset.label && !onlyAButton) {
        problems.push(`cell without a label: ${describe(cell)}`);
      }
    }
  }
  return problems;
}"""


def _audit(page: Any, url: str, *, unfold: tuple[str, ...] = ()) -> list[str]:
    """Lay out ``url`` and list what fails; ``unfold`` names the disclosures to open first."""
    response = page.goto(url)
    assert response is not None and response.ok, url
    for summary in unfold:
        page.locator("summary", has_text=summary).click()
    found = page.evaluate(LAYOUT_AUDIT, [MIN_TARGET_PX, MIN_TEXT_PX])
    return [f"{url} {list(unfold)}: {problem}" for problem in found]


def _signed_in(open_page: PageOpener, live_server: Any, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_storefront_fits_a_phone(
    open_page: PageOpener, live_server: Any, catalogue: Catalogue
) -> None:
    # given a first-time visitor on a phone (the cookie banner still asks)
    product = catalogue.samsung[0]
    visitor = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    paths = [
        "/",
        "/en/",
        "/produkte/",
        f"/kategoria/{product.category.slug}/",
        product.get_absolute_url(),
        "/kerko/?q=samsung",
        "/cookies/",
        "/privatesia/",
        "/llogaria/hyr/",
        "/llogaria/regjistrohu/",
    ]
    # when each page is laid out; then nothing overflows, is too small to tap or read
    problems = [problem for path in paths for problem in _audit(visitor, live_server.url + path)]
    # and neither does what the menu and the filters show once opened
    problems += _audit(visitor, live_server.url + "/produkte/", unfold=("Menyja", "Filtrat"))
    assert problems == [], "\n".join(problems)


def test_account_pages_fit_a_phone(
    open_page: PageOpener, live_server: Any, catalogue: Catalogue
) -> None:
    # given a signed-in customer with an order behind them and an item in the cart
    customer = UserFactory()
    AddressFactory(user=customer)
    order = place_order(customer=customer, quantities={catalogue.others[0].id: 1})
    page = _signed_in(open_page, live_server, customer)
    page.goto(live_server.url + catalogue.samsung[0].get_absolute_url())
    page.get_by_role("button", name="Shto në shportë").click()
    paths = [
        "/shporta/",
        "/porosite/arka/",
        "/llogaria/",
        "/llogaria/adresat/",
        "/porosite/",
        order.get_absolute_url(),
        "/llogaria/qasjet/",
        "/llogaria/te-dhenat/shkarko/",
        "/llogaria/fshirja/",
    ]
    # when each page is laid out; then nothing overflows, is too small to tap or read
    problems = [problem for path in paths for problem in _audit(page, live_server.url + path)]
    problems += _audit(page, live_server.url + "/llogaria/", unfold=("Menyja",))
    assert problems == [], "\n".join(problems)


def test_phone_menu_opens_without_javascript(
    open_page: PageOpener, live_server: Any, catalogue: Catalogue
) -> None:
    # given a phone with JavaScript off
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)
    page.goto(live_server.url + "/")
    header = page.locator(".site-header")
    # then the header is one short row, its links folded behind a named menu button
    assert header.bounding_box()["height"] < 140
    menu = page.get_by_role("group").filter(has=page.locator("summary", has_text="Menyja"))
    expect(page.get_by_role("link", name="Hyr")).to_be_hidden()
    # when the shopper opens the menu by keyboard
    page.locator("summary", has_text="Menyja").focus()
    page.keyboard.press("Enter")
    # then the account links and the categories show
    expect(menu).to_have_attribute("open", "")
    expect(page.get_by_role("link", name="Hyr")).to_be_visible()
    categories = page.get_by_role("navigation", name="Kategoritë")
    expect(categories.get_by_role("link", name="Telefona")).to_be_visible()


def test_listing_filters_fold_away_on_a_phone_and_stay_open_on_a_desktop(
    open_page: PageOpener, live_server: Any, catalogue: Catalogue
) -> None:
    # given the listing on a phone
    phone = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(live_server.url + "/produkte/")
    # then the filters are folded and the first product shows above the fold
    expect(phone.get_by_label("Çmimi minimal", exact=False)).to_be_hidden()
    first_card = phone.locator(".grid .card").first
    assert first_card.bounding_box()["y"] < PHONE["height"]
    # when the shopper opens "Filtrat"
    phone.locator("summary", has_text="Filtrat").click()
    # then the filters show
    expect(phone.locator("#filter-min-price")).to_be_visible()

    # given a desktop: the filters are open and the menu is not folded
    desktop = open_page(viewport={"width": 1280, "height": 900})
    desktop.goto(live_server.url + "/produkte/")
    expect(desktop.locator("#filter-min-price")).to_be_visible()
    expect(desktop.get_by_role("link", name="Hyr")).to_be_visible()
    expect(desktop.locator("summary", has_text="Menyja")).to_be_hidden()
