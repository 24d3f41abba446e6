"""The search app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class SearchPermission(enum.StrEnum):
    VIEW_SYNONYM = "search.view_synonym"
    ADD_SYNONYM = "search.add_synonym"
    CHANGE_SYNONYM = "search.change_synonym"
    DELETE_SYNONYM = "search.delete_synonym"


SYNONYMS_EDIT = [
    SearchPermission.VIEW_SYNONYM,
    SearchPermission.ADD_SYNONYM,
    SearchPermission.CHANGE_SYNONYM,
    SearchPermission.DELETE_SYNONYM,
]

# Those who name the products also know what shoppers call them.
role_permissions_grant(
    {
        Role.SALES: SYNONYMS_EDIT,
        Role.MARKETING: SYNONYMS_EDIT,
        Role.ADMINISTRATOR: SYNONYMS_EDIT,
    }
)
