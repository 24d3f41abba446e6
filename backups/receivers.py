"""Receivers of the backups app."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.dispatch import receiver

from backups.journal import erased_now, journal_append
from rights.signals import erasure_completed

logger = logging.getLogger(__name__)


@receiver(erasure_completed)
def erasure_journal_write(
    sender: Any,
    *,
    subject_ids: list[int],
    pseudonyms: dict[int, str],
    cause: str,
    reference: str,
    completed_at: datetime,
    **kwargs: Any,
) -> None:
    """Write the committed erasure to the journal outside the database (P12).

    A line that cannot be written is logged, and written again from the database before
    the next backup (`journal_sync_from_database`).
    """
    try:
        journal_append(
            erased_now(
                subject_ids=subject_ids,
                pseudonyms=pseudonyms,
                cause=cause,
                reference=reference,
                at=completed_at,
            )
        )
    except OSError:
        logger.exception("The erasure journal could not be written; the next backup syncs it.")
