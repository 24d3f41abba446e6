"""Receivers of the rights app."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from mail.models import MailKind
from rights.export import data_export_files_delete
from rights.export.build import data_export_failed_for_good
from rights.models import DataExport
from staff.services import dpo_notify


@receiver(post_delete, sender=DataExport)
def data_export_file_delete(sender: type[DataExport], instance: DataExport, **kwargs: Any) -> None:
    """Delete a download's file once the deletion of its row (expiry, erasure) commits.

    Not before: a deletion rolled back must not leave a ready download without its file.
    """
    export_id = instance.pk
    transaction.on_commit(lambda: data_export_files_delete(export_id=export_id))


@receiver(data_export_failed_for_good, sender=DataExport, dispatch_uid="rights.export_failed")
def officers_told_of_a_failed_export(
    sender: type[DataExport], export: DataExport, attempts: int, queue_url: str, **kwargs: Any
) -> None:
    """Mail the officers, in the failing transaction: numbers and a link, nothing personal."""
    dpo_notify(
        kind=MailKind.DATA_EXPORT_FAILED,
        context={
            "officer": True,
            "number": export.pk,
            "account_number": export.user_id,
            "requested_at": export.requested_at,
            "attempts": attempts,
            "queue_url": queue_url,
        },
    )
