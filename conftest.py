"""Fixtures every app's tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory

TEST_PASSWORD = "fjalekalim-i-sigurt-42"  # noqa: S105


@pytest.fixture(autouse=True)
def _albanian() -> Iterator[None]:
    """Start every test in Albanian: a request to /en/ leaves English active in the thread."""
    with translation.override("sq"):
        yield


@pytest.fixture
def customer(db: None) -> User:
    return UserFactory()


@pytest.fixture
def other_customer(db: None) -> User:
    return UserFactory()


@pytest.fixture
def customer_client(client, customer):  # type: ignore[no-untyped-def]
    client.force_login(customer)
    return client


@pytest.fixture
def customer_address(customer):  # type: ignore[no-untyped-def]
    return AddressFactory(user=customer)


@pytest.fixture
def smtp_server(settings):  # type: ignore[no-untyped-def]
    """A real SMTP server (aiosmtpd) the site delivers to during the test."""
    from config.env import email_settings
    from core.testing import SMTPServer

    server = SMTPServer().start()
    for name, value in email_settings(server.url).items():
        setattr(settings, name, value)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Give each test an empty cache: the test database is rolled back, the cache is not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def s3_server() -> Iterator[str]:
    """A real S3-compatible server (moto, its own process) with an empty bucket; its URL."""
    from core.testing.s3 import s3_server as server

    with server() as endpoint_url:
        yield endpoint_url
