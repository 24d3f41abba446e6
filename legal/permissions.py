"""The legal register's permissions, by the full name `has_perm` takes, and who holds them.

The register is the data-protection officer's alone (P11); the services also check the
role itself, so a superuser without it is refused as any other staff member.
"""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class LegalPermission(enum.StrEnum):
    VIEW = "legal.view_legalrequest"
    ADD = "legal.add_legalrequest"
    # Declared on LegalRequest.Meta.permissions: decide and disclose.
    DECIDE = "legal.decide_legalrequest"


role_permissions_grant(
    {
        Role.DATA_PROTECTION_OFFICER: [
            LegalPermission.VIEW,
            LegalPermission.ADD,
            LegalPermission.DECIDE,
        ]
    }
)
