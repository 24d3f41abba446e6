"""Prometheus metrics: requests as the middleware counts them, and the shop's queues
computed from the database at scrape time. No label carries personal data (P6): a
request is labelled by its route's name, its method and its status class, never by its
path, query string, user or client; the queues by task name, state and campaign id.

Several gunicorn workers: each counts its own requests. With PROMETHEUS_MULTIPROC_DIR set
in the environment of every web process (an empty folder, emptied at each start of the
service), prometheus-client keeps the counts in files there and the scrape adds them up
across processes. The database-backed gauges are computed once per scrape by whichever
process answers it, so they need no such folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ops.models import MarkerKind
from ops.selectors import (
    campaign_progress,
    erasure_queue,
    markers_current,
    outbox_counts,
    outbox_summary,
    task_counts,
    task_oldest_due,
)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "fejzo_http_requests",
    "Requests answered, by route name, method and status class.",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "fejzo_http_request_duration_seconds",
    "Time to answer a request, by route name and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def method_label(method: str | None) -> str:
    """Return the method, or "other" for anything a client made up."""
    method = (method or "").upper()
    return method if method in METHODS else "other"


def request_observe(*, route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request."""
    REQUESTS.labels(route=route, method=method, status=f"{status // 100}xx").inc()
    REQUEST_SECONDS.labels(route=route, method=method).observe(seconds)


def _age(now: datetime, then: datetime | None) -> float:
    return max((now - then).total_seconds(), 0.0) if then is not None else 0.0


class ShopCollector(Collector):
    """Gauges read from the database when scraped: tasks, outbox, campaigns, erasure."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        tasks = GaugeMetricFamily(
            "fejzo_tasks",
            "Task runs queued (READY), running or failed, by task.",
            labels=["task", "status"],
        )
        for (task_path, status), count in sorted(task_counts().items()):
            tasks.add_metric([task_path, status.lower()], count)
        yield tasks
        yield GaugeMetricFamily(
            "fejzo_task_queue_lag_seconds",
            "How long the longest-waiting due task run has waited for a worker.",
            value=_age(now, task_oldest_due(now=now)),
        )
        outbox = GaugeMetricFamily(
            "fejzo_outbox_messages", "Outbox messages by state.", labels=["state"]
        )
        for state, count in sorted(outbox_counts().items()):
            outbox.add_metric([state], count)
        yield outbox
        summary = outbox_summary(now=now)
        yield GaugeMetricFamily(
            "fejzo_outbox_due_backlog",
            "Outbox messages due for over a minute and not delivered.",
            value=summary.due_backlog,
        )
        yield GaugeMetricFamily(
            "fejzo_outbox_oldest_unsent_age_seconds",
            "Age of the oldest message not yet delivered (0 when none).",
            value=_age(now, summary.oldest_unsent_at),
        )
        yield from self._campaigns()
        yield from self._erasure(now)
        yield from self._markers(now)

    @staticmethod
    def _campaigns() -> Iterator[Metric]:
        deliveries = GaugeMetricFamily(
            "fejzo_campaign_deliveries",
            "Deliveries of each campaign scheduled or sending, by state.",
            labels=["campaign", "state"],
        )
        total = GaugeMetricFamily(
            "fejzo_campaign_recipients",
            "Recipients of each campaign scheduled or sending.",
            labels=["campaign"],
        )
        for campaign_id, states in sorted(campaign_progress().items()):
            for state, count in sorted(states.items()):
                deliveries.add_metric([str(campaign_id), state], count)
            total.add_metric([str(campaign_id)], sum(states.values()))
        yield deliveries
        yield total

    @staticmethod
    def _erasure(now: datetime) -> Iterator[Metric]:
        count = GaugeMetricFamily(
            "fejzo_erasure_requests_open", "Open erasure requests, by state.", labels=["state"]
        )
        age = GaugeMetricFamily(
            "fejzo_erasure_oldest_open_age_seconds",
            "Age of the oldest open erasure request, by state (0 when none).",
            labels=["state"],
        )
        for state, (open_count, oldest) in sorted(erasure_queue().items()):
            count.add_metric([state], open_count)
            age.add_metric([state], _age(now, oldest))
        yield count
        yield age

    @staticmethod
    def _markers(now: datetime) -> Iterator[Metric]:
        markers = markers_current()
        heartbeat = markers.get(MarkerKind.WORKER_HEARTBEAT)
        chain = markers.get(MarkerKind.CHAIN_VERIFIED)
        if heartbeat is not None:
            yield GaugeMetricFamily(
                "fejzo_worker_heartbeat_age_seconds",
                "Time since a worker last stamped its heartbeat.",
                value=_age(now, heartbeat.at),
            )
        if chain is not None:
            yield GaugeMetricFamily(
                "fejzo_access_chain_intact",
                "1 when the last walk of the access record's chain found it intact.",
                value=1 if chain.ok else 0,
            )
            yield GaugeMetricFamily(
                "fejzo_access_chain_verified_age_seconds",
                "Time since the access record's chain was last walked.",
                value=_age(now, chain.at),
            )


def metrics_exposition() -> bytes:
    """Return the text exposition: this process's (or all processes') counters, then the
    gauges read from the database now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)  # type: ignore[no-untyped-call]
        counted = generate_latest(processes)
    else:
        counted = generate_latest(REGISTRY)
    shop = CollectorRegistry(auto_describe=False)
    shop.register(ShopCollector())
    return counted + generate_latest(shop)
