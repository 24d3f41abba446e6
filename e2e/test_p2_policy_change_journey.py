"""The officer publishes version 2 of the privacy policy; a returning customer is told once (P2).

The real path: the officer's draft in the back office (second factor on), the
difference previewed against the version in force, publishing; the customer's next
page shows the notice, the page after records their acceptance; the archive lists
both versions with their dates and shows the difference; version 1 is still the
company's own text, byte for byte; the material change reaches the customer by mail.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from e2e.test_backoffice_order_page import sign_in_with_code
from e2e.test_p12_download_journey import sign_in
from policy.models import AcceptanceMethod, DocumentKind, PolicyAcceptance, PolicyVersion
from policy.services import policy_acceptance_record
from privacy.roles import Role
from staff.tests.factories import StaffFactory

if TYPE_CHECKING:
    from e2e.conftest import Catalogue, MailWaiter, PageOpener

pytestmark = pytest.mark.browser

# The company's text as the repository ships it (policy/tests/test_pages.py also checks
# it against the company's own file where that is at hand).
COMPANY_TEXT = Path(settings.BASE_DIR) / "policy" / "texts" / "privacy-v1.sq.txt"
NEW_PARAGRAPH = "Faturat e blerjeve i ruajmë për pesë vjet, siç kërkon ligji për tatimet."
SUMMARY = "Shtuam sa kohë i ruajmë faturat e blerjeve."
NOTICE = "Përditësuam politikat dhe kushtet tona"


def test_p2_officer_publishes_version_2_and_the_returning_customer_is_told_once(
    open_page: PageOpener,
    live_server: Any,
    catalogue: Catalogue,
    settings: Any,
    smtp_server: Any,
    wait_for_mail: MailWaiter,
) -> None:
    settings.FEJZO_STAFF_2FA = True
    # given a customer who accepted version 1 at registration, signed in before the change
    customer = UserFactory(email="besa.hoxha@example.al")
    for kind in DocumentKind:
        policy_acceptance_record(
            user=customer, kind=kind, version=1, language="sq", accepted_at=timezone.now()
        )
    shopper = open_page()
    sign_in(shopper, live_server, customer.email)
    expect(shopper.get_by_role("region", name=NOTICE)).to_have_count(0)

    # when the officer drafts version 2 from the text in force, previews it and publishes
    officer = open_page()
    sign_in_with_code(officer, live_server, StaffFactory(role=Role.DATA_PROTECTION_OFFICER))
    officer.goto(live_server.url + "/zyra/policy/policydraft/add/?kind=privacy")
    body = officer.locator("#id_body_sq")
    body.fill(
        body.input_value().replace(
            "PËRDORIMI I TË DHËNAVE", f"{NEW_PARAGRAPH}\n\nPËRDORIMI I TË DHËNAVE", 1
        )
    )
    officer.locator("#id_summary_sq").fill(SUMMARY)
    officer.locator('input[name="_continue"]').click()
    officer.get_by_role("link", name="Krahaso me versionin në fuqi dhe publiko").click()
    expect(officer.locator(".policy-diff ins").first).to_contain_text(NEW_PARAGRAPH)
    # the text's own date becomes the day it takes effect (P16), shown before publishing
    expect(officer.locator(".policy-diff del").filter(has_text="2021")).not_to_have_count(0)
    officer.get_by_label(re.compile("Ndryshim thelbësor")).check()
    officer.get_by_role("button", name="Publiko versionin e ri").click()
    expect(officer.locator(".messagelist")).to_contain_text("U publikua versioni 2")

    # then the returning customer sees the notice on their next page, with the summary
    shopper.goto(live_server.url + "/")
    notice = shopper.get_by_role("region", name=NOTICE)
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(SUMMARY)
    expect(notice.get_by_role("link", name=re.compile("Shikoni çfarë ndryshoi"))).to_have_attribute(
        "href", "/privatesia/versionet/krahaso/?dokumenti=privatesia&nga=1&deri=2"
    )
    assert not PolicyAcceptance.objects.filter(user=customer, version=2).exists()

    # and once only: the next page has none, and their acceptance of version 2 is recorded
    shopper.goto(live_server.url + "/produkte/")
    expect(shopper.get_by_role("heading", level=1)).to_be_visible()
    expect(shopper.get_by_role("region", name=NOTICE)).to_have_count(0)
    shopper.goto(live_server.url + "/")
    expect(shopper.get_by_role("region", name=NOTICE)).to_have_count(0)
    acceptance = PolicyAcceptance.objects.get(user=customer, kind=DocumentKind.PRIVACY, version=2)
    assert acceptance.method == AcceptanceMethod.CONTINUED_USE
    assert acceptance.notice_shown_at is not None

    # the archive lists both versions with their dates, and shows their difference
    shopper.goto(live_server.url + "/privatesia/versionet/")
    versions = shopper.get_by_role("region", name="Politika e privatësisë")
    expect(versions.get_by_role("row")).to_have_count(3)
    expect(versions).to_contain_text("1 Mars 2021")
    expect(versions.get_by_role("link", name="Versioni 2")).to_be_visible()
    versions.get_by_role("link", name="Krahaso versionin 1 me 2").click()
    added = shopper.locator(".policy-diff ins").filter(has_text=NEW_PARAGRAPH)
    expect(added).to_have_count(1)
    expect(added.locator(".diff-label")).to_contain_text("shtuar")
    shopper.goto(live_server.url + "/privatesia/versionet/privatesia/1/")
    expect(shopper.locator("article time").first).to_have_text("1 Mars 2021")

    # version 1 is still, byte for byte, the company's own text
    version_1 = PolicyVersion.objects.get(kind=DocumentKind.PRIVACY, version=1, language="sq")
    assert version_1.body == COMPANY_TEXT.read_text(encoding="utf-8")
    assert version_1.body.encode() == COMPANY_TEXT.read_bytes()

    # the material change reached the customer as a service notice
    [mail] = wait_for_mail(lambda messages: [m for m in messages if customer.email in m.recipients])
    assert SUMMARY in mail.part("plain")
    assert mail["List-Unsubscribe"] is None
