"""The compliance app's permissions: its two documents are the data-protection officer's."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class CompliancePermission(enum.StrEnum):
    VIEW_RECORDS = "compliance.view_processingrecords"
    VIEW_REPORT = "compliance.view_compliancereport"


role_permissions_grant({Role.DATA_PROTECTION_OFFICER: list(CompliancePermission)})
