"""The officers' daily digest of purposes staff made for themselves (P5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mail.models import MailKind
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.roles import Role
from staff.models import OwnPurposeDigest
from staff.services.officers import dpo_notify


@dataclass(frozen=True)
class OwnPurposeLine:
    at: Any
    purpose: str
    subject_id: int | None
    reason: str


@dataclass(frozen=True)
class OwnPurposeGroup:
    staff: str
    roles: str
    lines: list[OwnPurposeLine]


def _staff_heading(entry: AccessEntry) -> tuple[str, str]:
    roles = ", ".join(str(Role(value).label) for value in entry.actor_label.split(",") if value)
    actor = entry.actor
    name = actor.get_full_name() if actor is not None else ""
    return f"{name} (#{entry.actor_id})" if name else f"#{entry.actor_id}", roles


def own_purposes_digest_send(*, day: date) -> int:
    """Mail the officers one day's self-made purposes, by staff member, once; return the count.

    The digest row and the mail are written in one transaction: a run that crashes
    sends nothing, and a second run for the same day sends nothing again.
    """
    start = timezone.make_aware(datetime.combine(day, time.min))
    entries = list(
        AccessEntry.objects.filter(
            action=AccessAction.OWN_PURPOSE, at__gte=start, at__lt=start + timedelta(days=1)
        )
        .select_related("actor")
        .order_by("actor_id", "id")
    )
    with transaction.atomic():
        digest, created = OwnPurposeDigest.objects.get_or_create(
            day=day, defaults={"entries": len(entries)}
        )
        if not created or not entries:
            return 0
        groups: dict[int | None, OwnPurposeGroup] = {}
        for entry in entries:
            if entry.actor_id not in groups:
                staff, roles = _staff_heading(entry)
                groups[entry.actor_id] = OwnPurposeGroup(staff, roles, [])
            basis = AccessBasis(entry.basis).label
            groups[entry.actor_id].lines.append(
                OwnPurposeLine(
                    entry.at, f"{basis} {entry.reference}", entry.subject_id, entry.reason
                )
            )
        path = reverse("admin:privacy_accessentry_changelist")
        dpo_notify(
            kind=MailKind.OWN_PURPOSE_DIGEST,
            context={
                "day": day,
                "count": len(entries),
                "groups": list(groups.values()),
                "record_url": f"{settings.SITE_URL}{path}?action__exact={AccessAction.OWN_PURPOSE}",
            },
        )
    return len(entries)


def own_purposes_digests_send(*, today: date, catch_up_days: int = 7) -> int:
    """Send the digest of every finished day not sent yet, up to `catch_up_days` back.

    A day the worker was down is sent the next time it runs, not lost.
    """
    last = OwnPurposeDigest.objects.order_by("-day").values_list("day", flat=True).first()
    next_unsent = last + timedelta(days=1) if last is not None else today - timedelta(days=1)
    first = max(today - timedelta(days=catch_up_days), next_unsent)
    days = (first + timedelta(days=offset) for offset in range((today - first).days))
    return sum(own_purposes_digest_send(day=day) for day in days)
