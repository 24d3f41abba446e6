"""The published policy shows its own date (P16): the one its text states, in every language."""

from __future__ import annotations

import re
from datetime import date

import pytest

from policy.models import DocumentKind, PolicyVersion

pytestmark = pytest.mark.django_db

ALBANIAN_MONTHS = [
    "Janar",
    "Shkurt",
    "Mars",
    "Prill",
    "Maj",
    "Qershor",
    "Korrik",
    "Gusht",
    "Shtator",
    "Tetor",
    "Nëntor",
    "Dhjetor",
]


def stated_date(body: str) -> date:
    """Return the date under the text's own heading DATA E PËRDITËSIMIT."""
    match = re.search(r"DATA E PËRDITËSIMIT\s+(\d{1,2}) (\w+) (\d{4})\s*$", body)
    assert match, "the text states no date of its own"
    day, month, year = match.groups()
    return date(int(year), ALBANIAN_MONTHS.index(month) + 1, int(day))


def test_p16_the_recorded_date_is_the_one_the_company_text_states():
    version = PolicyVersion.objects.get(kind=DocumentKind.PRIVACY, version=1, language="sq")
    assert stated_date(version.body) == version.effective_date == date(2021, 3, 1)


@pytest.mark.parametrize("path", ["/privatesia/", "/en/privatesia/"])
def test_p16_the_policy_page_shows_the_date_of_the_version_it_shows(client, path):
    body = client.get(path).content.decode()
    current = PolicyVersion.objects.filter(kind=DocumentKind.PRIVACY, language="sq").latest(
        "version"
    )
    assert f'<time datetime="{current.effective_date.isoformat()}">' in body
