"""Fixtures of the legal register's tests: an officer, other roles, a clock, a request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from legal.models import LegalRequest
from legal.tests.factories import police_request_register
from privacy.roles import Role
from staff.tests.factories import StaffFactory


class Clock:
    """The time every `timezone.now()` reads, moved forward by the test."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moving = Clock()
    now: Callable[[], datetime] = lambda: moving.now  # noqa: E731
    monkeypatch.setattr(timezone, "now", now)
    return moving


@pytest.fixture
def officer(db: None) -> User:
    return StaffFactory(role=Role.DATA_PROTECTION_OFFICER)


@pytest.fixture
def register(officer: User) -> Callable[..., LegalRequest]:
    """Register a request about `people` (police, a month back, contact and identity)."""

    def registered(*, people: list[User], **changes: Any) -> LegalRequest:
        return police_request_register(people=people, **{"actor": officer, **changes})

    return registered
