"""Fixtures of the privacy app's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts.models import User


@pytest.fixture(autouse=True)
def data_export_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Write downloads under the test's own directory, never under var/."""
    settings.DATA_EXPORT_DIR = tmp_path / "exports"
    return Path(settings.DATA_EXPORT_DIR)


@pytest.fixture
def fully_used_customer(db: None) -> User:
    """The demo customer who has used every feature (demo/fully_used.py)."""
    from importlib import import_module

    from django.apps import apps

    from demo.fully_used import seed_fully_used_customer
    from demo.seed import demo_seed

    # A transactional test starts from an emptied database: publish the policy her
    # cookie decision refers to again, as the migration did.
    import_module("policy.migrations.0002_publish_version_1").publish(apps, None)
    demo_seed()
    # Run again: the seed is idempotent, and this returns her account.
    return seed_fully_used_customer()
