"""Fixtures of the search tests; the small catalogue is catalog's."""

from __future__ import annotations

import pytest

from catalog.tests.conftest import Catalogue, catalogue  # noqa: F401  (a fixture)
from demo.seed import demo_seed

__all__ = ["Catalogue", "catalogue"]


@pytest.fixture
def demo_catalogue(db: None) -> None:
    """Seed the demo catalogue, as `make run` does (search documents included)."""
    demo_seed()
