"""The policy app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class PolicyPermission(enum.StrEnum):
    VIEW_POLICY_VERSION = "policy.view_policyversion"
    ADD_POLICY_VERSION = "policy.add_policyversion"
    VIEW_POLICY_ACCEPTANCE = "policy.view_policyacceptance"


role_permissions_grant(
    {
        Role.DATA_PROTECTION_OFFICER: [
            PolicyPermission.VIEW_POLICY_VERSION,
            PolicyPermission.VIEW_POLICY_ACCEPTANCE,
        ],
        Role.ADMINISTRATOR: [
            PolicyPermission.VIEW_POLICY_VERSION,
            PolicyPermission.ADD_POLICY_VERSION,
        ],
    }
)
