"""Staff roles and what each may do; `roles_sync` makes the groups match.

The roles are the kernel's vocabulary (privacy.roles); each app grants its own
permissions to them in its permissions.py.
"""

from privacy.roles import ROLE_PERMISSIONS, Role, roles_label, staff_roles

__all__ = ["ROLE_PERMISSIONS", "Role", "roles_label", "staff_roles"]
