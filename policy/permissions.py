"""The policy app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class PolicyPermission(enum.StrEnum):
    VIEW_POLICY_VERSION = "policy.view_policyversion"
    VIEW_POLICY_ACCEPTANCE = "policy.view_policyacceptance"
    VIEW_POLICY_DRAFT = "policy.view_policydraft"
    ADD_POLICY_DRAFT = "policy.add_policydraft"
    CHANGE_POLICY_DRAFT = "policy.change_policydraft"
    PUBLISH_POLICY_DRAFT = "policy.publish_policydraft"


# Versions are made only by publishing a draft (policy_publish), never added by hand;
# only the data-protection officer writes and publishes them (P2).
role_permissions_grant(
    {
        Role.DATA_PROTECTION_OFFICER: [
            PolicyPermission.VIEW_POLICY_VERSION,
            PolicyPermission.VIEW_POLICY_ACCEPTANCE,
            PolicyPermission.VIEW_POLICY_DRAFT,
            PolicyPermission.ADD_POLICY_DRAFT,
            PolicyPermission.CHANGE_POLICY_DRAFT,
            PolicyPermission.PUBLISH_POLICY_DRAFT,
        ],
        Role.ADMINISTRATOR: [PolicyPermission.VIEW_POLICY_VERSION],
    }
)
