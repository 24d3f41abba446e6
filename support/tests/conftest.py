"""Fixtures of the support app's tests: the people around a case, and the inbound door."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from privacy.roles import Role
from staff.tests.factories import StaffFactory
from support.services import PHOTO_FOLDER
from support.tests.mailgun import SIGNING_KEY


@pytest.fixture(autouse=True)
def inbound_signing_key(settings):  # type: ignore[no-untyped-def]
    """Mailgun's webhook signing key, as production sets SUPPORT_INBOUND_SIGNING_KEY."""
    settings.SUPPORT_INBOUND_SIGNING_KEY = SIGNING_KEY
    return SIGNING_KEY


@pytest.fixture
def lead():  # type: ignore[no-untyped-def]
    """The customer-care lead who hands cases out."""
    return StaffFactory(role=Role.CUSTOMER_CARE)


@pytest.fixture
def owner():  # type: ignore[no-untyped-def]
    return StaffFactory(role=Role.CUSTOMER_CARE)


@pytest.fixture
def expert():  # type: ignore[no-untyped-def]
    """A colleague who knows washing machines."""
    return StaffFactory(role=Role.CUSTOMER_CARE)


def stored_photos() -> set[str]:
    """Return the names of the case photos in the storage."""
    try:
        _folders, files = default_storage.listdir(PHOTO_FOLDER)
    except FileNotFoundError:
        return set()
    return {f"{PHOTO_FOLDER}{name}" for name in files}
