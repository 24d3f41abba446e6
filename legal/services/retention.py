"""The end of the legal register's rows (P8, P11): deleted with their sealed files."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from legal.files import sealed_files_delete_on_commit
from legal.models import DisclosurePackage, LegalDocument, LegalRequest, RequestOutcome
from privacy.retention import YEAR


def _expired(now: datetime) -> QuerySet[LegalRequest]:
    cutoff = now - settings.LEGAL_REQUEST_RETENTION_YEARS * YEAR
    return LegalRequest.objects.filter(
        Q(decided_at__lt=cutoff) | Q(outcome=RequestOutcome.PENDING, registered_at__lt=cutoff)
    ).exclude(notice_withheld_until__gt=timezone.localdate(now))


def legal_requests_expire(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the requests past their retention, their documents and package; return how many.

    A request whose notice is still withheld stays until the person has been told. The
    files go once the deletion commits.
    """
    now = now or timezone.now()
    expired = _expired(now)
    count = expired.count()
    if dry_run or not count:
        return count
    with transaction.atomic():
        ids = list(expired.values_list("pk", flat=True))
        names = [
            *LegalDocument.objects.filter(request_id__in=ids).values_list(
                "storage_name", flat=True
            ),
            *DisclosurePackage.objects.filter(request_id__in=ids).values_list(
                "storage_name", flat=True
            ),
        ]
        LegalRequest.objects.filter(pk__in=ids).delete()
        sealed_files_delete_on_commit(names)
    return count
