"""The mail app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class MailPermission(enum.StrEnum):
    VIEW_OUTBOX_MESSAGE = "mail.view_outboxmessage"


role_permissions_grant(
    {
        Role.DATA_PROTECTION_OFFICER: [MailPermission.VIEW_OUTBOX_MESSAGE],
        Role.ADMINISTRATOR: [MailPermission.VIEW_OUTBOX_MESSAGE],
    }
)
