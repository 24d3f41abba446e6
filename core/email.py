"""The one spelling of an email address, shared by every app that stores or looks one up."""

from __future__ import annotations


def normalise_email(email: str) -> str:
    """Return the one spelling of an address under which it is stored and looked up."""
    return email.strip().lower()
