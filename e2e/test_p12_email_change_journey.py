"""A customer changes the address they sign in with, confirmed from the new mailbox (P12).

The whole path is the real one: the form on the profile page, the link mailed over
SMTP to the new address and the notices to the old one, the link's page that changes
nothing until its button is pressed, and signing in with the new address.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import EmailChange, User
from accounts.tests.factories import UserFactory
from conftest import TEST_PASSWORD
from e2e.test_p12_download_journey import (
    WRONG_PASSWORD,
    assert_audit_clean,
    fill_sign_in,
    page_text,
    sign_in,
)
from e2e.test_shopping_journey import assert_well_formed, label, sent_to
from privacy.masking import mask_email

if TYPE_CHECKING:
    from e2e.conftest import MailWaiter, PageOpener

pytestmark = pytest.mark.browser

OLD_EMAIL = "besnik.leka@example.al"
NEW_EMAIL = "besnik.leka@posta.al"
CONFIRM_SUBJECT = "Konfirmoni adresën e re të llogarisë suaj te 3VFejzo"
ASKED_SUBJECT = "Kërkesë për të ndryshuar email-in e llogarisë suaj te 3VFejzo"
CHANGED_SUBJECT = "Email-i i llogarisë suaj te 3VFejzo u ndryshua"
CONFIRM_LINK = re.compile(r"https?://\S+/llogaria/email/konfirmo/[^/\s]+/")


@pytest.fixture
def besnik(live_server: Any) -> User:
    return UserFactory(first_name="Besnik", last_name="Leka", email=OLD_EMAIL)


def ask_for_change(page: Page, live_server: Any, password: str) -> None:
    """Fill "Ndrysho email-in" on the profile page and send it."""
    if not page.url.endswith("/llogaria/"):
        page.goto(live_server.url + "/llogaria/")
    section = page.get_by_role("region", name="Ndrysho email-in")
    section.get_by_label(label("Email-i i ri")).fill(NEW_EMAIL)
    section.get_by_label(label("Fjalëkalimi aktual")).fill(password)
    section.get_by_role("button", name="Dërgo lidhjen e konfirmimit").click()


def confirmation_link(wait_for_mail: MailWaiter, live_server: Any) -> str:
    (confirmation,) = wait_for_mail(sent_to(NEW_EMAIL, CONFIRM_SUBJECT))
    text, html = assert_well_formed(confirmation, NEW_EMAIL)
    link = CONFIRM_LINK.search(text)
    assert link is not None, text
    assert link.group(0).startswith(live_server.url)
    assert f'href="{link.group(0)}"' in html, "the HTML part carries the same link"
    return link.group(0)


def test_p12_customer_changes_email_confirms_from_the_new_mailbox_and_signs_in_with_it(
    open_page: PageOpener,
    live_server: Any,
    settings: Any,
    besnik: User,
    wait_for_mail: MailWaiter,
) -> None:
    # given: links in mail point at this server, and Besnik is signed in
    settings.SITE_URL = live_server.url
    page = open_page()
    sign_in(page, live_server, OLD_EMAIL)

    # when: he asks for the new address with a wrong password
    ask_for_change(page, live_server, WRONG_PASSWORD)

    # then: he is told in Albanian, and nothing is asked of anyone
    expect(page.get_by_role("heading", level=1)).to_have_text("Ndrysho email-in")
    expect(page.get_by_role("main")).to_contain_text(
        "Fjalëkalimi nuk është i saktë. Email-i nuk ndryshoi dhe nuk u dërgua asgjë."
    )
    assert not EmailChange.objects.exists()

    # when: he asks again from the profile, with his password
    ask_for_change(page, live_server, TEST_PASSWORD)

    # then: the profile says a link went to the new address, and the account is unchanged
    expect(page).to_have_url(re.compile(r"/llogaria/#email$"))
    expect(page.get_by_role("status").first).to_contain_text(
        "Ju dërguam një lidhje në adresën e re."
    )
    expect(page.get_by_role("region", name="Ndrysho email-in")).to_contain_text(
        f"Pritet konfirmimi i adresës së re {NEW_EMAIL}"
    )
    assert_audit_clean(page)
    besnik.refresh_from_db()
    assert besnik.email == OLD_EMAIL

    # and: the new mailbox gets the link, the old one a notice naming the new one masked
    link = confirmation_link(wait_for_mail, live_server)
    (asked,) = wait_for_mail(sent_to(OLD_EMAIL, ASKED_SUBJECT))
    asked_text, _html = assert_well_formed(asked, OLD_EMAIL)
    assert mask_email(NEW_EMAIL) in asked_text
    assert NEW_EMAIL not in asked_text
    assert not CONFIRM_LINK.search(asked_text), "the link goes to the new address only"

    # when: he opens the link (a GET, as a mail scanner would too)
    page.goto(link)

    # then: a page with a button shows him, the owner, the new address; nothing changed
    expect(page.get_by_role("heading", level=1)).to_have_text("Konfirmoni adresën e re")
    expect(page.get_by_role("main")).to_contain_text(NEW_EMAIL)
    assert_audit_clean(page)
    besnik.refresh_from_db()
    assert besnik.email == OLD_EMAIL

    # when: he presses the button
    page.get_by_role("button", name="Konfirmo adresën e re").click()

    # then: back on the profile, the account's address is the new one
    expect(page).to_have_url(re.compile(r"/llogaria/#email$"))
    expect(page.get_by_role("status").first).to_contain_text(
        "Email-i i llogarisë u ndryshua. Nga tani hyni me adresën e re."
    )
    expect(page.get_by_role("main")).to_contain_text(f"Email: {NEW_EMAIL}")
    besnik.refresh_from_db()
    assert besnik.email == NEW_EMAIL
    assert besnik.email_verified

    # and: the old address is told it is done
    (changed,) = wait_for_mail(sent_to(OLD_EMAIL, CHANGED_SUBJECT))
    changed_text, _html = assert_well_formed(changed, OLD_EMAIL)
    assert mask_email(NEW_EMAIL) in changed_text

    # when: he signs out, and tries the old address
    page.get_by_role("navigation", name="Llogaria", exact=True).get_by_role(
        "button", name="Dil"
    ).click()
    page.goto(live_server.url + "/llogaria/hyr/")
    fill_sign_in(page, OLD_EMAIL, TEST_PASSWORD)

    # then: it no longer signs him in
    expect(page.get_by_role("main")).to_contain_text("Email-i ose fjalëkalimi nuk është i saktë.")

    # when: he signs in with the new one
    sign_in(page, live_server, NEW_EMAIL)

    # then: he is in his own account
    page.goto(live_server.url + "/llogaria/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Përshëndetje, Besnik")
    expect(page.get_by_role("main")).to_contain_text(f"Email: {NEW_EMAIL}")


def test_p12_email_change_link_opened_signed_out_masks_the_address_and_works_once(
    open_page: PageOpener,
    live_server: Any,
    settings: Any,
    besnik: User,
    wait_for_mail: MailWaiter,
) -> None:
    # given: Besnik asked for the change, and opens the link on another device, signed out
    settings.SITE_URL = live_server.url
    page = open_page()
    sign_in(page, live_server, OLD_EMAIL)
    ask_for_change(page, live_server, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/llogaria/#email$"))
    link = confirmation_link(wait_for_mail, live_server)
    phone = open_page(java_script_enabled=False)

    # when: he opens it there
    phone.goto(link)

    # then: whoever holds the link sees the new address masked only
    expect(phone.get_by_role("heading", level=1)).to_have_text("Konfirmoni adresën e re")
    expect(phone.get_by_role("main")).to_contain_text(mask_email(NEW_EMAIL))
    assert NEW_EMAIL not in page_text(phone)

    # when: he presses the button
    phone.get_by_role("button", name="Konfirmo adresën e re").click()

    # then: the change is done, and the page still names the address masked
    expect(phone.get_by_role("heading", level=1)).to_have_text("Adresa e re u konfirmua")
    expect(phone.get_by_role("status")).to_contain_text(mask_email(NEW_EMAIL))
    assert NEW_EMAIL not in page_text(phone)
    besnik.refresh_from_db()
    assert besnik.email == NEW_EMAIL

    # when: the link is opened again
    response = phone.goto(link)

    # then: it is refused, and nothing changes
    assert response is not None and response.status == 400
    expect(phone.get_by_role("heading", level=1)).to_have_text("Email-i nuk u ndryshua")
    besnik.refresh_from_db()
    assert besnik.email == NEW_EMAIL

    # and: the new address signs him in from that device
    phone.get_by_role("navigation", name="Llogaria", exact=True).get_by_role(
        "link", name="Hyr"
    ).click()
    fill_sign_in(phone, NEW_EMAIL, TEST_PASSWORD)
    expect(phone.get_by_role("navigation", name="Llogaria", exact=True)).to_contain_text("Dil")
