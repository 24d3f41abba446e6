"""Whole-lek amounts with VAT included, as Albanian shops show prices."""

from __future__ import annotations

from django.conf import settings


def vat_included(gross: int) -> int:
    """Return the VAT part of a VAT-inclusive whole-lek amount, rounded to the lek."""
    rate = settings.VAT_RATE_PERCENT
    return round(gross * rate / (100 + rate))


def format_lek(amount: int) -> str:
    """Format 129999 as "129 999 L", the way prices are written in Albania."""
    digits = f"{amount:,}".replace(",", "\u00a0")
    return f"{digits}\u00a0L"
