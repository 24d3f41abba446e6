"""What the staff app does when a lower app tells it something happened."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from mail.models import MailKind
from rights.export.build import data_export_failed_for_good
from rights.models import DataExport
from staff.services import dpo_notify


@receiver(data_export_failed_for_good, sender=DataExport, dispatch_uid="staff.export_failed")
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
