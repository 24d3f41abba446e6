"""The catalogue fixture of the catalog app's tests, shared with these."""

from catalog.tests.conftest import catalogue

__all__ = ["catalogue"]
