"""The staff app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class StaffPermission(enum.StrEnum):
    VIEW_TRAINING_RECORD = "staff.view_trainingrecord"
    ADD_TRAINING_RECORD = "staff.add_trainingrecord"
    CHANGE_TRAINING_RECORD = "staff.change_trainingrecord"


class GroupPermission(enum.StrEnum):
    """Django's auth app's, on the groups that hold the roles (privacy.roles)."""

    VIEW_GROUP = "auth.view_group"


role_permissions_grant(
    {
        Role.DATA_PROTECTION_OFFICER: [StaffPermission.VIEW_TRAINING_RECORD],
        Role.ADMINISTRATOR: [
            GroupPermission.VIEW_GROUP,
            StaffPermission.VIEW_TRAINING_RECORD,
            StaffPermission.ADD_TRAINING_RECORD,
            StaffPermission.CHANGE_TRAINING_RECORD,
        ],
    }
)
