from __future__ import annotations

import pytest

from core.testing import run_tasks
from mail.models import MailKind
from mail.services import mail_enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def maildir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "mail.backends.MaildirBackend"
    settings.EMAIL_MAILDIR = str(tmp_path / "mail")
    settings.MAIL_VIEWER_ENABLED = True
    return tmp_path / "mail"


def test_development_outbox_and_viewer_show_every_mail_sent(client, customer, maildir):
    mail_enqueue(
        kind=MailKind.WELCOME,
        to_address=customer.email,
        language="sq",
        recipient=customer,
        context={"first_name": customer.first_name},
    )
    run_tasks()
    listing = client.get("/_dev/mail/")
    assert listing.status_code == 200
    assert "Mirë se vini në 3VFejzo" in listing.content.decode()
    [key] = listing.context["mail_messages"]
    detail = client.get(f"/_dev/mail/{key['key']}/")
    assert customer.first_name in detail.content.decode()


def test_viewer_does_not_exist_outside_development(client, settings):
    settings.MAIL_VIEWER_ENABLED = False
    assert client.get("/_dev/mail/").status_code == 404
