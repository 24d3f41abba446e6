"""Reads of the rights a person used."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from rights.models import DataExport


def data_exports_for(customer: Any) -> QuerySet[DataExport]:
    """Return this customer's downloads, newest first: only their own, whoever asks."""
    return DataExport.objects.filter(user_id=customer.pk)
