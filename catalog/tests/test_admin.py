from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog.tests.conftest import Catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client: Client, db: None) -> Client:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["product", "category", "brand"])
def test_changelists_and_add_forms_load(
    admin_client_: Client, catalogue: Catalogue, model: str
) -> None:
    assert admin_client_.get(reverse(f"admin:catalog_{model}_changelist")).status_code == 200
    assert admin_client_.get(reverse(f"admin:catalog_{model}_add")).status_code == 200


def test_product_search_by_brand_and_sku(admin_client_: Client, catalogue: Catalogue) -> None:
    url = reverse("admin:catalog_product_changelist")
    html = admin_client_.get(url, {"q": "Beko"}).content.decode()
    assert "3VF-LAV-00201" in html and "3VF-TV-00101" not in html
    html = admin_client_.get(url, {"q": "3VF-TV-00102"}).content.decode()
    assert "3VF-TV-00102" in html and "3VF-LAV-00201" not in html


def test_product_change_form_loads(admin_client_: Client, catalogue: Catalogue) -> None:
    url = reverse("admin:catalog_product_change", args=[catalogue.samsung_tv.pk])
    assert admin_client_.get(url).status_code == 200


def test_brand_and_category_autocomplete(admin_client_: Client, catalogue: Catalogue) -> None:
    response = admin_client_.get(
        reverse("admin:autocomplete"),
        {"app_label": "catalog", "model_name": "product", "field_name": "brand", "term": "sam"},
    )
    assert response.status_code == 200
    assert "Samsung" in response.content.decode()
