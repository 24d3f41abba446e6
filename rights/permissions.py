"""The rights app's permissions, by the full name `has_perm` takes, and the roles that hold them."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class ErasurePermission(enum.StrEnum):
    """Who may do what on the erasure pages; the views check these, not just the buttons."""

    VIEW = "rights.view_erasurerequest"
    # Declared on ErasureRequest.Meta.permissions: execute and extend a request.
    HANDLE = "rights.handle_erasurerequest"
    # Declared on ErasureRequest.Meta.permissions: register one told to staff.
    REGISTER = "rights.register_erasurerequest"
    VIEW_HOLDS = "rights.view_legalhold"
    PLACE_HOLD = "rights.add_legalhold"
    LIFT_HOLD = "rights.change_legalhold"


# P12: the erasure queue. Executing and extending need HANDLE; holds are placed and
# lifted from it.
ERASURE_HANDLE = [
    ErasurePermission.VIEW,
    ErasurePermission.HANDLE,
    ErasurePermission.REGISTER,
    ErasurePermission.VIEW_HOLDS,
    ErasurePermission.PLACE_HOLD,
    ErasurePermission.LIFT_HOLD,
]

role_permissions_grant(
    {
        # Registers an erasure request told by phone, in person or by email; the queue
        # itself is the data-protection officer's.
        Role.CUSTOMER_CARE: [ErasurePermission.REGISTER],
        Role.DATA_PROTECTION_OFFICER: ERASURE_HANDLE,
        # Sees the erasure deadlines, as the access record; executes nothing.
        Role.ADMINISTRATOR: [ErasurePermission.VIEW, ErasurePermission.VIEW_HOLDS],
    }
)
