"""A customer downloads everything the shop holds about them, and nobody else can (P12).

The whole path is the real one: the profile page, the password re-check, the build
task run by the worker, the mail delivered to an SMTP server, the link in that mail
followed in the browser, and the ZIP the browser saves.
"""

from __future__ import annotations

import json
import re
import zipfile
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory
from conftest import TEST_PASSWORD
from e2e.test_accessibility import AUDIT
from e2e.test_shopping_journey import assert_well_formed, label, sent_to
from privacy.models import AccessAction, AccessEntry, ActorKind
from rights.export.document import JSON_NAME, REPORT_NAME
from rights.models import DataExport, ExportStatus

if TYPE_CHECKING:
    from pathlib import Path

    from e2e.conftest import MailWaiter, PageOpener

pytestmark = pytest.mark.browser

CUSTOMER = {
    "first_name": "Drita",
    "last_name": "Kelmendi",
    "email": "drita.kelmendi@example.al",
    "phone": "+355692345678",
}
STREET = "Rr. Ismail Qemali, Nr. 27"
READY_SUBJECT = "Të dhënat tuaja te 3VFejzo janë gati për shkarkim"
DOWNLOAD_LINK = re.compile(r"https?://\S+/llogaria/te-dhenat/shkarko/[^/\s]+/")
FILE_NAME = re.compile(r"^3vfejzo-te-dhenat-\d{4}-\d{2}-\d{2}\.zip$")
WRONG_PASSWORD = "jo-ky-eshte-fjalekalimi"
# Django's own sign-in form: its Albanian catalogue says "Fjalëkalim".
PASSWORD_LABEL = re.compile(r"^Fjalëkalim(i)?:?$")


def sign_in(page: Page, live_server: Any, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the storefront's own form, as a customer does."""
    page.goto(live_server.url + "/llogaria/hyr/")
    fill_sign_in(page, email, password)
    expect(page.get_by_role("navigation", name="Llogaria", exact=True)).to_contain_text("Dil")


def fill_sign_in(page: Page, email: str, password: str) -> None:
    form = page.get_by_role("main")
    form.get_by_label(label("Email")).fill(email)
    form.get_by_label(PASSWORD_LABEL).fill(password)
    form.get_by_role("button", name="Hyr").click()


def page_text(page: Page) -> str:
    """Return the page's HTML once it has loaded completely, not while it still streams."""
    page.wait_for_load_state()
    return page.content()


def assert_audit_clean(page: Page) -> None:
    """The structural accessibility audit the storefront pages pass (e2e/test_accessibility)."""
    page.wait_for_load_state()
    assert page.evaluate(AUDIT) == [], page.url


def open_export_page(page: Page, live_server: Any) -> None:
    """Go from the profile page to the download page by its link, as the customer does."""
    page.goto(live_server.url + "/llogaria/")
    page.get_by_role("main").get_by_role("link", name="Shkarko të dhënat e mia").click()
    expect(page).to_have_url(re.compile(r"/llogaria/te-dhenat/shkarko/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Shkarko të dhënat e mia")


def ask_for_export(page: Page, password: str) -> None:
    page.get_by_label(label("Fjalëkalimi juaj")).fill(password)
    page.get_by_role("button", name="Përgatit skedarin").click()


@pytest.fixture
def export_dir(settings: Any, tmp_path: Path) -> Path:
    """Write the sealed ZIPs under the test's own directory, never under var/."""
    settings.DATA_EXPORT_DIR = tmp_path / "exports"
    return settings.DATA_EXPORT_DIR


@pytest.fixture
def drita(live_server: Any) -> User:
    """A customer with an address, whose name the download must carry."""
    user = UserFactory(**CUSTOMER)
    AddressFactory(user=user, street=STREET)
    return user


def test_p12_customer_downloads_their_data_from_the_mailed_link(
    open_page: PageOpener,
    live_server: Any,
    settings: Any,
    export_dir: Path,
    drita: User,
    wait_for_mail: MailWaiter,
    tmp_path: Path,
) -> None:
    # given: links in mail point at this server, and Drita is signed in
    settings.SITE_URL = live_server.url
    page = open_page()
    sign_in(page, live_server, CUSTOMER["email"])

    # when: she opens "Shkarko të dhënat e mia" from her profile
    open_export_page(page, live_server)

    # then: the page says what the file holds and asks for the password
    expect(page.get_by_role("heading", level=2, name="Çfarë përmban skedari")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("listitem").first).to_be_visible()
    assert_audit_clean(page)

    # when: she types a wrong password
    ask_for_export(page, WRONG_PASSWORD)

    # then: she is told in Albanian, and nothing is queued
    expect(page.get_by_role("main")).to_contain_text(
        "Fjalëkalimi nuk është i saktë. Nuk përgatitëm asnjë skedar."
    )
    expect(page.get_by_role("heading", level=2, name="Kërkesat tuaja të fundit")).to_have_count(0)
    assert not DataExport.objects.exists()
    assert not DBTaskResult.objects.exists()

    # when: she types the right one
    ask_for_export(page, TEST_PASSWORD)

    # then: she is told a mail will follow, and the request shows as being prepared
    expect(page).to_have_url(re.compile(r"/llogaria/te-dhenat/shkarko/$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Do t'ju dërgojmë një email kur skedari të jetë gati."
    )
    latest = page.get_by_role("table").locator("tbody").get_by_role("row")
    expect(latest).to_have_count(1)
    expect(latest).to_contain_text("Po përgatitet")
    export = DataExport.objects.get()
    assert (export.user_id, export.status) == (drita.pk, ExportStatus.QUEUED)

    # when: the worker builds it, the mail with the link arrives
    (ready,) = wait_for_mail(sent_to(CUSTOMER["email"], READY_SUBJECT))
    text, html = assert_well_formed(ready, CUSTOMER["email"])
    assert "Përshëndetje Drita" in text
    link = DOWNLOAD_LINK.search(text)
    assert link is not None, text
    assert link.group(0).startswith(live_server.url)
    assert f'href="{link.group(0)}"' in html, "the HTML part carries the same link"
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert export.downloaded_at is None
    # the file at rest is sealed: it names nobody and is no ZIP
    (stored,) = export_dir.iterdir()
    assert not stored.read_bytes().startswith(b"PK")
    assert CUSTOMER["last_name"].encode() not in stored.read_bytes()

    # and: the account page now says it is ready
    page.reload()
    expect(latest).to_contain_text("Gati: lidhja është në email-in tuaj")

    # when: she opens the mail (as a mail client shows it, outside the shop) and presses its button
    page.goto("about:blank")
    page.set_content(html)
    with page.expect_download() as started:
        page.get_by_role("link", name="Shkarko të dhënat e mia").click()
    download = started.value

    # then: the browser saves a ZIP with the JSON and the readable report, both hers
    assert download.failure() is None
    assert FILE_NAME.match(download.suggested_filename), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert archive.testzip() is None
        assert set(archive.namelist()) >= {JSON_NAME, REPORT_NAME}
        data = json.loads(archive.read(JSON_NAME))
        report = archive.read(REPORT_NAME).decode()
    flat = json.dumps(data, ensure_ascii=False)
    for value in (*CUSTOMER.values(), STREET):
        assert value in flat, value
    for value in (CUSTOMER["first_name"], CUSTOMER["last_name"], CUSTOMER["email"], STREET):
        assert value in report, value

    # and: the download is noted, and recorded as her own read of her data
    export.refresh_from_db()
    assert export.downloaded_at is not None
    assert AccessEntry.objects.filter(
        subject_id=drita.pk,
        action=AccessAction.EXPORT,
        actor_kind=ActorKind.CUSTOMER,
        reference=export.public_id,
    ).exists()

    # and: her account page says when she took it
    page.goto(live_server.url + "/llogaria/te-dhenat/shkarko/")
    expect(latest).to_contain_text("shkarkuar më")

    # when: another customer gets hold of the link and opens it, signed out at first
    other = UserFactory(first_name="Gëzim", last_name="Dervishi")
    stranger = open_page()
    stranger.goto(link.group(0))

    # then: they are asked to sign in, and signed in they get the page "not found"
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Hyni për të vazhduar")
    stranger.get_by_role("link", name="Hyr në llogari").click()
    expect(stranger).to_have_url(re.compile(r"/llogaria/hyr/\?next="))
    link_path = urlsplit(link.group(0)).path
    with stranger.expect_response(lambda r: urlsplit(r.url).path == link_path) as answered:
        fill_sign_in(stranger, other.email, TEST_PASSWORD)
    assert answered.value.status == 404
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Ky skedar nuk gjendet")
    content = page_text(stranger)
    for value in (*CUSTOMER.values(), STREET):
        assert value not in content, value
    assert_audit_clean(stranger)

    # and: opening it again gives the same page, and no read is recorded for them
    response = stranger.goto(link.group(0))
    assert response is not None and response.status == 404
    assert response.headers["cache-control"].startswith("max-age=0")
    assert not AccessEntry.objects.filter(actor=other).exists()
    assert (
        AccessEntry.objects.filter(subject_id=drita.pk, actor_kind=ActorKind.CUSTOMER).count() == 1
    )


def test_p12_download_request_works_without_javascript(
    open_page: PageOpener, live_server: Any, export_dir: Path, drita: User
) -> None:
    # given: Drita signed in with JavaScript off
    page = open_page(java_script_enabled=False)
    sign_in(page, live_server, CUSTOMER["email"])
    open_export_page(page, live_server)

    # when: she sends the form with a wrong password, then with hers
    ask_for_export(page, WRONG_PASSWORD)
    expect(page.get_by_role("main")).to_contain_text("Fjalëkalimi nuk është i saktë.")
    assert not DataExport.objects.exists()
    ask_for_export(page, TEST_PASSWORD)

    # then: the plain form queued one download
    expect(page.get_by_role("status")).to_contain_text("Do t'ju dërgojmë një email")
    export = DataExport.objects.get()
    assert (export.user_id, export.status) == (drita.pk, ExportStatus.QUEUED)
