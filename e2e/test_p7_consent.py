"""P7 in the browser: the cookie choice, Google Analytics only after it, and the cookie list.

Every request to another host is intercepted and recorded. gtag.js is answered with a
small stand-in that does what matters here: it reads the dataLayer, sets the `_ga`
cookies once analytics_storage is granted, and sends each hit (what the real tag would
put in its URL: page address, title, referrer, event parameters) as a beacon to
google-analytics.com, which is recorded and dropped. So the tests see what would leave
the browser, and whether the cookies come and go with the consent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory
from consent.analytics import analytics_transaction_id
from consent.cookies import CONSENT_COOKIE, RECENTLY_VIEWED_COOKIE, CookieCategory, cookie_spec
from consent.state import ConsentState
from e2e.test_shopping_journey import add_to_cart, label, open_cart
from orders.models import Order

if TYPE_CHECKING:
    from e2e.conftest import Catalogue, PageOpener

pytestmark = pytest.mark.browser

GA_ID = "G-TEST000000"
GA_COOKIES = {"_ga", f"_ga_{GA_ID.removeprefix('G-')}"}
GTAG_URL = "https://www.googletagmanager.com/gtag/js"
GOOGLE_HOSTS = ("googletagmanager.com", "google-analytics.com", "analytics.google.com")
ALL_DENIED = {
    "ad_storage": "denied",
    "ad_user_data": "denied",
    "ad_personalization": "denied",
    "analytics_storage": "denied",
}

# The stand-in for gtag.js: enough of its dataLayer handling to set and use the cookies.
GTAG_STUB = """
(function () {
  var consent = {};
  var id = null;
  var config = {};
  function granted() {
    return consent.analytics_storage === "granted" && !(id && window["ga-disable-" + id]);
  }
  function setCookies() {
    var options = "; Path=/; Max-Age=63072000; SameSite=Lax";
    if (document.cookie.indexOf("_ga=") === -1) {
      document.cookie = "_ga=GA1.1.1234567890.1700000000" + options;
    }
    document.cookie = "_ga_" + id.replace(/^G-/, "") + "=GS1.1.1700000000.1.0" + options;
  }
  function send(name, params) {
    if (!granted()) { return; }
    setCookies();
    var hit = {
      tid: id, en: name, ep: params || {},
      dl: config.page_location || location.href,
      dt: config.page_title || document.title,
      dr: config.page_referrer || document.referrer,
      uid: config.user_id || null
    };
    navigator.sendBeacon(
      "https://region1.google-analytics.com/g/collect?v=2&tid=" + encodeURIComponent(id) +
        "&en=" + encodeURIComponent(name),
      JSON.stringify(hit)
    );
  }
  function run(args) {
    var command = args[0];
    if (command === "consent") {
      for (var key in args[2]) { consent[key] = args[2][key]; }
    } else if (command === "config") {
      id = args[1];
      config = args[2] || {};
      send("page_view", {});
    } else if (command === "event" && id) {
      send(args[1], args[2]);
    }
  }
  var layer = (window.dataLayer = window.dataLayer || []);
  for (var i = 0; i < layer.length; i += 1) { run(layer[i]); }
  var push = layer.push;
  layer.push = function () {
    for (var j = 0; j < arguments.length; j += 1) { run(arguments[j]); }
    return push.apply(layer, arguments);
  };
})();
"""


@dataclass(frozen=True)
class ExternalRequest:
    url: str
    body: str

    @property
    def to_google(self) -> bool:
        host = urlsplit(self.url).hostname or ""
        return any(host == h or host.endswith("." + h) for h in GOOGLE_HOSTS)

    @property
    def is_gtag(self) -> bool:
        return self.url.startswith(GTAG_URL)

    def hit(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}


@dataclass
class Traffic:
    """Every request the page made to a host other than the shop's."""

    requests: list[ExternalRequest] = field(default_factory=list)

    def google(self) -> list[ExternalRequest]:
        return [r for r in self.requests if r.to_google]

    def hits(self) -> list[dict[str, Any]]:
        return [r.hit() for r in self.google() if "/g/collect" in r.url]

    def events(self) -> list[str]:
        return [hit["en"] for hit in self.hits()]


ShopOpener = Callable[..., tuple[Page, Traffic]]


@pytest.fixture
def open_shop(open_page: PageOpener, live_server: Any) -> ShopOpener:
    """Return ``open_shop(**context_options)``: a page whose other-host requests are caught."""
    shop_host = urlsplit(live_server.url).netloc

    def open_(**context_options: Any) -> tuple[Page, Traffic]:
        page = open_page(**context_options)
        traffic = Traffic()

        def handle(route: Any) -> None:
            request = route.request
            body = request.post_data_buffer or b""
            traffic.requests.append(ExternalRequest(request.url, body.decode(errors="replace")))
            if request.url.startswith(GTAG_URL):
                route.fulfill(status=200, content_type="text/javascript", body=GTAG_STUB)
            else:
                route.abort()

        page.context.route(lambda url: urlsplit(url).netloc != shop_host, handle)
        return page, traffic

    return open_


@pytest.fixture
def ga_on(settings: Any) -> Iterator[None]:
    # The live server runs in a thread of this process: it sees the changed settings.
    settings.GA_MEASUREMENT_ID = GA_ID
    yield


@pytest.fixture
def ga_off(settings: Any) -> Iterator[None]:
    settings.GA_MEASUREMENT_ID = ""
    yield


def banner(page: Page) -> Any:
    return page.locator("#consent-banner")


def choose_in_banner(page: Page, button: str) -> None:
    banner(page).get_by_role("button", name=button).click()
    expect(banner(page)).to_be_hidden()


def reopen_banner(page: Page) -> None:
    page.get_by_role("contentinfo").get_by_role("link", name="Cilësimet e cookies").click()
    expect(banner(page)).to_be_visible()


def cookie_names(page: Page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


def consent_state(page: Page) -> ConsentState | None:
    values = [c["value"] for c in page.context.cookies() if c["name"] == CONSENT_COOKIE]
    return ConsentState.from_cookie(values[0]) if values else None


def data_layer(page: Page) -> list[list[Any]]:
    # The heading a test waits for can show before the deferred scripts have run.
    page.wait_for_load_state("domcontentloaded")
    return page.evaluate(
        "() => JSON.parse(JSON.stringify((window.dataLayer || []).map((a) => Array.from(a))))"
    )


def browse(page: Page, live_server: Any, product: Any) -> None:
    """Home → listing → product → add to cart → cart, as a visitor clicks through."""
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Shiko të gjitha produktet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Të gjitha produktet")
    add_to_cart(page, product)
    open_cart(page)


def wait_for_ga_cookies(page: Page) -> None:
    page.wait_for_function(
        "(names) => names.every("
        "(n) => document.cookie.split('; ').some((c) => c.startsWith(n + '=')))",
        arg=sorted(GA_COOKIES),
    )


def wait_for_tag(page: Page) -> None:
    """Wait until gtag.js (the stand-in) has run on this page and sent its page view."""
    page.wait_for_function(
        "() => window.dataLayer && window.dataLayer.push !== Array.prototype.push"
    )


def assert_no_google(page: Page, traffic: Traffic) -> None:
    assert traffic.google() == [], [r.url for r in traffic.google()]
    assert not (cookie_names(page) & GA_COOKIES)
    assert not any(name.startswith("_ga") for name in cookie_names(page))


def test_p7_with_ga_set_nothing_reaches_google_before_a_choice_or_after_refusal(
    open_shop: ShopOpener, live_server: Any, catalogue: Catalogue, ga_on: None
) -> None:
    page, traffic = open_shop()
    product = catalogue.samsung[0]

    # when: a first-time visitor browses with the banner still asking
    browse(page, live_server, product)

    # then: the Consent Mode defaults are set, and nothing else happens
    assert data_layer(page) == [["consent", "default", ALL_DENIED]]
    assert page.locator(f"script[src^='{GTAG_URL}']").count() == 0
    assert_no_google(page, traffic)
    assert {c["name"] for c in page.context.cookies()} <= {"sessionid", "csrftoken", "messages"}

    # when: they refuse everything, and browse again
    choose_in_banner(page, "Refuzo të gjitha")
    state = consent_state(page)
    assert state is not None and not state.analytics and not state.personalisation
    browse(page, live_server, catalogue.samsung[1])

    # then: still no request to Google and no _ga cookie
    assert_no_google(page, traffic)
    assert traffic.requests == []


def test_p7_after_acceptance_ga_loads_grants_analytics_only_and_gets_no_personal_data(
    open_shop: ShopOpener, live_server: Any, catalogue: Catalogue, ga_on: None
) -> None:
    # given: a signed-in customer with a cart and an address on file
    customer = UserFactory(
        first_name="Valbona",
        last_name="Qerimaj",
        email="valbona.qerimaj@example.al",
        phone="+355691112233",
    )
    AddressFactory(user=customer)
    page, traffic = open_shop()
    _sign_in(page, live_server, customer)
    secret_search = "kerkimisekret"
    product = catalogue.samsung[0]

    # when: they accept all cookies on the home page
    page.goto(live_server.url + "/")
    choose_in_banner(page, "Prano të gjitha")

    # then: gtag.js is requested, after the defaults, and the update grants analytics only
    expect(page.locator(f"script[src='{GTAG_URL}?id={GA_ID}']")).to_have_count(1)
    wait_for_ga_cookies(page)
    assert any(r.is_gtag for r in traffic.requests)
    layer = data_layer(page)
    assert layer[0] == ["consent", "default", ALL_DENIED]
    commands = [entry[0] for entry in layer]
    assert commands[:4] == ["consent", "js", "consent", "config"]
    updates = [entry[2] for entry in layer if entry[:2] == ["consent", "update"]]
    assert updates == [{"analytics_storage": "granted"}]
    config = next(entry for entry in layer if entry[0] == "config")
    assert config[1] == GA_ID
    assert "user_id" not in config[2]
    assert config[2]["page_location"] == live_server.url + "/"

    # when: they search, open a product and add it to the cart
    page.get_by_label("Kërko produkte").fill(secret_search)
    page.get_by_role("search").get_by_role("button", name="Kërko").click()
    expect(page).to_have_url(re.compile(secret_search))
    wait_for_tag(page)
    page.goto(live_server.url + "/produkte/")
    page.get_by_role("heading", level=3).get_by_role("link", name=product.name_sq).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(product.name_sq)
    wait_for_tag(page)
    view_item = next(e for e in data_layer(page) if e[:2] == ["event", "view_item"])
    assert view_item[2] == {
        "currency": "ALL",
        "value": product.price,
        "items": [{"item_id": product.sku, "price": product.price, "quantity": 1}],
    }
    page.get_by_label("Sasia").fill("2")
    with page.expect_request(lambda r: "en=add_to_cart" in r.url):
        page.get_by_role("button", name="Shto në shportë").click()
    expect(page.get_by_role("status")).to_contain_text("u shtua në shportë")

    # and: they check out and see the confirmation (its address holds the order number)
    open_cart(page)
    page.get_by_role("link", name="Vazhdo me porosinë").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Përfundo porosinë")
    page.get_by_role("button", name="Konfirmo porosinë").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Faleminderit! Porosia u vendos.")
    order = Order.objects.get()
    wait_for_tag(page)
    confirmation_layer = data_layer(page)
    page.get_by_role("main").get_by_role("link", name="Porositë e mia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Porositë e mia")
    wait_for_tag(page)

    # then: the events carry SKUs, prices, quantities and totals, and the purchase an opaque id
    hits = traffic.hits()
    assert {"page_view", "view_item", "add_to_cart", "purchase"} <= set(traffic.events())
    (add,) = [hit["ep"] for hit in hits if hit["en"] == "add_to_cart"]
    assert add == {
        "currency": "ALL",
        "value": 2 * product.price,
        "items": [{"item_id": product.sku, "price": product.price, "quantity": 2}],
    }
    (purchase,) = [hit["ep"] for hit in hits if hit["en"] == "purchase"]
    assert purchase["transaction_id"] == analytics_transaction_id(order.number)
    assert purchase["value"] == order.total == 2 * product.price
    assert purchase["items"] == [{"item_id": product.sku, "price": product.price, "quantity": 2}]

    # and: nothing that leaves for Google names the customer, the order or the search
    sent = json.dumps([(r.url, r.body) for r in traffic.google()]) + json.dumps(confirmation_layer)
    for personal in (
        "Valbona",
        "Qerimaj",
        "valbona.qerimaj",
        "example.al",
        "691112233",
        "69 111 2233",
        order.number,
        secret_search,
    ):
        assert personal.lower() not in sent.lower(), personal
    assert all(hit["uid"] is None for hit in hits)
    # The pages about the order are reported under their section's fixed address.
    locations = {hit["dl"] for hit in hits} | {hit["dr"] for hit in hits}
    assert all("?" not in location for location in locations)
    assert live_server.url + "/porosite/" in locations
    assert live_server.url + "/kerko/" in locations


def test_p7_withdrawal_from_the_footer_deletes_ga_cookies_and_stops_requests(
    open_shop: ShopOpener, live_server: Any, catalogue: Catalogue, ga_on: None
) -> None:
    # given: a visitor who accepted analytics and has the _ga cookies
    page, traffic = open_shop()
    page.goto(live_server.url + "/")
    choose_in_banner(page, "Prano të gjitha")
    wait_for_ga_cookies(page)
    page.goto(live_server.url + catalogue.samsung[0].get_absolute_url())
    wait_for_tag(page)
    assert cookie_names(page) >= GA_COOKIES

    # when: they reopen the banner from the footer and refuse everything
    reopen_banner(page)
    expect(page.locator("#consent-title")).to_be_focused()
    choose_in_banner(page, "Refuzo të gjitha")

    # then: the cookies are gone, the tag is switched off and told so
    assert not any(name.startswith("_ga") for name in cookie_names(page))
    assert page.evaluate(f"() => window['ga-disable-{GA_ID}']") is True
    assert data_layer(page)[-1] == ["consent", "update", {"analytics_storage": "denied"}]
    state = consent_state(page)
    assert state is not None and not state.analytics
    sent_before = len(traffic.google())

    # when: they add to cart here and browse on
    page.get_by_role("button", name="Shto në shportë").click()
    expect(page.get_by_role("status")).to_contain_text("u shtua në shportë")
    browse(page, live_server, catalogue.samsung[1])

    # then: not one more request to Google, and no _ga cookie came back
    assert len(traffic.google()) == sent_before
    assert not any(name.startswith("_ga") for name in cookie_names(page))


def test_p7_the_script_itself_deletes_the_ga_cookies_on_withdrawal(
    open_shop: ShopOpener, live_server: Any, catalogue: Catalogue, ga_on: None
) -> None:
    # given: analytics accepted, the _ga cookies set by the tag
    page, traffic = open_shop()
    page.goto(live_server.url + "/")
    choose_in_banner(page, "Prano të gjitha")
    wait_for_ga_cookies(page)

    # when: consent is withdrawn in the page, with no server response to delete anything
    page.evaluate(
        "() => document.dispatchEvent(new CustomEvent('consent:changed',"
        " {detail: {analytics: false, personalisation: false}}))"
    )

    # then: analytics-consent.js deleted them on its own
    assert not any(name.startswith("_ga") for name in cookie_names(page))
    sent_before = len(traffic.google())
    page.evaluate("() => window.gtag('event', 'view_item', {currency: 'ALL', value: 1})")
    assert len(traffic.google()) == sent_before


def test_p7_without_ga_the_pages_carry_no_google_code(
    open_shop: ShopOpener, live_server: Any, catalogue: Catalogue, ga_off: None
) -> None:
    page, traffic = open_shop()
    product = catalogue.samsung[0]
    addresses = ["/", "/produkte/", product.get_absolute_url(), "/shporta/", "/cookies/"]
    for address in addresses:
        response = page.goto(live_server.url + address)
        assert response is not None and response.ok
        html = page.content().lower()
        for code in ("googletagmanager", "google-analytics", "gtag", "datalayer", "ga-disable"):
            assert code not in html, (address, code)
        # "Google" may be named to the visitor in text; never in any tag's attributes.
        attributes = page.evaluate(
            "() => Array.from(document.querySelectorAll('*')).flatMap("
            "(e) => Array.from(e.attributes).map((a) => a.value))"
        )
        assert not [value for value in attributes if "google" in value.lower()], address
        # A product's structured data is a script element browsers never run.
        scripts = page.eval_on_selector_all(
            "script:not([type='application/ld+json'])", "(all) => all.map((s) => s.src)"
        )
        # Only our own scripts (consent, search suggestions, the gallery), none for analytics.
        assert live_server.url + "/static/js/consent.js" in scripts
        assert all(src.startswith(live_server.url + "/static/js/") for src in scripts), scripts
        assert not [src for src in scripts if "analytics" in src], scripts
        assert "google" not in response.headers["content-security-policy"]
        assert page.evaluate("() => typeof window.dataLayer") == "undefined"
    choose_in_banner(page, "Prano të gjitha")
    browse(page, live_server, product)
    assert traffic.requests == []


def test_p7_without_javascript_a_visitor_accepts_refuses_and_changes_the_choice(
    open_shop: ShopOpener, live_server: Any, catalogue: Catalogue
) -> None:
    # given: JavaScript off
    page, _traffic = open_shop(java_script_enabled=False)

    # when: they accept everything from the banner
    page.goto(live_server.url + "/produkte/")
    expect(banner(page)).to_be_visible()
    choose_in_banner(page, "Prano të gjitha")

    # then: back on the same page, the banner gone, the choice recorded
    expect(page).to_have_url(live_server.url + "/produkte/")
    state = consent_state(page)
    assert state is not None and state.analytics and state.personalisation

    # when: "Cilësimet e cookies" in the footer leads to the cookie page, where they
    # keep personalisation but untick analytics
    page.get_by_role("contentinfo").get_by_role("link", name="Cilësimet e cookies").click()
    expect(page).to_have_url(re.compile(r"/cookies/#cilesimet$"))
    settings_form = page.locator("#cilesimet")
    expect(settings_form.get_by_label("Analitike")).to_be_checked()
    settings_form.get_by_label("Analitike").uncheck()
    settings_form.get_by_role("button", name="Ruaj zgjedhjen").click()

    # then: the change is kept
    expect(page.get_by_role("status")).to_contain_text("Zgjedhja juaj për cookies u ruajt")
    state = consent_state(page)
    assert state is not None and not state.analytics and state.personalisation
    expect(banner(page)).to_be_hidden()

    # when: they refuse everything there
    page.locator("#cilesimet").get_by_role("button", name="Refuzo të gjitha").click()

    # then: both are refused
    state = consent_state(page)
    assert state is not None and not state.analytics and not state.personalisation

    # and: a new visitor without JavaScript can refuse from the banner, or go choose;
    # the banner is stored once for every page, yet brings each back to their own
    other, _ = open_shop(java_script_enabled=False)
    other.goto(live_server.url + "/kerko/?q=televizor")
    choose_in_banner(other, "Refuzo të gjitha")
    expect(other).to_have_url(live_server.url + "/kerko/?q=televizor")
    state = consent_state(other)
    assert state is not None and not state.analytics and not state.personalisation
    third, _ = open_shop(java_script_enabled=False)
    third.goto(live_server.url + "/")
    banner(third).get_by_role("link", name="Zgjidh").click()
    expect(third).to_have_url(re.compile(r"/cookies/#cilesimet$"))
    section = third.locator("#cilesimet")
    section.get_by_label("Personalizim").check()
    section.get_by_role("button", name="Ruaj zgjedhjen").click()
    state = consent_state(third)
    assert state is not None and not state.analytics and state.personalisation
    expect(banner(third)).to_be_hidden()


def test_p7_the_banner_is_operable_by_keyboard(
    open_shop: ShopOpener, live_server: Any, catalogue: Catalogue
) -> None:
    page, _traffic = open_shop()
    page.goto(live_server.url + "/")
    title = page.locator("#consent-title")
    choose = banner(page).get_by_role("button", name="Zgjidh")
    details = page.locator("#consent-banner-details")

    # then: on a first visit the focus is in the banner
    expect(title).to_be_focused()

    # and: Tab reaches the three choices, in order
    reached: list[str] = []
    for _press in range(8):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.textContent.trim()"))
        if reached[-1] == "Zgjidh":
            break
    choices = [
        text for text in reached if text in {"Prano të gjitha", "Refuzo të gjitha", "Zgjidh"}
    ]
    assert choices == ["Prano të gjitha", "Refuzo të gjitha", "Zgjidh"], reached
    expect(choose).to_be_focused()

    # when: Enter on "Zgjidh"
    page.keyboard.press("Enter")

    # then: the details open in place, the first toggle focused
    expect(page).to_have_url(live_server.url + "/")
    expect(details).to_be_visible()
    expect(choose).to_have_attribute("aria-expanded", "true")
    analytics = details.get_by_label("Analitike")
    expect(analytics).to_be_focused()
    page.keyboard.press("Space")
    expect(analytics).to_be_checked()

    # when: Esc
    page.keyboard.press("Escape")

    # then: the details close, focus back on "Zgjidh", the banner still asking
    expect(details).to_be_hidden()
    expect(choose).to_have_attribute("aria-expanded", "false")
    expect(choose).to_be_focused()
    expect(banner(page)).to_be_visible()

    # and: Space opens it too, and the choice can be saved from the keyboard
    page.keyboard.press(" ")
    expect(details).to_be_visible()
    page.keyboard.press("Tab")  # to "Personalizim"
    page.keyboard.press("Tab")  # to "Ruaj zgjedhjen"
    expect(details.get_by_role("button", name="Ruaj zgjedhjen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(banner(page)).to_be_hidden()
    state = consent_state(page)
    assert state is not None and state.analytics and not state.personalisation

    # when: the footer link is activated from the keyboard
    reopen = page.get_by_role("contentinfo").get_by_role("link", name="Cilësimet e cookies")
    reopen.focus()
    page.keyboard.press("Enter")

    # then: the banner reopens in place, showing the standing choice, and Esc closes it
    expect(banner(page)).to_be_visible()
    expect(title).to_be_focused()
    expect(page).to_have_url(live_server.url + "/")
    page.keyboard.press("Escape")
    expect(banner(page)).to_be_hidden()
    expect(reopen).to_be_focused()
    reopen.press("Enter")
    banner(page).get_by_role("button", name="Zgjidh").press("Enter")
    expect(details.get_by_label("Analitike")).to_be_checked()
    expect(details.get_by_label("Personalizim")).not_to_be_checked()


# Where the page's parts sit in the document, whatever it is scrolled to.
GEOMETRY = """() => {
    const place = (element) => {
        const box = element.getBoundingClientRect();
        return [box.left + window.scrollX, box.top + window.scrollY, box.width, box.height];
    };
    // Not the document's height: while the banner asks, the page gets room below the
    // footer so nothing stays hidden behind it; no element moves for that.
    return {
        header: place(document.querySelector("header")),
        main: place(document.getElementById("main")),
        footer: place(document.querySelector("footer")),
    };
}"""


def test_p7_showing_and_hiding_the_banner_shifts_no_layout(
    open_shop: ShopOpener, live_server: Any, catalogue: Catalogue
) -> None:
    # given: a first visit, the banner asking, layout shifts being counted
    page, _traffic = open_shop()
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { window.__shift = 0; new PerformanceObserver((list) => { for (const e of"
        " list.getEntries()) { window.__shift += e.value; } })"
        ".observe({type: 'layout-shift', buffered: true}); }"
    )
    with_banner = page.evaluate(GEOMETRY)

    # when: the visitor chooses, then reopens and closes the banner
    choose_in_banner(page, "Refuzo të gjitha")
    without_banner = page.evaluate(GEOMETRY)
    reopen_banner(page)
    reopened = page.evaluate(GEOMETRY)
    page.keyboard.press("Escape")
    expect(banner(page)).to_be_hidden()

    # then: the page around it never moved: the banner lies over it
    assert with_banner == without_banner == reopened
    assert page.evaluate("() => window.__shift") == 0


def _sign_in(page: Page, live_server: Any, user: User) -> None:
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _storage_keys(page: Page) -> list[str]:
    return page.evaluate(
        "() => [...Object.keys(window.localStorage), ...Object.keys(window.sessionStorage)]"
    )


def assert_registered(page: Page, *, allowed: set[CookieCategory]) -> set[str]:
    """Check every cookie and storage key is in the registry, in an allowed category."""
    names = cookie_names(page)
    for name in names | set(_storage_keys(page)):
        spec = cookie_spec(name)
        assert spec is not None, f"{name} is set but not in consent.cookies.COOKIES"
        assert spec.category in allowed, f"{name} ({spec.category}) set with only {allowed}"
    return names


def test_p7_every_cookie_of_the_shop_journey_is_registered_in_its_category(
    open_shop: ShopOpener, live_server: Any, catalogue: Catalogue, ga_on: None
) -> None:
    necessary = {CookieCategory.NECESSARY}
    page, traffic = open_shop()
    first, second, third = catalogue.samsung
    email, password = "drita.krasniqi@example.al", "Portokalle-Jeshile-2025"

    # when: a visitor browses, fills a cart and registers, without choosing
    browse(page, live_server, first)
    page.get_by_role("link", name="Vazhdo me porosinë").click()
    page.get_by_role("main").get_by_role("link", name="Regjistrohu").click()
    form = page.get_by_role("main")
    form.get_by_label(label("Emri")).fill("Drita")
    form.get_by_label(label("Mbiemri")).fill("Krasniqi")
    form.get_by_label(label("Email")).fill(email)
    form.get_by_label(label("Numri i telefonit")).fill("068 765 4321")
    form.get_by_label(label("Fjalëkalimi")).fill(password)
    form.get_by_label(label("Përsëritni fjalëkalimin")).fill(password)
    form.get_by_label(label("Pranoj Kushtet e Shërbimit dhe Politikat e Privatësisë")).check()
    form.get_by_role("button", name="Regjistrohu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontrolloni email-in")

    # and: signs in (registering signs nobody in)
    page.get_by_role("navigation", name="Llogaria", exact=True).get_by_role(
        "link", name="Hyr"
    ).click()
    page.get_by_role("main").get_by_label(label("Email")).fill(email)
    page.get_by_role("main").get_by_label(re.compile("^Fjalëkalim")).fill(password)
    page.get_by_role("main").get_by_role("button", name="Hyr").click()
    expect(page.get_by_role("navigation", name="Llogaria", exact=True)).to_contain_text(
        "Llogaria ime"
    )

    # then: only necessary cookies so far, and nothing sent to Google
    names = assert_registered(page, allowed=necessary)
    assert {"sessionid", "csrftoken"} <= names
    assert traffic.google() == []

    # when: they allow personalisation only, and look at products
    page.goto(live_server.url + "/")
    banner(page).get_by_role("button", name="Zgjidh").click()
    banner(page).get_by_label("Personalizim").check()
    choose_in_banner(page, "Ruaj zgjedhjen")
    for product in (second, third):
        page.goto(live_server.url + product.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_have_text(product.name_sq)

    # then: the history cookie appears, and still nothing analytic
    names = assert_registered(page, allowed=necessary | {CookieCategory.PERSONALISATION})
    assert {CONSENT_COOKIE, RECENTLY_VIEWED_COOKIE} <= names
    assert traffic.google() == []

    # when: they accept everything from the footer, browse and check out
    reopen_banner(page)
    choose_in_banner(page, "Prano të gjitha")
    wait_for_ga_cookies(page)
    User.objects.update(email_verified_at=timezone.now())  # as the mailed link would
    page.goto(live_server.url + first.get_absolute_url())
    open_cart(page)
    page.get_by_role("link", name="Vazhdo me porosinë").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Përfundo porosinë")
    page.get_by_label("Adresë e re").check()
    page.get_by_label(label("Qyteti / bashkia")).select_option(label="Tiranë")
    page.get_by_label(label("Rruga dhe numri")).fill("Rr. e Kavajës, Nr. 5")
    page.get_by_role("button", name="Konfirmo porosinë").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Faleminderit! Porosia u vendos.")

    # then: every cookie is still one the registry lists, each category now present
    names = assert_registered(page, allowed=set(CookieCategory))
    assert names >= GA_COOKIES
    categories = {spec.category for name in names if (spec := cookie_spec(name))}
    assert categories == set(CookieCategory)


def test_p7_withdrawal_in_one_tab_stops_analytics_in_the_others(
    open_shop: Any, live_server: Any, catalogue: Catalogue, ga_on: None
) -> None:
    page, traffic = open_shop()
    page.goto(live_server.url + "/")
    choose_in_banner(page, "Prano të gjitha")
    wait_for_ga_cookies(page)
    page.goto(live_server.url + catalogue.samsung[0].get_absolute_url())
    wait_for_tag(page)
    # the visitor withdraws in a second tab of the same browser
    other = page.context.new_page()
    other.goto(live_server.url + "/")
    other.get_by_role("contentinfo").get_by_role("link", name="Cilësimet e cookies").click()
    choose_in_banner(other, "Refuzo të gjitha")
    before = len(traffic.google())
    # and goes on shopping in the first one
    page.bring_to_front()
    page.get_by_role("button", name="Shto në shportë").click()
    expect(page.get_by_role("status")).to_contain_text("u shtua në shportë")
    assert traffic.google()[before:] == []
    assert not [name for name in cookie_names(page) if name.startswith("_ga")]
