"""The consent app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class ConsentPermission(enum.StrEnum):
    VIEW_CONSENT_DECISION = "consent.view_consentdecision"
    # Declared on ConsentDecision.Meta.permissions; the export checks the role too (P7).
    EXPORT = "consent.export_consentdecision"


role_permissions_grant(
    {
        Role.DATA_PROTECTION_OFFICER: [
            ConsentPermission.VIEW_CONSENT_DECISION,
            # P7: the officer's alone; the export checks the role too (consent.services),
            # so neither a superuser nor a direct grant of this permission exports without it.
            ConsentPermission.EXPORT,
        ],
    }
)
