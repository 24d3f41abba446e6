"""P9: support conversations, end to end in the browser.

(a) A customer opens a case from the account with a photo; its owner answers in the back
office and asks an expert in; the expert reads the case and sees the photo; a marketing
colleague who opens the case's address is refused.
(b) A mail to info@, posted to the webhook as Mailgun posts it, becomes a case in the
back office; the owner answers; the answer is delivered by mail, and the customer's
reply to that mail (a real message naming it) joins the same case.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from core.tests.images import phone_photo_jpeg
from e2e.test_backoffice_order_page import sign_in_with_code
from e2e.test_p12_download_journey import sign_in
from privacy.roles import Role
from staff.tests.factories import StaffFactory
from support.models import CaseAttachment, SupportCase
from support.services import case_save
from support.tests.mailgun import SIGNING_KEY, customer_mail, reply_to, signed_fields

if TYPE_CHECKING:
    from email.message import EmailMessage

    from e2e.conftest import MailWaiter, PageOpener

pytestmark = pytest.mark.browser

SECRET = "Lavatriçja rrjedh ujë nga dera e përparme sa herë që lan"
ANSWER = "Tekniku vjen të enjten pas dite; mbani garancinë gati."
REASON = "Tekniku i lavatriçeve duhet të vlerësojë rrjedhjen"
REPLY = "Faleminderit, e enjtja pas dite më shkon mirë."
WEBHOOK = "/ndihma/email/mailgun/"


@pytest.fixture
def support_desk(live_server: Any, settings: Any) -> dict[str, Any]:
    settings.FEJZO_STAFF_2FA = True
    settings.SUPPORT_INBOUND_SIGNING_KEY = SIGNING_KEY
    return {
        "lead": StaffFactory(role=Role.CUSTOMER_CARE),
        "owner": StaffFactory(role=Role.CUSTOMER_CARE, first_name="Elira", last_name="Kola"),
        "expert": StaffFactory(role=Role.CUSTOMER_CARE, first_name="Genti", last_name="Dema"),
        "marketing": StaffFactory(role=Role.MARKETING),
    }


def _case_page(live_server: Any, case: SupportCase) -> str:
    return f"{live_server.url}/zyra/support/supportcase/{case.pk}/change/"


def _save(page: Page) -> None:
    page.locator('input[name="_continue"]').click()
    expect(page.locator(".messagelist .success").first).to_be_visible()


def test_p9_a_case_from_the_account_answered_read_by_an_expert_refused_to_marketing(
    live_server: Any, open_page: PageOpener, support_desk: dict[str, Any]
) -> None:
    # given a customer who opens a case from her account, with a photo of the leak
    customer = UserFactory(first_name="Drita", last_name="Kelmendi")
    page = open_page()
    sign_in(page, live_server, customer.email)
    page.goto(live_server.url + "/llogaria/ndihma/e-re/")
    page.get_by_label("Për çfarë bëhet fjalë?").fill("Lavatriçja rrjedh")
    page.get_by_label("Mesazhi juaj").fill(SECRET)
    page.get_by_label("Fotografi (opsionale)").set_input_files(
        {"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": phone_photo_jpeg()}
    )
    page.get_by_role("button", name="Dërgoni kërkesën").click()
    expect(page.get_by_role("main")).to_contain_text(SECRET)
    expect(page.get_by_role("img", name="Fotografia 1 e mesazhit")).to_be_visible()
    case = SupportCase.objects.get(customer=customer)
    case.assigned_to = support_desk["owner"]
    case_save(case=case, changed=["assigned_to"], actor=support_desk["lead"])

    # when its owner answers in the back office and asks an expert in
    office = open_page()
    sign_in_with_code(office, live_server, support_desk["owner"])
    office.goto(_case_page(live_server, case))
    expect(office.locator("#content-main")).to_contain_text(SECRET)
    office.locator("#id_reply").fill(ANSWER)
    office.locator("#id_invite_expert").select_option(str(support_desk["expert"].pk))
    office.locator("#id_invite_reason").fill(REASON)
    _save(office)
    expect(office.locator("#content-main")).to_contain_text(ANSWER)

    # then the expert finds the case in their list, reads it and sees the photo
    expert = open_page()
    sign_in_with_code(expert, live_server, support_desk["expert"])
    expert.goto(live_server.url + "/zyra/support/supportcase/eksperti/")
    expert.get_by_role("link", name=str(case)).click()
    expect(expert.locator("#content")).to_contain_text(SECRET)
    photo = expert.get_by_role("img", name="Fotografia 1 e mesazhit")
    expect(photo).to_be_visible()
    assert photo.evaluate("image => image.naturalWidth") > 0

    # and marketing, at the same addresses, is refused and sees nothing of it
    marketing = open_page()
    sign_in_with_code(marketing, live_server, support_desk["marketing"])
    attachment = CaseAttachment.objects.get(case=case)
    for path in (
        f"/zyra/support/supportcase/{case.pk}/change/",
        f"/zyra/support/supportcase/{case.pk}/eksperti/",
        f"/zyra/support/supportcase/{case.pk}/foto/{attachment.pk}/",
    ):
        response = marketing.goto(live_server.url + path)
        assert response is not None and response.status == 403, path
        assert SECRET not in marketing.content()

    # and the customer reads the answer in her account
    page.reload()
    expect(page.get_by_role("main")).to_contain_text(ANSWER)


def _post_mail(page: Page, live_server: Any, message: EmailMessage) -> None:
    """Post a real message to the webhook as Mailgun's route does (raw MIME, signed)."""
    response = page.request.post(
        live_server.url + WEBHOOK,
        multipart={
            "recipient": "info@3vfejzo.al",
            "sender": str(message["From"]).rsplit("<", 1)[-1].rstrip(">"),
            "from": str(message["From"]),
            "subject": str(message["Subject"]),
            "body-mime": message.as_string(),
            **signed_fields(),
        },
    )
    assert response.status == 200, response.text()


def test_p9_a_mail_to_info_becomes_a_case_and_the_reply_by_mail_joins_it(
    live_server: Any,
    open_page: PageOpener,
    support_desk: dict[str, Any],
    wait_for_mail: MailWaiter,
) -> None:
    sender = ("Besa Leka", "besa.leka@example.al")
    office = open_page()

    # given a mail to info@ from someone without an account
    _post_mail(office, live_server, customer_mail(sender=sender, text=SECRET))

    # when the owner finds it in the back office, takes it and answers
    sign_in_with_code(office, live_server, support_desk["owner"])
    office.goto(live_server.url + "/zyra/support/supportcase/")
    office.get_by_role("link", name=re.compile(r"^#\d+$")).first.click()
    expect(office.locator("#content-main")).to_contain_text("Merreni në ngarkim")
    expect(office.locator("#content-main")).not_to_contain_text(SECRET)
    office.locator("#id_assigned_to").select_option(str(support_desk["owner"].pk))
    _save(office)
    expect(office.locator("#content-main")).to_contain_text(SECRET)
    expect(office.locator("#content-main")).to_contain_text(sender[1])
    office.locator("#id_reply").fill(ANSWER)
    _save(office)

    # then the answer reaches her mailbox, naming the case
    [answer] = wait_for_mail(lambda received: [m for m in received if sender[1] in m.recipients])
    assert ANSWER in answer.part("plain")
    assert answer["Reply-To"] == "info@3vfejzo.al"

    # and her reply from her mail program joins the same case
    _post_mail(office, live_server, reply_to(str(answer["Message-ID"]), sender=sender, text=REPLY))
    office.reload()
    expect(office.locator("#content-main")).to_contain_text(REPLY)
    assert SupportCase.objects.count() == 1
    assert "shkroi:" not in office.locator("#content-main").inner_text()
