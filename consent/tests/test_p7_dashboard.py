"""The DPO's landing page: cookie consent per week, as a chart drawn on our own server (P7)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from django.test import Client
from django.utils import timezone

from consent.models import ConsentDecision, DecisionAction, DecisionChannel
from consent.selectors import consent_decisions_by_week
from privacy.roles import Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

INDEX = "/zyra/"
PANEL = "consent-rates"
TIRANA = timezone.get_default_timezone()


def _decide(
    at: datetime,
    *,
    analytics: bool,
    personalisation: bool,
    action: DecisionAction = DecisionAction.CHOOSE,
    consent_id: str = "a" * 32,
) -> ConsentDecision:
    return ConsentDecision.objects.create(
        consent_id=consent_id,
        action=action,
        channel=DecisionChannel.BANNER,
        analytics=analytics,
        personalisation=personalisation,
        banner_revision=1,
        policy_version=1,
        decided_at=at,
    )


def _panel(client: Client, role: Role) -> str:
    client.force_login(StaffFactory(role=role))
    html = client.get(INDEX).content.decode()
    found = re.search(rf'<section [^>]*data-panel="{PANEL}">.*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_p7_decisions_are_counted_per_week_in_tirana_time():
    # given: Wednesday 13 May 2026; its week began on Monday 11 May
    today = date(2026, 5, 13)
    # Monday 00:30 in Tirana is still Sunday in UTC: it belongs to the new week
    _decide(datetime(2026, 5, 11, 0, 30, tzinfo=TIRANA), analytics=True, personalisation=True)
    _decide(datetime(2026, 5, 12, 9, 0, tzinfo=TIRANA), analytics=True, personalisation=False)
    _decide(datetime(2026, 5, 12, 9, 5, tzinfo=TIRANA), analytics=False, personalisation=False)
    # signing in links the same choice to the account: not a new decision
    _decide(
        datetime(2026, 5, 12, 9, 6, tzinfo=TIRANA),
        analytics=False,
        personalisation=False,
        action=DecisionAction.LINK_ACCOUNT,
    )
    _decide(datetime(2026, 5, 10, 23, 30, tzinfo=TIRANA), analytics=False, personalisation=True)
    # thirteen weeks back: outside the chart
    _decide(datetime(2026, 2, 15, 12, 0, tzinfo=TIRANA), analytics=True, personalisation=True)

    # when
    weeks = consent_decisions_by_week(today=today, weeks=12)

    # then
    assert len(weeks) == 12
    assert weeks[0].week == date(2026, 2, 23) and weeks[-1].week == date(2026, 5, 11)
    this, last = weeks[-1], weeks[-2]
    assert (this.decisions, this.analytics, this.personalisation, this.refused) == (3, 2, 1, 1)
    assert (last.decisions, last.analytics, last.personalisation, last.refused) == (1, 0, 1, 0)
    assert sum(week.decisions for week in weeks) == 4


def test_p7_the_officer_sees_the_rates_as_an_inline_svg_with_its_numbers_as_text(client):
    now = timezone.now()
    for analytics in (True, True, True, False):
        _decide(now, analytics=analytics, personalisation=False, consent_id="b" * 32)
    panel = _panel(client, Role.DATA_PROTECTION_OFFICER)

    chart = re.search(r'<figure class="dashboard-series-chart".*?</figure>', panel, re.S)
    assert chart is not None
    figure = chart.group(0)
    assert re.search(r'<svg role="img" aria-labelledby="chart-consent-rates-title"', figure)
    assert '<title id="chart-consent-rates-title">' in figure
    assert '<desc id="chart-consent-rates-summary">' in figure
    # a bar per week and series, each naming its week, series and value
    bars = re.findall(r'<rect class="dashboard-series-(solid|hatched)" [^>]*><title>', figure)
    assert len(bars) == 24 and bars[:2] == ["solid", "hatched"]
    assert "Lejuan analitikën 75%" in figure
    rows = re.findall(r'<tr><th scope="row">([\d.–]+)</th>(.*?)</tr>', figure)
    assert len(rows) == 12
    assert re.findall(r"<td>(.*?)</td>", rows[-1][1]) == ["4", "3 (75%)", "0 (0%)", "1 (25%)"]
    assert re.findall(r"<td>(.*?)</td>", rows[0][1]) == ["0", "0", "0", "0"]
    # drawn here, from our own origin: no script, no file from elsewhere
    assert "<script" not in figure
    assert "http" not in figure.replace('xmlns="http://www.w3.org/2000/svg"', "")
    # counts only: no browser's consent number
    assert "b" * 8 not in panel


@pytest.mark.parametrize("role", [Role.CUSTOMER_CARE, Role.SALES, Role.MARKETING])
def test_p7_other_roles_do_not_see_the_consent_chart(client, role):
    _decide(timezone.now(), analytics=True, personalisation=True)
    assert _panel(client, role) == ""
