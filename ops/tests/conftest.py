from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from catalog.tests.factories import ProductFactory

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}
TOKEN = "t" * 40  # noqa: S105 - the tests' own


@pytest.fixture
def ops_token(settings):  # type: ignore[no-untyped-def]
    settings.FEJZO_OPS_TOKEN = TOKEN
    return TOKEN


@pytest.fixture
def product(db):  # type: ignore[no-untyped-def]
    """A product to order; and the published policy registration asks to accept, which a
    transactional test earlier in the run emptied with the migrations' other rows."""
    import_module("policy.migrations.0002_publish_version_1").publish(apps, None)
    return ProductFactory(stock=5, price=49_990)
