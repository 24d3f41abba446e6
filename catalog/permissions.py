"""The catalog app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class CatalogPermission(enum.StrEnum):
    VIEW_CATEGORY = "catalog.view_category"
    ADD_CATEGORY = "catalog.add_category"
    CHANGE_CATEGORY = "catalog.change_category"
    VIEW_BRAND = "catalog.view_brand"
    ADD_BRAND = "catalog.add_brand"
    CHANGE_BRAND = "catalog.change_brand"
    VIEW_PRODUCT = "catalog.view_product"
    ADD_PRODUCT = "catalog.add_product"
    CHANGE_PRODUCT = "catalog.change_product"
    DELETE_PRODUCT = "catalog.delete_product"


CATALOG_VIEW = [
    CatalogPermission.VIEW_CATEGORY,
    CatalogPermission.VIEW_BRAND,
    CatalogPermission.VIEW_PRODUCT,
]
CATALOG_EDIT = [
    *CATALOG_VIEW,
    CatalogPermission.ADD_CATEGORY,
    CatalogPermission.CHANGE_CATEGORY,
    CatalogPermission.ADD_BRAND,
    CatalogPermission.CHANGE_BRAND,
    CatalogPermission.ADD_PRODUCT,
    CatalogPermission.CHANGE_PRODUCT,
]

role_permissions_grant(
    {
        Role.CUSTOMER_CARE: CATALOG_VIEW,
        Role.SALES: CATALOG_EDIT,
        Role.MARKETING: CATALOG_EDIT,
        Role.ADMINISTRATOR: [*CATALOG_EDIT, CatalogPermission.DELETE_PRODUCT],
    }
)
