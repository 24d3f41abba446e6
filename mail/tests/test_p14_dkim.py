"""Signed mail (issue 17): real messages through the real delivery paths, caught by a
real SMTP server and verified with dkimpy against the record `mail_dns` prints."""

from __future__ import annotations

import io
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import override_settings

from campaigns.services import campaign_start
from campaigns.tests.factories import CampaignFactory, subscribed_customer
from catalog.tests.factories import ProductFactory
from config.env import email_settings
from core.testing import CollectingHandler, SMTPServer, run_tasks
from mail.checks import (
    DKIM_BACKEND_CANNOT_SIGN,
    DKIM_DOMAIN_NOT_ALIGNED,
    DKIM_MISCONFIGURED,
    MAIL_DNS_MISCONFIGURED,
    check_dkim,
)
from mail.dkim import private_key_generate
from orders.tests.factories import place_order
from privacy.roles import Role
from staff.tests.factories import StaffFactory
from subscriptions.models import Topic

SELECTOR = "fejzo2026"

pytestmark = pytest.mark.django_db


class RawHandler(CollectingHandler):
    """Keep each message's bytes exactly as they arrived: a signature covers those."""

    def __init__(self) -> None:
        super().__init__()
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        with self.lock:
            self.raw.append(envelope.original_content or envelope.content)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp(settings) -> Iterator[RawHandler]:  # type: ignore[no-untyped-def]
    server = SMTPServer()
    handler = RawHandler()
    server.handler = handler
    server.controller.handler = handler
    server.start()
    for name, value in email_settings(server.url).items():
        setattr(settings, name, value)
    yield handler
    server.stop()


@pytest.fixture(scope="module")
def key_pem() -> bytes:
    return private_key_generate()


@pytest.fixture
def signing(settings, tmp_path: Path, key_pem: bytes) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "dkim.pem"
    path.write_bytes(key_pem)
    settings.FEJZO_DKIM_KEY_FILE = str(path)
    settings.FEJZO_DKIM_SELECTOR = SELECTOR
    return path


def _mail_dns(*args: str) -> str:
    out = io.StringIO()
    call_command("mail_dns", *args, stdout=out)
    return out.getvalue()


def _published(output: str) -> dict[str, str]:
    """Read the zone lines back: owner name -> TXT value, its strings joined."""
    records = {}
    for line in output.splitlines():
        if line.startswith(";") or not line.strip():
            continue
        name, _ttl, _class, kind, rest = line.split(" ", 4)
        assert kind == "TXT"
        strings = re.findall(r'"([^"]*)"', rest)
        assert all(len(string) <= 255 for string in strings)
        records[name] = "".join(strings)
    return records


def _dns_from_printed_record() -> Callable[..., bytes | None]:
    records = _published(_mail_dns())

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes | None:
        value = records.get(name.decode())
        return None if value is None else value.encode()

    return dnsfunc


def _signature_tags(raw: bytes) -> dict[str, str]:
    [signature] = [
        value for name, value in dkim.rfc822_parse(raw)[0] if name.lower() == b"dkim-signature"
    ]
    unfolded = re.sub(rb"\s+", b"", signature).decode()
    return dict(tag.split("=", 1) for tag in unfolded.split(";") if tag)


def _order_mail(smtp: RawHandler) -> bytes:
    place_order(customer=_customer(), quantities={ProductFactory(stock=3).pk: 1})
    run_tasks()
    [raw] = smtp.raw
    return raw


def _customer():  # type: ignore[no-untyped-def]
    from accounts.tests.factories import UserFactory

    return UserFactory(email="blerja@example.al")


def _campaign_mail(smtp: RawHandler) -> bytes:
    subscribed_customer([Topic.OFFERS], email="lexuesi@example.al")
    staff = StaffFactory(role=Role.MARKETING, trained=True)
    campaign_start(campaign=CampaignFactory(topic=Topic.OFFERS), actor=staff)
    run_tasks()
    [raw] = [raw for raw in smtp.raw if b"List-Unsubscribe:" in raw]
    return raw


def test_p14_order_confirmation_verifies_against_the_record_mail_dns_prints(smtp, signing):
    # when an order is placed and the outbox delivers its confirmation over SMTP
    raw = _order_mail(smtp)
    # then the one signature verifies against the published record
    assert raw.count(b"DKIM-Signature:") == 1
    assert dkim.verify(raw, dnsfunc=_dns_from_printed_record())
    tags = _signature_tags(raw)
    assert tags["a"] == "rsa-sha256"
    assert tags["c"] == "relaxed/relaxed"
    assert (tags["d"], tags["s"]) == ("3vfejzo.al", SELECTOR)
    assert "l" not in tags
    signed = tags["h"].lower().split(":")
    for header in ("from", "to", "subject", "date", "message-id", "mime-version"):
        assert header in signed
    assert "content-type" in signed


def test_p13_campaign_signature_covers_one_click_unsubscribe(smtp, signing):
    # when a campaign goes out through the campaigns' own SMTP writer
    raw = _campaign_mail(smtp)
    # then it is signed once, verifies, and h= covers both RFC 8058 headers
    assert raw.count(b"DKIM-Signature:") == 1
    assert dkim.verify(raw, dnsfunc=_dns_from_printed_record())
    tags = _signature_tags(raw)
    signed = tags["h"].lower().split(":")
    assert "list-unsubscribe" in signed and "list-unsubscribe-post" in signed
    for header in ("from", "to", "subject", "date", "message-id", "mime-version", "list-id"):
        assert header in signed
    assert "l" not in tags


def _replace_header(raw: bytes, name: bytes, value: bytes) -> bytes:
    changed, count = re.subn(
        rb"(?im)^(" + name + rb":)[^\r\n]*(\r\n[ \t][^\r\n]*)*", b"\\1 " + value, raw
    )
    assert count == 1
    return changed


def test_p13_list_unsubscribe_changed_after_signing_fails_verification(smtp, signing):
    raw = _campaign_mail(smtp)
    dnsfunc = _dns_from_printed_record()
    assert dkim.verify(raw, dnsfunc=dnsfunc)
    # a link pointed elsewhere, the one-click promise dropped, or a second link added
    elsewhere = _replace_header(raw, b"List-Unsubscribe", b"<https://evil.example/u>")
    no_one_click = _replace_header(raw, b"List-Unsubscribe-Post", b"List-Unsubscribe=Nothing")
    added = b"List-Unsubscribe: <https://evil.example/u>\r\n" + raw
    for tampered in (elsewhere, no_one_click, added):
        assert not dkim.verify(tampered, dnsfunc=dnsfunc)


def test_p14_subject_or_body_changed_after_signing_fails_verification(smtp, signing):
    raw = _order_mail(smtp)
    dnsfunc = _dns_from_printed_record()
    assert dkim.verify(raw, dnsfunc=dnsfunc)
    subject = _replace_header(raw, b"Subject", b"Paguani sot")
    appended = raw + b"Kliko ketu: https://evil.example/\r\n"
    second_from = b"From: Banka <info@evil.example>\r\n" + raw
    for tampered in (subject, appended, second_from):
        assert not dkim.verify(tampered, dnsfunc=dnsfunc)


def test_p14_a_record_for_another_key_does_not_verify(smtp, signing, settings, tmp_path):
    raw = _order_mail(smtp)
    other = tmp_path / "other.pem"
    other.write_bytes(private_key_generate())
    records = _published(_mail_dns("--key-file", str(other), "--selector", SELECTOR))

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes | None:
        value = records.get(name.decode())
        return None if value is None else value.encode()

    assert not dkim.verify(raw, dnsfunc=dnsfunc)


def test_p14_key_in_the_environment_signs_too(smtp, settings, key_pem):
    # given the PEM itself in the variable, line breaks written as \n (an env file)
    settings.FEJZO_DKIM_PRIVATE_KEY = key_pem.decode().replace("\n", "\\n")
    settings.FEJZO_DKIM_SELECTOR = SELECTOR
    raw = _order_mail(smtp)
    assert dkim.verify(raw, dnsfunc=_dns_from_printed_record())


def test_p14_without_a_key_nothing_is_signed_and_mail_still_flows(smtp, settings):
    assert not settings.FEJZO_DKIM_KEY_FILE and not settings.FEJZO_DKIM_PRIVATE_KEY
    raw = _order_mail(smtp)
    assert b"DKIM-Signature" not in raw
    assert check_dkim() == []
    output = _mail_dns()
    assert "no key is configured" in output
    assert "_domainkey" not in output


def test_p14_development_maildir_is_signed(settings, signing, tmp_path):
    settings.EMAIL_BACKEND = "mail.backends.MaildirBackend"
    settings.EMAIL_MAILDIR = str(tmp_path / "mail")
    place_order(customer=_customer(), quantities={ProductFactory(stock=1).pk: 1})
    run_tasks()
    [stored] = list((tmp_path / "mail" / "new").iterdir())
    raw = stored.read_bytes().replace(b"\n", b"\r\n")
    assert dkim.verify(raw, dnsfunc=_dns_from_printed_record())


def test_p14_mail_dns_prints_spf_and_dmarc_for_the_from_domain(settings, signing):
    settings.FEJZO_SPF_SENDERS = "203.0.113.10, include:mailgun.org 2001:db8::/32"
    settings.FEJZO_DMARC_POLICY = "reject"
    settings.FEJZO_DMARC_RUA = "raporte@3vfejzo.al"
    records = _published(_mail_dns())
    assert records["3vfejzo.al."] == (
        "v=spf1 ip4:203.0.113.10 include:mailgun.org ip6:2001:db8::/32 -all"
    )
    assert records["_dmarc.3vfejzo.al."] == ("v=DMARC1; p=reject; rua=mailto:raporte@3vfejzo.al")
    dkim_record = records[f"{SELECTOR}._domainkey.3vfejzo.al."]
    assert dkim_record.startswith("v=DKIM1; k=rsa; p=MII")


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("FEJZO_SPF_SENDERS", "mail.example.al", "is not a sending host"),
        ("FEJZO_SPF_SENDERS", "+all", "is not a sending host"),
        ("FEJZO_SPF_SENDERS", "ip4:2001:db8::1", "is not a sending host"),
        ("FEJZO_DMARC_POLICY", "none", "is not one of quarantine, reject"),
        ("FEJZO_DMARC_RUA", "a@b.al; p=none", "is not one email address"),
    ],
)
def test_p14_bad_dns_settings_are_refused_clearly(settings, setting, value, message):
    setattr(settings, setting, value)
    with pytest.raises(CommandError, match=message):
        _mail_dns()
    [error] = check_dkim()
    assert error.id == MAIL_DNS_MISCONFIGURED and message in error.msg


def _weak_pem() -> str:
    # The weak key the check must refuse.
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (
            {"FEJZO_DKIM_PRIVATE_KEY": "", "FEJZO_DKIM_KEY_FILE": "/nonexistent/dkim.pem"},
            "cannot be read",
        ),
        ({"FEJZO_DKIM_PRIVATE_KEY": "not a key"}, "not a PEM private key"),
        ({"FEJZO_DKIM_PRIVATE_KEY": _weak_pem()}, "1024 bits"),
        ({"FEJZO_DKIM_SELECTOR": ""}, "FEJZO_DKIM_SELECTOR is not set"),
        ({"FEJZO_DKIM_SELECTOR": "fejzo_2026!"}, "is not a DNS name"),
        ({"FEJZO_DKIM_DOMAIN": "not a domain"}, "is not a domain name"),
    ],
    ids=["unreadable-file", "not-pem", "weak-key", "no-selector", "bad-selector", "bad-domain"],
)
def test_p14_misconfigured_key_stops_start_up_not_a_send(settings, key_pem, wrong, message):
    # given a key in the environment, then one thing wrong with it
    settings.FEJZO_DKIM_PRIVATE_KEY = key_pem.decode()
    settings.FEJZO_DKIM_SELECTOR = SELECTOR
    settings.EMAIL_BACKEND = "mail.backends.SMTPBackend"
    for name, value in wrong.items():
        setattr(settings, name, value)
    # then the system check names it, and `manage.py check` refuses to go on
    [error] = check_dkim()
    assert error.id == DKIM_MISCONFIGURED and message in error.msg
    with pytest.raises(SystemCheckError, match=DKIM_MISCONFIGURED):
        call_command("check", tags=["security"], stdout=io.StringIO(), stderr=io.StringIO())


def test_p14_half_configurations_are_refused(settings, signing, key_pem):
    settings.FEJZO_DKIM_PRIVATE_KEY = key_pem.decode()
    [both] = check_dkim()
    assert both.id == DKIM_MISCONFIGURED and "keep one" in both.msg
    settings.FEJZO_DKIM_PRIVATE_KEY = ""
    settings.FEJZO_DKIM_KEY_FILE = ""
    [selector_only] = check_dkim()
    assert selector_only.id == DKIM_MISCONFIGURED and "no key is" in selector_only.msg


@pytest.mark.parametrize(
    "backend",
    ["django.core.mail.backends.locmem.EmailBackend", "anymail.backends.mailgun.EmailBackend"],
)
def test_p14_a_key_with_a_backend_that_cannot_sign_is_refused(settings, signing, backend):
    settings.EMAIL_BACKEND = backend
    [error] = check_dkim()
    assert error.id == DKIM_BACKEND_CANNOT_SIGN
    assert "ANYMAIL_ESP" in error.hint


@override_settings(DEFAULT_FROM_EMAIL="3VFejzo <no-reply@3vfejzo.al>")
def test_p14_signing_for_another_domain_is_warned(settings, signing):
    settings.EMAIL_BACKEND = "mail.backends.SMTPBackend"
    settings.FEJZO_DKIM_DOMAIN = "tjeter.example"
    [warning] = check_dkim()
    assert warning.id == DKIM_DOMAIN_NOT_ALIGNED
    settings.FEJZO_DKIM_DOMAIN = "mail.3vfejzo.al"
    assert check_dkim() == []


def test_p14_dkim_keygen_writes_a_private_file_whose_record_verifies(tmp_path, settings):
    path = tmp_path / "dkim-2027.pem"
    out = io.StringIO()
    call_command("dkim_keygen", str(path), "--selector", "fejzo2027", stdout=out)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    printed = _published(out.getvalue())
    assert list(printed) == ["fejzo2027._domainkey.3vfejzo.al."]
    # the printed record is the one mail_dns prints for that key
    assert _published(_mail_dns("--key-file", str(path), "--selector", "fejzo2027")).items() >= (
        printed.items()
    )
    # never overwritten
    before = path.read_bytes()
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("dkim_keygen", str(path), "--selector", "fejzo2027", stdout=io.StringIO())
    assert path.read_bytes() == before
    with pytest.raises(CommandError, match="2048 or more"):
        call_command("dkim_keygen", str(tmp_path / "x.pem"), "--selector", "s", "--bits", "1024")
    assert not (tmp_path / "x.pem").exists()
