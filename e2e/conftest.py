"""Fixtures for the browser journeys: Chromium, a real SMTP server, the mail worker, a catalogue."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

from catalog.models import Product
from catalog.tests.factories import BrandFactory, CategoryFactory, ProductFactory
from core.testing import ReceivedMail, SMTPServer, run_tasks

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # required when the tests run as root, as they do in containers
    "--disable-gpu",
    # Without these Chromium keeps calling Google, which this network does not allow.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 10_000
# What Chromium writes to the console when it blocks something under our headers.
POLICY_CONSOLE_MARKERS = ("Content Security Policy", "Permissions-Policy", "Permissions Policy")
MAIL_TIMEOUT_SECONDS = 15.0


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Launch Debian's headless Chromium once for the whole run."""
    if not CHROMIUM.exists():
        message = f"Chromium not installed at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI must run the browser tests, not skip them)")
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread for as long
    # as it is started, so Django's "async unsafe" guard would refuse every ORM call
    # made from the tests (and from tests that run after them in the same session).
    # The calls are in fact synchronous; lift the guard only while Playwright runs.
    previous_guard = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous_guard is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous_guard


PageOpener = Callable[..., Any]


@pytest.fixture
def open_page(browser: Any) -> Iterator[PageOpener]:
    """Return ``open_page(**context_options)``: a page in a fresh context (own cookies).

    Every context gets the suite's default timeout and is closed after the test. The
    test fails if the browser reported a Content-Security-Policy violation (an inline
    script, style or handler that production would block, P6) or a malformed
    Permissions-Policy header on any of its pages.
    """
    contexts: list[Any] = []
    policy_errors: list[str] = []

    def record_policy_error(message: Any) -> None:
        if any(marker in message.text for marker in POLICY_CONSOLE_MARKERS):
            policy_errors.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def open_(**context_options: Any) -> Any:
        context = browser.new_context(locale="sq-AL", **context_options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.on("console", record_policy_error)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()
    assert policy_errors == [], "the browser reported policy violations"


@pytest.fixture
def page(open_page: PageOpener) -> Any:
    """A page with JavaScript on, as most visitors have it."""
    return open_page()


MailWaiter = Callable[..., list[ReceivedMail]]


@pytest.fixture
def wait_for_mail(smtp_server: SMTPServer) -> MailWaiter:
    """Return ``wait(predicate, timeout)``: run the worker until matching mail arrives.

    The predicate receives the list of every message received so far and returns
    the ones the test waits for (empty while they have not all arrived).
    """

    def wait(
        predicate: Callable[[list[ReceivedMail]], list[ReceivedMail]],
        timeout: float = MAIL_TIMEOUT_SECONDS,
    ) -> list[ReceivedMail]:
        deadline = time.monotonic() + timeout
        while True:
            run_tasks()
            found = predicate(smtp_server.messages)
            if found:
                return found
            if time.monotonic() > deadline:
                subjects = [(m.recipients, m.subject) for m in smtp_server.messages]
                pytest.fail(
                    f"Expected mail did not arrive within {timeout} s; received: {subjects}"
                )
            time.sleep(0.1)

    return wait


@dataclass(frozen=True)
class Catalogue:
    samsung: list[Product]
    others: list[Product]


@pytest.fixture
def catalogue(live_server: Any) -> Catalogue:
    """Seed a small shop: three Samsung products in stock and two of other brands.

    The live server's database is emptied after every test, rows from data
    migrations included, so the published policy documents (registration needs
    them) are published again here the way their migration does it.
    """
    from django.apps import apps

    import_module("policy.migrations.0002_publish_version_1").publish(apps, None)
    phones = CategoryFactory(slug="telefona", name_sq="Telefona", name_en="Phones")
    tvs = CategoryFactory(slug="televizore", name_sq="Televizorë", name_en="TVs")
    samsung, apple, lg = (BrandFactory(name=name) for name in ("Samsung", "Apple", "LG"))
    rows = [
        ("SM-A556", phones, samsung, "Samsung Galaxy A55 5G 128GB", 54_900, 10),
        ("SM-S921", phones, samsung, "Samsung Galaxy S24 256GB", 119_900, 6),
        ("QE55Q60D", tvs, samsung, 'Televizor Samsung QLED 55" Q60D', 89_900, 4),
        ("IP15-128", phones, apple, "Apple iPhone 15 128GB", 129_900, 5),
        ("OLED55C4", tvs, lg, 'Televizor LG OLED 55" C4', 159_900, 3),
    ]
    products = [
        ProductFactory(
            sku=sku,
            slug=sku.lower(),
            category=category,
            brand=brand,
            name_sq=name,
            name_en=name.replace("Televizor ", "TV "),
            price=price,
            stock=stock,
        )
        for sku, category, brand, name, price, stock in rows
    ]
    return Catalogue(samsung=products[:3], others=products[3:])
