"""Fixtures of the breach register's tests (P14)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from privacy.audit import access_record
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.roles import Role
from staff.tests.factories import StaffFactory

PHONE = "accounts.User.phone"
EMAIL = "accounts.User.email"
STREET = "accounts.Address.street"


def staff_member(role: Role | None = None, **fields: Any) -> User:
    """A trained staff member whose own name (in the page header) is nobody's under test."""
    return StaffFactory(role=role, first_name="Punonjës", last_name="Zyre", **fields)


@pytest.fixture(autouse=True)
def breach_drill_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Keep drill reports under the test's own directory, never under var/."""
    settings.VAR_DIR = tmp_path
    settings.FEJZO_BREACH_DRILL_EMAIL = "ushtrime@3vfejzo.al"
    return tmp_path


@pytest.fixture
def dpo(db: None) -> User:
    return staff_member(Role.DATA_PROTECTION_OFFICER)


@pytest.fixture
def dpo_client(client: Client, dpo: User) -> Client:
    client.force_login(dpo)
    return client


@pytest.fixture
def reveal(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AccessEntry]:
    """Write an access-record entry at a chosen moment, as a staff page would."""

    def write(
        *,
        actor: User,
        subject: User,
        fields: Iterable[str],
        at: datetime,
        action: AccessAction = AccessAction.REVEAL,
    ) -> AccessEntry:
        with monkeypatch.context() as patched:
            patched.setattr(timezone, "now", lambda: at)
            return access_record(
                actor=actor,
                subject_id=subject.pk,
                action=action,
                fields=list(fields),
                basis=AccessBasis.ORDER,
                reference="3VF-2026-000001",
            )

    return write
