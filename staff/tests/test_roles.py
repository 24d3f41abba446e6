from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group

from privacy.roles import ROLE_PERMISSIONS, Role
from staff.admin_base import PersonalDataAdmin
from staff.services import roles_sync

pytestmark = pytest.mark.django_db


def test_one_group_per_role_with_exactly_the_coded_permissions():
    roles_sync()
    for role in Role:
        group = Group.objects.get(name=role.value)
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(ROLE_PERMISSIONS[role]), role


def test_roles_sync_removes_permissions_granted_by_hand():
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=Role.MARKETING)
    group.permissions.add(Permission.objects.get(codename="view_user"))
    roles_sync()
    assert not group.permissions.filter(codename="view_user").exists()


def test_p5_marketing_has_no_access_to_customer_or_order_data():
    customer_data = {"accounts.view_user", "accounts.view_address", "orders.view_order"}
    assert not customer_data & set(ROLE_PERMISSIONS[Role.MARKETING])


def test_no_back_office_page_with_personal_data_offers_bulk_actions_but_status_changes():
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, PersonalDataAdmin):
            continue
        names = {getattr(action, "__name__", str(action)) for action in model_admin.actions or []}
        assert all(name.startswith("mark_") or name == "assign_to_me" for name in names), (
            model,
            names,
        )
        assert not any("export" in name or "csv" in name for name in names)


def test_customer_data_admins_share_the_personal_data_base():
    from accounts.models import User
    from mail.models import OutboxMessage
    from orders.models import Order

    for model in (User, Order, OutboxMessage):
        assert isinstance(admin.site._registry[model], PersonalDataAdmin)


@pytest.mark.parametrize(
    ("permission", "roles"),
    [
        ("privacy.view_accessentry", {Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR}),
        ("consent.view_consentdecision", {Role.DATA_PROTECTION_OFFICER}),
        ("consent.export_consentdecision", {Role.DATA_PROTECTION_OFFICER}),
    ],
)
def test_p5_records_outside_the_purpose_rule_are_read_by_few_roles(permission, roles):
    assert {role for role in Role if permission in ROLE_PERMISSIONS[role]} == roles
