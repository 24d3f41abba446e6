"""The contractor API's permissions, by the full name `has_perm` takes (P10)."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class ApiTokenPermission(enum.StrEnum):
    VIEW = "contractor_api.view_apitoken"
    ISSUE = "contractor_api.add_apitoken"
    ROTATE = "contractor_api.rotate_apitoken"
    REVOKE = "contractor_api.revoke_apitoken"


# A key gives a company's system power over customers' data: the DPO's and the
# administrators' to give and take back, nobody else's.
role_permissions_grant(
    {
        Role.DATA_PROTECTION_OFFICER: list(ApiTokenPermission),
        Role.ADMINISTRATOR: list(ApiTokenPermission),
    }
)
