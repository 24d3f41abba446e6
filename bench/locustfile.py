"""The storefront under load: what shoppers do, through the real pages and forms.

Run by bench/load_locust.py (``make bench-load``), which starts gunicorn, PostgreSQL, a
worker and an SMTP sink, and tells this file where things are through the environment:

- ``FEJZO_LOAD_DATA``: a JSON file with the catalogue's product and category slugs and
  search words (read from the database before the run);
- ``FEJZO_LOAD_MAILDIR``: the folder the SMTP sink writes each message to, one file each,
  named after its recipient: the verification link is read from there, as a person
  reads it from the mail.

Each shopper is a browser: its own cookies (session, csrftoken), the CSRF token read from
each form it posts, redirects followed. The mix is of requests: browsing 70 % (home,
categories, product pages), search 15 %, cart 10 % (open a product, add, view, update:
four requests a visit) and registration and checkout 5 % (register, read the mail,
verify, sign in, open a product, add to cart, open and post the checkout with a new
delivery address and cash on delivery: nine requests a visit), so the task weights are
those shares divided by each visit's requests (140 : 30 : 5 : 1, about 70/15/10/4.5 %
of requests). Every step has its own name, so the report is per step.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import random
import re
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, task
from locust.clients import ResponseContextManager

from bench.html_forms import page_form

DATA = json.loads(
    Path(os.environ.get("FEJZO_LOAD_DATA", "bench/results/locust_data.json")).read_text()
)
MAILDIR = Path(os.environ.get("FEJZO_LOAD_MAILDIR", "bench/results/locust_mail"))
MAIL_WAIT_SECONDS = float(os.environ.get("FEJZO_LOAD_MAIL_WAIT", "60"))
VERIFY_LINK = re.compile(r"/llogaria/verifiko/[^/\s\"'<>]+/[^/\s\"'<>]+/")
PLACED_PATH = re.compile(r"/porosite/[^/]+/u-vendos/$")


class StepFailed(Exception):
    """A step answered, but not as the shop should have (the reason is the message)."""


class Shopper(HttpUser):
    wait_time = between(0.5, 2.0)

    # ---------------------------------------------------------------- helpers

    def _get(self, path: str, name: str) -> str:
        """GET a page as this shopper; a non-200 answer fails the step. Return the HTML."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                raise StepFailed(name)
            response.success()
            return response.text

    def _post(self, path: str, data: dict[str, str], name: str, *, lands_on: str) -> str:
        """POST a form (the redirect followed); fail the step unless it ends on a page
        whose path matches `lands_on` (a regular expression) with 200. Return the HTML."""
        with self.client.post(path, data=data, name=name, catch_response=True) as response:
            return self._landed(response, name=name, lands_on=lands_on)

    def _landed(self, response: ResponseContextManager, *, name: str, lands_on: str) -> str:
        final = urlsplit(response.url or "").path
        if response.status_code != 200:
            response.failure(f"HTTP {response.status_code} at {final}")
            raise StepFailed(name)
        if not re.search(lands_on, final):
            response.failure(f"ended on {final}, expected {lands_on}")
            raise StepFailed(name)
        response.success()
        return str(response.text)

    def _add_to_cart(self, product_html: str, *, slug: str, name: str, lands_on: str) -> str:
        form = page_form(product_html, action="/shporta/shto/")
        if form is None:
            self._event(name, 0, StepFailed(f"{slug}: no add-to-cart form"))
            raise StepFailed(name)
        form.values["quantity"] = "1"
        return self._post(form.action, form.values, name, lands_on=lands_on)

    def _event(self, name: str, milliseconds: float, exception: Exception | None) -> None:
        self.environment.events.request.fire(
            request_type="MAIL",
            name=name,
            response_time=milliseconds,
            response_length=0,
            exception=exception,
            context={},
        )

    # ---------------------------------------------------------------- browsing

    @task(40)
    def home(self) -> None:
        self._get("/", "home")

    @task(40)
    def category(self) -> None:
        slug = random.choice(DATA["categories"])
        self._get(f"/kategoria/{slug}/", "category")

    @task(60)
    def product(self) -> None:
        slug = random.choice(DATA["products"])
        self._get(f"/produkt/{slug}/", "product")

    # ---------------------------------------------------------------- search

    @task(30)
    def search(self) -> None:
        words = random.sample(DATA["words"], k=random.choice((1, 1, 2)))
        self.client.get("/kerko/", params={"q": " ".join(words)}, name="search")

    # ---------------------------------------------------------------- cart

    @task(5)
    def cart(self) -> None:
        try:
            slug = random.choice(DATA["products"])
            html = self._get(f"/produkt/{slug}/", "cart: open product")
            self._add_to_cart(html, slug=slug, name="cart: add", lands_on=rf"/produkt/{slug}/$")
            cart_html = self._get("/shporta/", "cart: view")
            form = page_form(cart_html, action="/shporta/ndrysho/")
            if form is None:
                self._event("cart: update", 0, StepFailed("the cart shows no line to update"))
                return
            form.values["quantity"] = str(random.randint(1, 3))
            self._post(form.action, form.values, "cart: update", lands_on=r"/shporta/$")
        except StepFailed:
            return

    # ---------------------------------------------------------------- registration and checkout

    @task(1)
    def register_and_check_out(self) -> None:
        # A new person on a new browser: no cookies from what this user did before.
        self.client.cookies.clear()
        try:
            self._register_and_check_out()
        except StepFailed:
            pass
        finally:
            self.client.cookies.clear()

    def _register_and_check_out(self) -> None:
        address = f"ngarkese.{uuid.uuid4().hex[:16]}@example.al"
        password = f"Ngarkese-{uuid.uuid4().hex[:10]}"
        html = self._get("/llogaria/regjistrohu/", "register: form")
        form = page_form(html, has_field="password1")
        if form is None:
            self._event("register: submit", 0, StepFailed("no registration form"))
            raise StepFailed("register")
        form.values.update(
            first_name="Arta",
            last_name="Ngarkesa",
            email=address,
            phone=f"069 {random.randint(100, 999)} {random.randint(1000, 9999)}",
            password1=password,
            password2=password,
            accept_terms="on",
        )
        self._post(
            form.action or "/llogaria/regjistrohu/",
            form.values,
            "register: submit",
            lands_on=r"/llogaria/regjistrohu/u-dergua/$",
        )

        link = self._verification_link(address)
        with self.client.get(link, name="verify email", catch_response=True) as response:
            self._landed(response, name="verify email", lands_on=r"/llogaria/hyr/$")

        html = self._get("/llogaria/hyr/?next=/shporta/", "sign in: form")
        form = page_form(html, has_field="password")
        if form is None:
            self._event("sign in: submit", 0, StepFailed("no sign-in form"))
            raise StepFailed("sign in")
        form.values.update(username=address, password=password)
        self._post(
            form.action or "/llogaria/hyr/?next=/shporta/",
            form.values,
            "sign in: submit",
            lands_on=r"/shporta/$",
        )

        slug = random.choice(DATA["products"])
        html = self._get(f"/produkt/{slug}/", "checkout: open product")
        self._add_to_cart(
            html, slug=slug, name="checkout: add to cart", lands_on=rf"/produkt/{slug}/$"
        )
        html = self._get("/porosite/arka/", "checkout: form")
        form = page_form(html, has_field="payment_method")
        if form is None:
            self._event("checkout: place order", 0, StepFailed("no checkout form"))
            raise StepFailed("checkout")
        municipalities = [value for value in form.options.get("municipality", []) if value]
        form.values.update(
            address="new",
            municipality=random.choice(municipalities) if municipalities else "",
            street=f"Rruga e Durrësit {random.randint(1, 200)}",
            payment_method="cod",
        )
        self._post(
            form.action or "/porosite/arka/",
            form.values,
            "checkout: place order",
            lands_on=PLACED_PATH.pattern,
        )

    def _verification_link(self, address: str) -> str:
        """Wait for the verification mail in the sink's folder; return its link's path.
        The wait is reported as its own step ("register: verification mail")."""
        started = time.monotonic()
        while time.monotonic() - started < MAIL_WAIT_SECONDS:
            for path in MAILDIR.glob(f"{address}--*.eml"):
                link = _link_in(path.read_bytes())
                if link:
                    self._event(
                        "register: verification mail", (time.monotonic() - started) * 1000, None
                    )
                    return link
            time.sleep(0.25)  # gevent-patched: the other shoppers go on meanwhile
        self._event(
            "register: verification mail",
            (time.monotonic() - started) * 1000,
            StepFailed(f"no verification mail within {MAIL_WAIT_SECONDS:.0f} s"),
        )
        raise StepFailed("register: verification mail")


def _link_in(raw: bytes) -> str:
    """Return the path of the verification link in a mail, or ""."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            found = VERIFY_LINK.search(str(part.get_content()))
            if found:
                return found.group(0)
    return ""
