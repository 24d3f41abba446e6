"""Telling the data-protection officers (P5, P12)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from mail.models import MailKind
from mail.services import mail_enqueue
from privacy.models import AccessEntry
from privacy.roles import Role


def dpo_recipients(*, exclude_id: int | None = None) -> list[tuple[str, str, Any]]:
    """Return (address, language, account) for every data-protection officer.

    With no officer appointed (or the only one excluded), the address that always
    reaches someone stands in.
    """
    officers = list(
        User.objects.filter(
            is_active=True, is_staff=True, groups__name=Role.DATA_PROTECTION_OFFICER.value
        )
        .exclude(pk=exclude_id or 0)
        .distinct()
    )
    return [(officer.email, officer.language, officer) for officer in officers] or [
        (settings.FEJZO_DPO_FALLBACK_EMAIL, "sq", None)
    ]


def dpo_notify(*, kind: Any, context: dict[str, Any], exclude_id: int | None = None) -> int:
    """Mail every data-protection officer (or the fallback address), in this transaction."""
    recipients = dpo_recipients(exclude_id=exclude_id)
    for to_address, language, recipient in recipients:
        mail_enqueue(
            kind=kind,
            to_address=to_address,
            language=language,
            recipient=recipient,
            context=context,
        )
    return len(recipients)


def break_glass_notify_dpo(*, entry: AccessEntry) -> int:
    """Mail every data-protection officer about a break-glass reveal, in this transaction."""
    roles = ", ".join(str(Role(value).label) for value in entry.actor_label.split(",") if value)
    path = reverse("admin:privacy_accessentry_change", args=[entry.pk])
    context = {"entry": entry, "roles": roles, "entry_url": f"{settings.SITE_URL}{path}"}
    # The officer who broke the glass is not the one to tell.
    return dpo_notify(kind=MailKind.BREAK_GLASS, context=context, exclude_id=entry.actor_id)
