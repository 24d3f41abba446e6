"""Receivers of the rights app."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from rights.export import data_export_files_delete
from rights.models import DataExport


@receiver(post_delete, sender=DataExport)
def data_export_file_delete(sender: type[DataExport], instance: DataExport, **kwargs: Any) -> None:
    """Delete a download's file once the deletion of its row (expiry, erasure) commits.

    Not before: a deletion rolled back must not leave a ready download without its file.
    """
    export_id = instance.pk
    transaction.on_commit(lambda: data_export_files_delete(export_id=export_id))
