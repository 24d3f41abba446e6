"""What the rights workflows keep about people: their downloads, requests and holds."""

from django.db.models import Q

from privacy.registry import Retention, declare
from rights.models import (
    DataExport,
    ErasedSubject,
    ErasureEvent,
    ErasureRequest,
    HoldKind,
    InactivityWarning,
    LegalHold,
)

# The rights a person used, and what the shop did about them: part of their download,
# kept after erasure as the proof the request was handled (they hold ids, not values).
declare(
    DataExport,
    subject="user",
    fields=[],
    # The file is the person's data; erasure and expiry delete the row, its key and file.
    erase_rows=True,
    row_retention=Retention.EXPORT_LINK,
)
# Kept, without personal values, as the proof a request was handled; staff write the
# reasons about the matter, for the person to read, and are told not to name anyone.
declare(
    ErasureRequest,
    subject="subject",
    fields=[],
    row_retention=Retention.REQUEST_RECORD,
    not_personal={"extension_reason": "Why the due date moved; mailed to the person."},
)
declare(ErasureEvent, subject="request__subject", fields=[], row_retention=Retention.REQUEST_RECORD)
declare(
    LegalHold,
    subject="subject",
    fields=[],
    row_retention=Retention.REQUEST_RECORD,
    # An authority's request may not be disclosed to the person it concerns (P11).
    withheld_from_download=Q(kind=HoldKind.LEGAL_REQUEST),
    not_personal={"reason": "The matter that keeps the data (a dispute, a repair)."},
)
declare(
    ErasedSubject,
    subject="user",
    fields=[],
    not_personal={"pseudonym": "Random letters that stand for an erased account."},
)
declare(InactivityWarning, subject="user", fields=[])
