"""P6, P14: /_metrics/ is for the monitor only, counts requests by route name and the
shop's queues from the database, and no label carries anything of a customer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from campaigns.models import Campaign, CampaignStatus, Delivery, DeliveryState
from core.testing import run_tasks
from ops.tests.conftest import OUTSIDE
from ops.tests.journey import CLIENT_IP, customer_journey, personal_values
from rights.models import ErasureRequest, ErasureState
from subscriptions.models import Subscriber, Topic

pytestmark = pytest.mark.django_db

METRICS = "/_metrics/"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _scrape(client: Client, **extra: str) -> str:
    response = client.get(METRICS, **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


@pytest.mark.parametrize(
    "headers",
    [
        OUTSIDE,
        {**OUTSIDE, "HTTP_AUTHORIZATION": "Bearer not-the-token-but-as-long-as-it-000000"},
        {**OUTSIDE, "HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"},
        {"HTTP_X_FORWARDED_FOR": "203.0.113.9"},  # loopback, but through the proxy
        {"HTTP_X_REAL_IP": "127.0.0.1"},
    ],
)
def test_p6_metrics_are_refused_to_anyone_else(client, ops_token, headers):
    response = client.get(METRICS, **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"fejzo_" not in response.content


def test_p6_metrics_without_a_token_set_are_refused_from_outside(client, settings):
    settings.FEJZO_OPS_TOKEN = ""
    assert client.get(METRICS, HTTP_AUTHORIZATION="Bearer ", **OUTSIDE).status_code == 401


def test_p14_the_monitor_token_or_loopback_reads_the_metrics(client, ops_token):
    assert "fejzo_outbox_messages" in _scrape(
        client, HTTP_AUTHORIZATION=f"Bearer {ops_token}", **OUTSIDE
    )
    assert "fejzo_outbox_messages" in _scrape(client)


def test_p6_requests_are_counted_by_route_name_never_by_path(client):
    # given: a page with an id and a query string, one that does not exist, a static file
    client.get("/llogaria/adresat/4242/ndrysho/?q=sekret")
    client.get("/nuk-ekziston-4242/?email=x")
    client.get("/shporta/")
    # when
    text = _scrape(client)
    samples = _samples(text)
    # then
    routes = {
        dict(labels).get("route") for _name, labels in samples if _name.startswith("fejzo_http")
    }
    assert {"accounts:address_edit", "unmatched", "cart:detail"} <= routes
    # In no label (a value such as a byte count may hold any digits).
    labels = " ".join(value for _name, pairs in samples for _label, value in pairs)
    assert "4242" not in labels
    assert "sekret" not in text
    key = (
        "fejzo_http_requests_total",
        (("method", "GET"), ("route", "cart:detail"), ("status", "2xx")),
    )
    assert samples[key] >= 1


def test_p14_queues_are_read_from_the_database(client, customer):
    # given: a campaign half sent, an erasure request waiting two days, a task queued
    campaign = Campaign.objects.create(
        name="Vjeshta",
        topic=Topic.OFFERS,
        subject_sq="s",
        body_sq="b",
        status=CampaignStatus.SENDING,
    )
    for n, state in enumerate([DeliveryState.SENT, DeliveryState.SENT, DeliveryState.QUEUED]):
        subscriber = Subscriber.objects.create(email=f"abonent{n}@example.al")
        Delivery.objects.create(campaign=campaign, subscriber=subscriber, state=state)
    ErasureRequest.objects.create(
        subject=customer,
        channel="account",
        state=ErasureState.VERIFIED,
        received_at=timezone.now() - timedelta(days=2),
        due_at=timezone.now() + timedelta(days=28),
    )
    # when
    samples = _samples(_scrape(client))
    # then
    cid = str(campaign.pk)
    assert samples[("fejzo_campaign_deliveries", (("campaign", cid), ("state", "sent")))] == 2
    assert samples[("fejzo_campaign_deliveries", (("campaign", cid), ("state", "queued")))] == 1
    assert samples[("fejzo_campaign_recipients", (("campaign", cid),))] == 3
    assert samples[("fejzo_erasure_requests_open", (("state", "verified"),))] == 1
    age = samples[("fejzo_erasure_oldest_open_age_seconds", (("state", "verified"),))]
    assert 2 * 86400 - 60 < age < 2 * 86400 + 60
    assert samples[("fejzo_erasure_requests_open", (("state", "awaiting_confirmation"),))] == 0


@pytest.mark.django_db(transaction=True)
def test_p6_no_label_carries_a_customer_s_data_after_her_journey(product):
    # given: registration, sign-in, an address, an order, erasure asked and confirmed
    client = Client(REMOTE_ADDR=CLIENT_IP)
    user = customer_journey(client, product)
    needles = personal_values(user)
    # when: her mail is in the outbox and the tasks, then delivered
    before = _scrape(Client())
    run_tasks()
    after = _scrape(Client())
    # then: her mail was counted as queued, by task name only
    queued = ("fejzo_tasks", (("status", "ready"), ("task", "mail.tasks.deliver_outbox_message")))
    assert _samples(before)[queued] >= 3
    assert {user.email, user.phone} <= needles  # read through the registry
    for text in (before, after):
        assert sorted(needle for needle in needles if needle.lower() in text.lower()) == []
        assert re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text) == []
        assert CLIENT_IP not in text
    outbox = _samples(after)
    assert outbox[("fejzo_outbox_messages", (("state", "sent"),))] >= 3
