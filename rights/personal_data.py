"""What the rights workflows keep about people: their downloads, requests and holds.

These models came from the privacy app (ADR 0005); the download keeps calling their rows
by their former names (`download_key`).
"""

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.pages import private_section
from privacy.registry import Retention, declare
from privacy.retention import Schedule, retention_schedule
from rights.export import data_exports_expire
from rights.inactivity.services import inactive_accounts_erase
from rights.models import (
    DataExport,
    ErasedSubject,
    ErasureEvent,
    ErasureRequest,
    ErasureState,
    HoldKind,
    InactivityWarning,
    LegalHold,
)

# The rights a person used, and what the shop did about them: part of their download,
# kept after erasure as the proof the request was handled (they hold ids, not values).
declare(
    DataExport,
    download_title=_("Shkarkimet e të dhënave që keni kërkuar"),
    download_key="privacy.DataExport",
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
    download_title=_("Kërkesat tuaja për fshirje"),
    download_key="privacy.ErasureRequest",
    subject="subject",
    fields=[],
    row_retention=Retention.REQUEST_RECORD,
    not_personal={"extension_reason": "Why the due date moved; mailed to the person."},
)
declare(
    ErasureEvent,
    download_title=_("Çfarë ndodhi me kërkesat tuaja për fshirje"),
    download_key="privacy.ErasureEvent",
    subject="request__subject",
    fields=[],
    row_retention=Retention.REQUEST_RECORD,
)
declare(
    LegalHold,
    download_title=_("Të dhënat që ligji na detyron t'i ruajmë"),
    download_key="privacy.LegalHold",
    subject="subject",
    fields=[],
    row_retention=Retention.REQUEST_RECORD,
    # An authority's request may not be disclosed to the person it concerns (P11).
    withheld_from_download=Q(kind=HoldKind.LEGAL_REQUEST),
    not_personal={"reason": "The matter that keeps the data (a dispute, a repair)."},
)
declare(
    ErasedSubject,
    download_title=_("Shënimi që të dhënat tuaja janë fshirë"),
    download_key="privacy.ErasedSubject",
    subject="user",
    fields=[],
    not_personal={"pseudonym": "Random letters that stand for an erased account."},
)
declare(
    InactivityWarning,
    download_title=_("Njoftimet që llogaria juaj nuk po përdorej"),
    download_key="privacy.InactivityWarning",
    subject="user",
    fields=[],
)


def _downloads_end(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    # Not ended_by: a run that finds no expired download still removes files no
    # download owns any more (a build that died half-way).
    selected = data_exports_expire(now=now, dry_run=True)
    if dry_run:
        return selected, 0
    return selected, data_exports_expire(now=now)


def _accounts_end(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    outcome = inactive_accounts_erase(now=now, dry_run=dry_run)
    return outcome.due, outcome.erased


retention_schedule(
    Schedule(
        Retention.ACCOUNT_LIFETIME,
        "ACCOUNT_INACTIVE_YEARS",
        "years",
        "Customer accounts with no sign-in for this long are erased; the customer is "
        "mailed ACCOUNT_INACTIVE_WARNING_DAYS before, and one sign-in keeps the account.",
        apply=_accounts_end,
    )
)
retention_schedule(
    Schedule(
        Retention.EXPORT_LINK,
        "DATA_EXPORT_LINK_DAYS",
        "days",
        "The download file and its key are deleted when the link expires.",
        apply=_downloads_end,
    )
)
retention_schedule(
    Schedule(
        Retention.REQUEST_RECORD,
        "REQUEST_RECORD_RETENTION_YEARS",
        "years",
        "Completed or lapsed erasure requests (with their history) and lifted legal "
        "holds are deleted.",
        rows=lambda period: [
            ErasureRequest.objects.filter(
                Q(state=ErasureState.COMPLETED, completed_at__lt=period.cutoff)
                | Q(state=ErasureState.LAPSED, received_at__lt=period.cutoff)
            ),
            LegalHold.objects.filter(lifted_at__lt=period.cutoff),
        ],
    )
)

# The download, erasure and access-record pages sit under the account.
private_section(
    "rights",
    title="Llogaria",
    root="accounts:profile",
    unlisted=(("rights:export_request", {}), ("rights:erasure_request", {})),
)
