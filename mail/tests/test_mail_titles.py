"""Every mail's HTML part has its subject as `<title>` (the W3C checker refuses an
empty one, and some clients show it)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from mail.models import MailKind
from mail.services import _render

TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)

# Enough of each mail's context for every template to render; the rest may stay empty.
SAMPLE: dict[str, Any] = {
    "first_name": "Arta",
    "valid_days": 7,
    "days": 7,
    "completed": True,
    "order": {"number": "3VF-2026-000123", "total": 127890, "vat_amount": 21315},
}


@pytest.mark.parametrize("kind", list(MailKind), ids=lambda kind: kind.value)
@pytest.mark.parametrize("language", ["sq", "en"])
def test_every_mail_has_its_subject_as_title(kind: MailKind, language: str) -> None:
    subject, _text, body = _render(kind, SAMPLE, language)
    found = TITLE.search(body)
    assert found is not None, f"{kind.value} has no <title>"
    title = " ".join(html.unescape(found.group(1)).split())
    assert title, f"{kind.value} has an empty <title>"
    assert title == subject
