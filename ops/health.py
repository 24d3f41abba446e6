"""The health checks (django-health-check): the database, every file storage, the worker's
heartbeat, the outbox and the last walk of the access record's chain (P6, P14).

They run one after another in the request's own thread, on its own database connection:
django-health-check's view runs them in threads of a fresh event loop, which would open
(and leave) a database connection a check for every poll. Everything they need from
the database is read up front in two queries (`HealthSnapshot`), so a poll costs three.
"""

from __future__ import annotations

import dataclasses
import logging
import timeit
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from health_check import Database, Storage
from health_check.base import HealthCheck, HealthCheckResult
from health_check.exceptions import HealthCheckException, ServiceUnavailable

from ops.models import Marker, MarkerKind
from ops.selectors import OutboxSummary, markers_current, outbox_summary

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class HealthSnapshot:
    """What the checks below read from the database, read once per poll."""

    now: datetime
    markers: dict[str, Marker]
    outbox: OutboxSummary

    @classmethod
    def read(cls, *, now: datetime | None = None) -> HealthSnapshot:
        now = now or timezone.now()
        return cls(now=now, markers=markers_current(), outbox=outbox_summary(now=now))


def _age(now: datetime, then: datetime) -> str:
    return f"{int((now - then).total_seconds())} s"


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """A worker stamped its heartbeat (ops.tasks.worker_heartbeat) recently enough."""

    snapshot: HealthSnapshot = dataclasses.field(repr=False)

    def run(self) -> None:
        marker = self.snapshot.markers.get(MarkerKind.WORKER_HEARTBEAT)
        if marker is None:
            raise ServiceUnavailable("no heartbeat yet: is a worker running, and jobs_ensure run?")
        stale_after = timedelta(seconds=settings.OPS_WORKER_STALE_SECONDS)
        if self.snapshot.now - marker.at > stale_after:
            raise ServiceUnavailable(f"last heartbeat {_age(self.snapshot.now, marker.at)} ago")


@dataclasses.dataclass
class OutboxBacklog(HealthCheck):
    """Not more than OPS_OUTBOX_BACKLOG_MAX messages are due and not delivered."""

    snapshot: HealthSnapshot = dataclasses.field(repr=False)

    def run(self) -> None:
        backlog = self.snapshot.outbox.due_backlog
        if backlog > settings.OPS_OUTBOX_BACKLOG_MAX:
            raise ServiceUnavailable(f"{backlog} messages due and not delivered")


@dataclasses.dataclass
class OutboxOldestUnsent(HealthCheck):
    """No message has waited to go out longer than OPS_OUTBOX_OLDEST_MAX_SECONDS."""

    snapshot: HealthSnapshot = dataclasses.field(repr=False)

    def run(self) -> None:
        oldest = self.snapshot.outbox.oldest_unsent_at
        limit = timedelta(seconds=settings.OPS_OUTBOX_OLDEST_MAX_SECONDS)
        if oldest is not None and self.snapshot.now - oldest > limit:
            raise ServiceUnavailable(
                f"oldest unsent message waiting {_age(self.snapshot.now, oldest)}"
            )


@dataclasses.dataclass
class ChainVerified(HealthCheck):
    """The last walk of the access record's chain found it intact, within the last ~26 h."""

    snapshot: HealthSnapshot = dataclasses.field(repr=False)

    def run(self) -> None:
        marker = self.snapshot.markers.get(MarkerKind.CHAIN_VERIFIED)
        if marker is None:
            raise ServiceUnavailable("the chain has not been verified yet")
        if not marker.ok:
            raise ServiceUnavailable(f"chain broken: {marker.problem}")
        if self.snapshot.now - marker.at > timedelta(hours=settings.OPS_CHAIN_VERIFIED_MAX_HOURS):
            raise ServiceUnavailable(f"last verified {_age(self.snapshot.now, marker.at)} ago")


def _storage_aliases() -> list[str]:
    """Every file storage the shop writes to: uploads, and the downloads where set apart."""
    return [alias for alias in settings.STORAGES if alias != "staticfiles"]


def health_checks_web() -> list[tuple[str, HealthCheck]]:
    """Return the checks of what this app server needs to serve: for the load balancer."""
    checks: list[tuple[str, HealthCheck]] = [("database", Database())]
    checks += [(f"storage_{alias}", Storage(alias=alias)) for alias in _storage_aliases()]
    return checks


def health_checks_all(*, now: datetime | None = None) -> list[tuple[str, HealthCheck]]:
    """Return every check: this server's, and the shop's background work and safeguards."""
    checks = health_checks_web()
    snapshot = HealthSnapshot.read(now=now)
    checks += [
        ("worker", WorkerHeartbeat(snapshot=snapshot)),
        ("outbox_backlog", OutboxBacklog(snapshot=snapshot)),
        ("outbox_oldest_unsent", OutboxOldestUnsent(snapshot=snapshot)),
        ("chain_verified", ChainVerified(snapshot=snapshot)),
    ]
    return checks


@dataclasses.dataclass(frozen=True)
class NamedResult:
    name: str
    result: HealthCheckResult

    @property
    def ok(self) -> bool:
        return self.result.error is None

    @property
    def message(self) -> str:
        return "" if self.result.error is None else str(self.result.error)


def health_run(checks: list[tuple[str, HealthCheck]]) -> list[NamedResult]:
    """Run the checks in this thread, one after another; an unexpected error is a failure."""
    results = []
    for name, check in checks:
        start = timeit.default_timer()
        error: HealthCheckException | None = None
        try:
            check.run()  # type: ignore[unused-coroutine]
        except HealthCheckException as exc:
            error = exc
        except Exception:
            # Its message could carry anything; the log keeps the type and frames only.
            logger.exception("health check raised", extra={"check": name})
            error = HealthCheckException("unknown error")
        if error is not None:
            logger.warning("health check failed", extra={"check": name})
        elapsed = timeit.default_timer() - start
        results.append(NamedResult(name, HealthCheckResult(check, error, elapsed)))
    return results
