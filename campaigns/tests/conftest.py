from __future__ import annotations

import pytest

from privacy.roles import Role
from staff.tests.factories import StaffFactory


@pytest.fixture
def staff_user(db):  # type: ignore[no-untyped-def]
    return StaffFactory(role=Role.MARKETING, trained=True, email="marketing@3vfejzo.al")
