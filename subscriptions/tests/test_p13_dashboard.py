"""The DPO's landing page: marketing opt-ins and opt-outs per week (P8, P13)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from privacy.roles import Role
from staff.tests.factories import StaffFactory
from subscriptions.models import Channel, SubscriptionAction, SubscriptionEvent, Topic
from subscriptions.selectors import subscription_changes_by_week
from subscriptions.tests.factories import SubscriberFactory, SubscriptionEventFactory

pytestmark = pytest.mark.django_db

INDEX = "/zyra/"
PANEL = "subscriptions-opt-outs"
TIRANA = timezone.get_default_timezone()


def _event(at: datetime, action: SubscriptionAction, **fields: object) -> SubscriptionEvent:
    event = SubscriptionEventFactory(action=action, **fields)
    # `at` is stamped on creation; the history's past is written here.
    SubscriptionEvent.objects.filter(pk=event.pk).update(at=at)
    return event


def _panel(client: Client, role: Role) -> str:
    client.force_login(StaffFactory(role=role))
    html = client.get(INDEX).content.decode()
    found = re.search(rf'<section [^>]*data-panel="{PANEL}">.*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_p13_opt_ins_and_opt_outs_are_counted_per_week():
    today = date(2026, 5, 13)
    this_week = datetime(2026, 5, 12, 10, 0, tzinfo=TIRANA)
    subscriber = SubscriberFactory()
    _event(this_week, SubscriptionAction.SUBSCRIBED, subscriber=subscriber)
    _event(this_week, SubscriptionAction.SUBSCRIBED, subscriber=subscriber, topic=Topic.OFFERS)
    _event(this_week, SubscriptionAction.UNSUBSCRIBED, channel=Channel.ONE_CLICK)
    _event(this_week, SubscriptionAction.UNSUBSCRIBED, channel=Channel.PHONE)
    # an erased subscriber's history stays, and still counts
    _event(this_week - timedelta(days=7), SubscriptionAction.UNSUBSCRIBED, subscriber=None)
    # not a choice of the person's: confirmations and suppressions are not counted
    _event(this_week, SubscriptionAction.CONFIRMED)
    _event(this_week, SubscriptionAction.SUPPRESSED, channel=Channel.BOUNCE)
    _event(this_week - timedelta(weeks=13), SubscriptionAction.UNSUBSCRIBED)

    weeks = subscription_changes_by_week(today=today, weeks=12)

    assert [week.week for week in weeks][-2:] == [date(2026, 5, 4), date(2026, 5, 11)]
    this, last = weeks[-1], weeks[-2]
    assert (this.opt_ins, this.opt_outs, this.opt_outs_told_staff) == (2, 2, 1)
    assert (last.opt_ins, last.opt_outs, last.opt_outs_told_staff) == (0, 1, 0)
    assert sum(week.opt_outs for week in weeks) == 3


def test_p13_the_officer_sees_the_chart_with_its_numbers_as_text(client):
    now = timezone.now()
    _event(now, SubscriptionAction.SUBSCRIBED)
    _event(now, SubscriptionAction.UNSUBSCRIBED, channel=Channel.IN_PERSON)
    panel = _panel(client, Role.DATA_PROTECTION_OFFICER)
    figure = re.search(r'<figure class="dashboard-series-chart".*?</figure>', panel, re.S)
    assert figure is not None
    assert '<title id="chart-subscriptions-opt-outs-title">' in figure.group(0)
    assert '<desc id="chart-subscriptions-opt-outs-summary">' in figure.group(0)
    rows = re.findall(r'<tr><th scope="row">[\d.–]+</th>(.*?)</tr>', figure.group(0))
    assert len(rows) == 12
    assert re.findall(r"<td>(.*?)</td>", rows[-1]) == ["1", "1", "1"]
    # counts only: no subscriber's address or link
    for subscriber in SubscriptionEvent.objects.values_list("subscriber__public_id", flat=True):
        assert subscriber not in panel


@pytest.mark.parametrize("role", [Role.CUSTOMER_CARE, Role.SALES, Role.MARKETING])
def test_p13_other_roles_do_not_see_the_opt_out_chart(client, role):
    _event(timezone.now(), SubscriptionAction.UNSUBSCRIBED)
    assert _panel(client, role) == ""
