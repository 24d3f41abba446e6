"""The support app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class SupportPermission(enum.StrEnum):
    VIEW_SUPPORT_CASE = "support.view_supportcase"
    ADD_SUPPORT_CASE = "support.add_supportcase"
    CHANGE_SUPPORT_CASE = "support.change_supportcase"


SUPPORT_HANDLE = [
    SupportPermission.VIEW_SUPPORT_CASE,
    SupportPermission.ADD_SUPPORT_CASE,
    SupportPermission.CHANGE_SUPPORT_CASE,
]

role_permissions_grant(
    {
        Role.CUSTOMER_CARE: SUPPORT_HANDLE,
        Role.DATA_PROTECTION_OFFICER: SUPPORT_HANDLE,
    }
)
