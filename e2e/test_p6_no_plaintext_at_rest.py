"""No customer's name, email, phone or street is readable in the database or the log (P6).

The demo data is seeded and a new customer goes through the shop in the browser:
registers, verifies the address from the mail, orders to a new address with delivery
notes, adds courier notes in the address book, signs out and mistypes the password once.
Then every value the customers gave is read back through the ORM (decrypted) and
looked for in the raw database (the SQLite image and a logical dump, or pg_dump on
PostgreSQL), in the decoded sessions and in the application's log file.
"""

from __future__ import annotations

import io
import json
import logging.config
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import phonenumbers
import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils.log import configure_logging
from playwright.sync_api import Page, expect

from accounts.models import Address, User
from catalog.models import Product
from config.env import logging_settings
from demo.people import CUSTOMERS
from e2e.test_shopping_journey import (
    ORDER_NUMBER,
    VERIFY_LINK,
    cart_rows,
    label,
    open_cart,
    sent_to,
)
from mail.models import OutboxMessage, OutboxStatus
from orders.models import Order

if TYPE_CHECKING:
    from e2e.conftest import MailWaiter

pytestmark = pytest.mark.browser

FIRST_NAME = "Fjorela"
LAST_NAME = "Xhaferaj"
EMAIL = "fjorela.xhaferaj@example.al"
PHONE_TYPED = "069 555 1234"
PASSWORD = "Portokalli-Jeshil-2025"
STREET = "Rr. Dervish Hima, Pallati 45, Shk. 3, Ap. 17"
DELIVERY_NOTES = "Zilja e tretë, mbi farmacinë e qoshes"
COURIER_NOTES = "Telefononi kur të jeni te porta jeshile"

# Values shorter than this are matched as whole words only: a short name such as
# "Rama" turns up by chance inside random base64 (ciphertexts, password hashes) or
# inside longer words ("panorama"); from this length on a chance match is negligible.
WHOLE_WORD_BELOW = 8
# A last name alone is looked for from this length on; first names alone are not
# (see customer_needles).
LAST_NAME_MIN = 4
# An email's local part alone ("fjorela.xhaferaj") is looked for from this length on;
# shorter ones ("info", "ana") are ordinary words.
LOCAL_PART_MIN = 6
# Between the digits of a phone number: spaces, dots, dashes, slashes, brackets.
PHONE_SEPARATOR = r"[\s().\-/]{0,3}"
# Shown as one dot in a failure message: the binary around a value in a raw image.
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]+")


@dataclass(frozen=True)
class Needle:
    """One personal value to look for, and what it is (for the failure message)."""

    what: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Finding:
    source: str
    needle: Needle
    context: str


def text_needle(what: str, value: str) -> Needle:
    """Match the value case-insensitively; as a whole word when it is short."""
    escaped = re.escape(value.strip().lower())
    if len(value.strip()) < WHOLE_WORD_BELOW:
        escaped = rf"(?<!\w){escaped}(?!\w)"
    return Needle(what, re.compile(escaped))


def phone_needle(what: str, e164: str) -> Needle:
    """Match the number in any format: +355691234567, 0691234567, 069 123 4567, ...

    Every format carries the national significant number ("691234567"), so that is
    what is matched, whatever punctuation sits between its digits.
    """
    national = str(phonenumbers.parse(e164, "AL").national_number)
    return Needle(what, re.compile(PHONE_SEPARATOR.join(national)))


def customer_needles() -> list[Needle]:
    """Read every customer's personal values back through the ORM (decrypted).

    First names alone are left out: many Albanian first names are ordinary words
    ("Drita" is light, "Ylli" a star, "Alban" begins "Albania") that the catalogue and
    the policy text use. They are covered together with the last name ("Arta Hoxha")
    and in the email address, and the last name is looked for alone.
    """
    needles: dict[str, Needle] = {}

    def add(needle: Needle) -> None:
        needles.setdefault(needle.pattern.pattern, needle)

    for user in User.objects.filter(is_staff=False).order_by("pk"):
        who = f"customer {user.pk}"
        add(text_needle(f"{who} name", f"{user.first_name} {user.last_name}"))
        if len(user.last_name) >= LAST_NAME_MIN:
            add(text_needle(f"{who} last name", user.last_name))
        add(text_needle(f"{who} email", user.email))
        local_part = user.email.partition("@")[0]
        if len(local_part) >= LOCAL_PART_MIN:
            add(text_needle(f"{who} email local part", local_part))
        if user.phone:
            add(phone_needle(f"{who} phone {user.phone}", user.phone))
    for address in Address.objects.filter(user__is_staff=False).order_by("pk"):
        who = f"address {address.pk} of customer {address.user_id}"
        add(text_needle(f"{who} street", address.street))
        if address.courier_notes:
            add(text_needle(f"{who} courier notes", address.courier_notes))
    for order in Order.objects.order_by("pk"):
        who = f"order {order.number}"
        add(text_needle(f"{who} delivery name", order.delivery_name))
        add(text_needle(f"{who} delivery street", order.delivery_street))
        add(phone_needle(f"{who} delivery phone {order.delivery_phone}", order.delivery_phone))
        if order.delivery_notes:
            add(text_needle(f"{who} delivery notes", order.delivery_notes))
    return list(needles.values())


def scan(source: str, data: bytes, needles: list[Needle]) -> list[Finding]:
    text = data.decode("utf-8", errors="replace")
    lowered = text.lower()
    findings = []
    for needle in needles:
        match = needle.pattern.search(lowered)
        if match:
            findings.append(Finding(source, needle, locate(text, match.start(), match.end())))
    return findings


def locate(text: str, start: int, end: int) -> str:
    """Show the text around a match and, in a dump, the table it belongs to."""
    table = ""
    line = text[text.rfind("\n", 0, start) + 1 : start]
    copy_header = text.rfind("\nCOPY ", 0, start)
    if line.startswith("INSERT INTO "):  # SQLite's dump: one statement per row
        table = line.split(" ", 3)[2] + ": "
    elif copy_header != -1:  # pg_dump: one COPY block per table
        table = text[copy_header + 1 : text.find("(", copy_header)].strip() + ": "
    around = UNPRINTABLE.sub("·", text[max(0, start - 80) : end + 80])
    return f"{table}{around!r}"


def sqlite_images() -> dict[str, bytes]:
    """Return the database exactly as SQLite holds it, free pages included.

    The test database is in memory (Django's default for SQLite), so its image is taken
    with serialize(); were it a file, the file and its WAL are read as well.
    """
    connection.ensure_connection()
    raw = connection.connection
    images = {"SQLite database image": raw.serialize()}
    if not connection.is_in_memory_db():
        path = Path(connection.settings_dict["NAME"])
        for suffix in ("-wal", "-shm"):  # before the checkpoint folds them into the file
            side_file = Path(f"{path}{suffix}")
            if side_file.exists():
                images[str(side_file)] = side_file.read_bytes()
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        images[str(path)] = path.read_bytes()
    return images


def database_dumps() -> dict[str, bytes]:
    """Return the raw database: SQLite's image and dump, or pg_dump's output."""
    if connection.vendor == "sqlite":
        dumps = sqlite_images()
        # Column values sit side by side in a raw SQLite record ("Teuta" "Rama" reads
        # "TeutaRama"); the dump separates them, so whole-word matches work there too.
        dumps["SQLite dump"] = "\n".join(connection.connection.iterdump()).encode()
        return dumps
    assert connection.vendor == "postgresql", connection.vendor
    return {"pg_dump": pg_dump()}


def pg_dump() -> bytes:
    executable = shutil.which("pg_dump")
    if executable is None:
        pytest.fail("pg_dump is not installed: apt-get install postgresql-client")
    database = connection.settings_dict
    command = [executable, "--no-owner", "--no-privileges", "--dbname", database["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command += [option, str(database[key])]
    environment = {**os.environ, "PGCLIENTENCODING": "UTF8"}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        command, env=environment, capture_output=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def decoded_sessions() -> bytes:
    """Session data is base64, which any reader decodes: look inside it too."""
    return "\n".join(
        json.dumps(session.get_decoded(), ensure_ascii=False, default=str)
        for session in Session.objects.all()
    ).encode()


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """Send the application's log to a file, configured as production configures it."""
    path = tmp_path / "log" / "fejzo.log"
    config = logging_settings(path)
    # aiosmtpd ("mail.log") is the test's SMTP server, standing in for the mail
    # provider; it logs each recipient at INFO and is no part of the application.
    config["loggers"]["mail.log"] = {"level": "WARNING"}
    logging.config.dictConfig(config)
    yield path
    configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)


@pytest.fixture
def policy_published(live_server: Any) -> None:
    """Publish the policy documents (and seed the contractors' functions) again:
    registration and the demo need them, and the live server's database is emptied
    after every test, rows from data migrations included."""
    from django.apps import apps

    import_module("policy.migrations.0002_publish_version_1").publish(apps, None)
    import_module("contractors.migrations.0002_functions_seed").seed(apps, None)


def shop_as_new_customer(
    page: Page, live_server: Any, product: Product, wait_for_mail: MailWaiter
) -> str:
    """Register, verify the address, order, add courier notes; return the order number."""
    # the visitor puts a product in the cart and goes to checkout
    page.goto(live_server.url + product.get_absolute_url())
    page.get_by_role("button", name="Shto në shportë").click()
    expect(page.get_by_role("status")).to_contain_text("u shtua në shportë")
    open_cart(page)
    expect(cart_rows(page)).to_have_count(1)
    page.get_by_role("link", name="Vazhdo me porosinë").click()
    page.get_by_role("main").get_by_role("link", name="Regjistrohu").click()

    # registers, with the phone number typed the way Albanians write it
    form = page.get_by_role("main")
    form.get_by_label(label("Emri")).fill(FIRST_NAME)
    form.get_by_label(label("Mbiemri")).fill(LAST_NAME)
    form.get_by_label(label("Email")).fill(EMAIL)
    form.get_by_label(label("Numri i telefonit")).fill(PHONE_TYPED)
    form.get_by_label(label("Fjalëkalimi")).fill(PASSWORD)
    form.get_by_label(label("Përsëritni fjalëkalimin")).fill(PASSWORD)
    form.get_by_label(label("Pranoj Kushtet e Shërbimit dhe Politikat e Privatësisë")).check()
    form.get_by_role("button", name="Regjistrohu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontrolloni email-in")

    # verifies the address from the mail the worker delivered
    (verification,) = wait_for_mail(sent_to(EMAIL, "Verifikoni adresën tuaj të email-it"))
    link = VERIFY_LINK.search(verification.part("plain"))
    assert link is not None
    page.goto(link.group(0))
    expect(page.get_by_role("status")).to_contain_text("Email-i juaj u verifikua")

    # signs in: registering signed nobody in
    page.get_by_role("main").get_by_label(label("Email")).fill(EMAIL)
    page.get_by_role("main").get_by_label(re.compile("^Fjalëkalim")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Hyr").click()
    expect(cart_rows(page)).to_have_count(1)

    # orders to a new address, with notes for the delivery
    page.get_by_role("link", name="Vazhdo me porosinë").click()
    page.get_by_label("Adresë e re").check()
    page.get_by_label(label("Qyteti / bashkia")).select_option(label="Tiranë")
    page.get_by_label(label("Rruga dhe numri")).fill(STREET)
    expect(page.get_by_label(label("Telefoni për korrierin"))).to_have_value("+355 69 555 1234")
    page.get_by_label(label("Shënime për dorëzimin (opsionale)")).fill(DELIVERY_NOTES)
    page.get_by_label("Para në dorë në dorëzim").check()
    page.get_by_role("button", name="Konfirmo porosinë").click()
    expect(page).to_have_url(re.compile(r"/porosite/[^/]+/u-vendos/$"))
    number = page.locator("strong.order-number").inner_text().strip()
    assert ORDER_NUMBER.fullmatch(number), number
    wait_for_mail(sent_to(EMAIL, number))

    # adds courier notes to the saved address
    page.goto(live_server.url + reverse("accounts:addresses"))
    page.get_by_role("main").get_by_role("link", name="Ndrysho", exact=True).click()
    page.get_by_label(label("Shënime për korrierin (opsionale)")).fill(COURIER_NOTES)
    page.get_by_role("button", name="Ruaj adresën").click()
    expect(page.get_by_role("main")).to_contain_text(COURIER_NOTES)
    return number


def sign_out_and_mistype_password(page: Page, live_server: Any) -> None:
    """Sign out, then fail to sign in once: axes records and logs the failure."""
    page.get_by_role("navigation", name="Llogaria").get_by_role("button", name="Dil").click()
    page.goto(live_server.url + reverse("accounts:login"))
    form = page.get_by_role("main")
    form.get_by_label(label("Email")).fill(EMAIL)
    form.get_by_label(label("Fjalëkalim")).fill(PASSWORD + "!")
    form.get_by_role("button", name="Hyr").click()
    expect(form).to_contain_text("Email-i ose fjalëkalimi nuk është i saktë")


def test_p6_no_customer_data_in_plain_text_in_database_or_logs(
    page: Page,
    live_server: Any,
    settings: Any,
    policy_published: None,
    log_file: Path,
    wait_for_mail: MailWaiter,
) -> None:
    started = time.monotonic()
    settings.SITE_URL = live_server.url
    if connection.vendor == "sqlite":
        # Drop the free pages earlier tests left in the shared in-memory database, so
        # the image holds only what this test wrote.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")

    # given: the demo data, and a new customer who went through the shop
    call_command("seed_demo", stdout=io.StringIO())
    product = Product.objects.filter(is_active=True, stock__gte=2).order_by("sku").first()
    assert product is not None
    number = shop_as_new_customer(page, live_server, product, wait_for_mail)
    # Signing out ends the session; read the signed-in one while it exists.
    sessions = decoded_sessions()
    assert sessions, "the customer's session is stored"
    sign_out_and_mistype_password(page, live_server)
    order = Order.objects.get(number=number)
    assert (order.customer.email, order.customer.phone) == (EMAIL, "+355695551234")
    assert (order.delivery_street, order.delivery_notes) == (STREET, DELIVERY_NOTES)
    assert order.customer.addresses.get().courier_notes == COURIER_NOTES
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    # The demo courier is a contractor's person, not a customer.
    customers = User.objects.filter(is_staff=False, contractor__isnull=True).count()
    assert customers == len(CUSTOMERS) + 1

    # when: every value the customers gave is looked for where it is stored
    needles = customer_needles()
    sources = database_dumps()
    sources["decoded sessions"] = sessions
    log = log_file.read_bytes()
    assert b" INFO mail.delivery mail sent" in log, "the application's log reached the file"
    assert b" WARNING axes." in log, "the failed sign-in was logged"
    sources[f"log file {log_file.name}"] = log
    findings = [finding for name, data in sources.items() for finding in scan(name, data, needles)]

    # then: none is there in plain text
    scanned = ", ".join(f"{name} {len(data):,} bytes" for name, data in sources.items())
    print(
        f"\nP6 scan: {len(needles)} values of {customers} customers looked for in {scanned} "
        f"({time.monotonic() - started:.1f} s, {connection.vendor})"
    )
    assert findings == [], "personal data in plain text:\n" + "\n".join(
        f"- {f.source}: {f.needle.what}: {f.context}" for f in findings
    )
