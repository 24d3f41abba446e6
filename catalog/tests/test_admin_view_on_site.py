"""'Shiheni në sajt' in the back office leads to the product's page on the shop."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from catalog.tests.factories import ProductFactory
from privacy.roles import Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _view_on_site_link(client: Client, url: str) -> str | None:
    response = client.get(url)
    assert response.status_code == 200
    link = re.search(r'<a href="([^"]*)" class="viewsitelink"', response.content.decode())
    return link.group(1) if link else None


def test_view_on_site_opens_the_product_page(client: Client) -> None:
    # given
    product = ProductFactory()
    client.force_login(StaffFactory(role=Role.ADMINISTRATOR, is_superuser=True))
    # when
    link = _view_on_site_link(client, reverse("admin:catalog_product_change", args=[product.pk]))
    # then
    assert link == product.get_absolute_url()
    page = client.get(link)
    assert page.status_code == 200 and product.name_sq in page.content.decode()


def test_product_withdrawn_from_sale_offers_no_view_on_site(client: Client) -> None:
    product = ProductFactory(is_active=False)
    client.force_login(StaffFactory(role=Role.ADMINISTRATOR, is_superuser=True))
    url = reverse("admin:catalog_product_change", args=[product.pk])
    assert _view_on_site_link(client, url) is None


def test_view_on_site_opens_the_category_page(client: Client) -> None:
    category = ProductFactory().category
    client.force_login(StaffFactory(role=Role.ADMINISTRATOR, is_superuser=True))
    link = _view_on_site_link(client, reverse("admin:catalog_category_change", args=[category.pk]))
    assert link is not None
    assert client.get(link, follow=True).status_code == 200
