"""P5: the role matrix, cell by cell, and the docs rendered from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from orders.services import order_assign
from orders.tests.factories import place_order
from privacy.models import AccessBasis
from privacy.registry import Category
from privacy.roles import Role
from rights.docs import data_map_markdown, role_matrix_markdown
from staff.access import ROLE_MATRIX, access_decision
from staff.tests.factories import StaffFactory
from support.models import CaseChannel, SupportCase

ID, CO, AD, OR, SU, TE = (
    Category.IDENTITY,
    Category.CONTACT,
    Category.ADDRESS,
    Category.ORDER,
    Category.SUPPORT,
    Category.TECHNICAL,
)
ORDER, CASE, GLASS = AccessBasis.ORDER, AccessBasis.SUPPORT_CASE, AccessBasis.BREAK_GLASS

# The specification, written out independently of the code it checks.
EXPECTED = {
    (Role.SALES, ORDER): {ID, CO, AD, OR},
    (Role.SALES, CASE): set(),
    (Role.SALES, GLASS): {ID, CO, AD, OR},
    (Role.CUSTOMER_CARE, ORDER): {ID, CO, OR},
    (Role.CUSTOMER_CARE, CASE): {ID, CO, OR, SU},
    (Role.CUSTOMER_CARE, GLASS): {ID, CO, OR, SU},
    (Role.MARKETING, ORDER): set(),
    (Role.MARKETING, CASE): set(),
    (Role.MARKETING, GLASS): set(),
    (Role.DATA_PROTECTION_OFFICER, ORDER): set(),
    (Role.DATA_PROTECTION_OFFICER, CASE): {ID, CO, SU},
    (Role.DATA_PROTECTION_OFFICER, GLASS): {ID, CO, AD, OR, SU, TE},
    (Role.ADMINISTRATOR, ORDER): set(),
    (Role.ADMINISTRATOR, CASE): set(),
    (Role.ADMINISTRATOR, GLASS): {ID, CO, AD, OR, SU, TE},
}
CELLS = [
    (role, basis, category, category in allowed)
    for (role, basis), allowed in EXPECTED.items()
    for category in Category
]


@pytest.mark.parametrize(("role", "basis", "category", "sees"), CELLS)
def test_p5_role_matrix_cell(role, basis, category, sees):
    assert (category in ROLE_MATRIX[role].get(basis, frozenset())) is sees


def test_p5_no_role_has_a_purpose_the_specification_lacks():
    for role, purposes in ROLE_MATRIX.items():
        for basis in purposes:
            assert (role, basis) in EXPECTED


def test_p5_marketing_never_sees_contact_data():
    assert all(CO not in cells for cells in ROLE_MATRIX[Role.MARKETING].values())


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_p5_an_assigned_order_reveals_exactly_the_roles_order_cell(role, customer):
    staff = StaffFactory(role=role)
    order = place_order(customer=customer, quantities={ProductFactory(stock=2).pk: 1})
    order_assign(order=order, staff=staff, actor=None)
    decision = access_decision(staff, customer.pk)
    assert {c for c in Category if decision.reveals(c)} == EXPECTED[(role, ORDER)]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_p5_an_assigned_case_reveals_exactly_the_roles_case_cell(role, customer):
    staff = StaffFactory(role=role)
    SupportCase.objects.create(
        customer=customer,
        channel=CaseChannel.EMAIL,
        summary="Kërkesë",
        assigned_to=staff,
        opened_at=timezone.now(),
    )
    decision = access_decision(staff, customer.pk)
    assert {c for c in Category if decision.reveals(c)} == EXPECTED[(role, CASE)]


@pytest.mark.parametrize(
    ("name", "render"),
    [("role-matrix.md", role_matrix_markdown), ("data-map.md", data_map_markdown)],
)
def test_p5_docs_are_rendered_from_the_code(name, render):
    committed = (Path(settings.BASE_DIR) / "docs" / name).read_text()
    assert committed == render(), f"docs/{name} is out of date: run manage.py privacy_docs"
