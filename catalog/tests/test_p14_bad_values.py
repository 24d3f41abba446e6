"""P14: a specification or image staff mistype is refused with an Albanian message, and
one that reached the database anyway breaks no page: the storefront shows what is valid."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import JSONField, Value
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.tests.factories import UserFactory
from catalog import images
from catalog.images import PRODUCT_PLACEHOLDER, catalog_image_url
from catalog.models import Category, Product
from catalog.services import catalog_revision_bump
from catalog.tests.admin_forms import product_change_form
from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

SCREEN = {"sq": "Ekrani", "en": "Screen", "value": '55" (140 cm)'}
BAD_SPECIFICATIONS: list[Any] = [
    {"a": 1},
    {},
    "",
    ["x"],
    5,
    [[1, 2]],
    None,
    "Ekrani 55",
    [{"sq": "Ekrani", "en": "Screen"}],
    [{"sq": "Pesha", "en": "Weight", "value": 5}],
    [{"sq": "", "en": "Screen", "value": "55"}],
    [{"sq": "Ekrani", "en": 7, "value": "55"}],
    [{"sq": "Ekrani", "en": "Screen", "value": "55", "vlera": "x"}],
]
BAD_SPECIFICATIONS_TYPED = [
    '{"a":1}',
    "{}",
    '["x"]',
    "5",
    "[[1,2]]",
    "null",
    '[{"sq": "Ekrani",',
    "[" * 100_000 + "]" * 100_000,
]
BAD_IMAGES = [
    "catalog/img/typo.png",
    "https://evil.example/x.png",
    "//evil.example/x.png",
    "javascript:alert(1)",
    "/catalog/img/tv.svg",
    "catalog/img/../../config/settings.py",
    "catalog/img/./tv.svg",
    "catalog\\img\\tv.svg",
    "catalog/img/tv.svg?v=2",
    "catalog/img/tv svg.svg",
    "css/site.css",
    "img/favicon.svg",
    "catalog/img/tv.txt",
]


@pytest.fixture(autouse=True)
def _fresh_missing_image_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let each test see the first report of a missing image, as a new process would."""
    monkeypatch.setattr(images, "_reported_missing", set())


@pytest.fixture
def admin_client_(client: Client) -> Client:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _change_form(product: Product, **changes: str) -> dict[str, Any]:
    """Return the back office's product form as the browser posts it, with ``changes``."""
    return product_change_form(
        product,
        **{"specifications": '[{"sq": "Ekrani", "en": "Screen", "value": "55 inç"}]', **changes},
    )


def _force(product: Product, **values: Any) -> None:
    """Write ``values`` straight to the row, past validation, as a bad import would."""
    if "specifications" in values:
        values["specifications"] = Value(values["specifications"], JSONField())
    Product.objects.filter(pk=product.pk).update(**values)
    catalog_revision_bump()


# Specifications


@pytest.mark.parametrize("bad", BAD_SPECIFICATIONS, ids=repr)
def test_p14_full_clean_refuses_malformed_specifications(bad: Any) -> None:
    # given a product whose specifications break the schema
    product = ProductFactory.build(specifications=bad)
    # when it is validated
    with pytest.raises(ValidationError) as refused:
        product.full_clean(exclude=["category", "brand"], validate_unique=False)
    # then the specifications are named, in Albanian
    messages = refused.value.message_dict["specifications"]
    assert messages and all("Rreshti" in m or "Specifikimet" in m for m in messages), messages


@pytest.mark.parametrize(
    "good",
    [
        [],
        [SCREEN],
        [{"sq": "Ngjyra", "value": "E zezë"}],
        [{"sq": "Ngjyra", "en": "", "value": "E zezë"}],
    ],
    ids=repr,
)
def test_p14_full_clean_accepts_well_formed_specifications(good: Any) -> None:
    ProductFactory.build(specifications=good).full_clean(
        exclude=["category", "brand"], validate_unique=False
    )


def test_p14_each_bad_row_is_named_by_its_number() -> None:
    product = ProductFactory.build(
        specifications=[SCREEN, {"sq": "Pesha", "value": 5}, SCREEN, {"ngjyra": "e zezë"}]
    )
    with pytest.raises(ValidationError) as refused:
        product.full_clean(exclude=["category", "brand"], validate_unique=False)
    messages = refused.value.message_dict["specifications"]
    assert len(messages) == 2
    assert messages[0].startswith("Rreshti 2") and "thonjëza" in messages[0]
    assert messages[1].startswith("Rreshti 4") and "„ngjyra“" in messages[1]


@pytest.mark.parametrize("typed", BAD_SPECIFICATIONS_TYPED)
def test_p14_back_office_refuses_bad_specifications_and_changes_nothing(
    admin_client_: Client, typed: str
) -> None:
    # given a product with good specifications
    product = ProductFactory(specifications=[SCREEN])
    url = reverse("admin:catalog_product_change", args=[product.pk])
    # when staff save it with specifications of the wrong shape
    response = admin_client_.post(url, _change_form(product, specifications=typed))
    # then the form comes back with an Albanian message, and the product is unchanged
    assert response.status_code == 200
    html = response.content.decode()
    assert escape("Specifikimet") in html
    assert any(
        message in html
        for message in (
            "Rreshti 1",
            "Specifikimet shkruhen si listë JSON",
            "Specifikimet nuk janë JSON i vlefshëm",
        )
    )
    product.refresh_from_db()
    assert product.specifications == [SCREEN]


def test_p14_an_empty_specifications_box_means_none(admin_client_: Client) -> None:
    product = ProductFactory(specifications=[SCREEN])
    url = reverse("admin:catalog_product_change", args=[product.pk])
    response = admin_client_.post(url, _change_form(product, specifications="  "))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.specifications == []


def test_p14_the_back_office_saves_good_specifications(admin_client_: Client) -> None:
    product = ProductFactory(specifications=[])
    url = reverse("admin:catalog_product_change", args=[product.pk])
    typed = '[{"sq": "Ekrani", "en": "Screen", "value": "55\\" (140 cm)"}]'
    response = admin_client_.post(url, _change_form(product, specifications=typed))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.specifications == [SCREEN]


@pytest.mark.parametrize("bad", BAD_SPECIFICATIONS, ids=repr)
def test_p14_stored_bad_specifications_show_nothing_and_break_nothing(
    client: Client, bad: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # given malformed specifications already in the database
    product = ProductFactory()
    _force(product, specifications=bad)
    # when the product page is shown
    with caplog.at_level(logging.WARNING, logger="catalog.specifications"):
        response = client.get(product.get_absolute_url())
    # then it shows, without a specifications table, and the bad value is logged
    assert response.status_code == 200
    assert 'class="specs"' not in response.content.decode()
    assert any(str(product.pk) in record.getMessage() for record in caplog.records)


def test_p14_stored_specifications_show_their_valid_rows(client: Client) -> None:
    # given a list where some rows are good and some are not
    product = ProductFactory()
    weight = {"sq": "Pesha", "en": "Weight", "value": "12 kg"}
    _force(product, specifications=[SCREEN, ["x"], {"sq": "Ngjyra", "value": 3}, weight])
    # when the page is shown, in Albanian and in English
    albanian = client.get(product.get_absolute_url()).content.decode()
    english = client.get(f"/en{product.get_absolute_url()}").content.decode()
    # then the good rows are there and the rest are left out
    assert "Ekrani" in albanian and "Pesha" in albanian and "12 kg" in albanian
    assert "Ngjyra" not in albanian
    assert "Screen" in english and "Weight" in english


# Images


@pytest.mark.parametrize("bad", BAD_IMAGES)
@pytest.mark.parametrize("model", [Product, Category])
def test_p14_full_clean_refuses_an_image_that_is_not_a_catalogue_picture(
    model: type[Product | Category], bad: str
) -> None:
    instance = model(image=bad)
    with pytest.raises(ValidationError) as refused:
        instance.clean_fields(exclude=[f.name for f in model._meta.fields if f.name != "image"])
    assert list(refused.value.message_dict) == ["image"]


@pytest.mark.parametrize("good", ["", "catalog/img/tv.svg", PRODUCT_PLACEHOLDER])
def test_p14_full_clean_accepts_an_existing_catalogue_picture(good: str) -> None:
    Product(image=good).clean_fields(
        exclude=[f.name for f in Product._meta.fields if f.name != "image"]
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("https://evil.example/x.png", "pa adresë interneti"),
        ("catalog/img/tv.txt", "Imazhi duhet të jetë skedar"),
        ("catalog/img/typo.png", "nuk gjendet mes skedarëve statikë"),
    ],
)
def test_p14_back_office_refuses_a_bad_image_and_changes_nothing(
    admin_client_: Client, typed: str, message: str
) -> None:
    product = ProductFactory(image="catalog/img/tv.svg")
    url = reverse("admin:catalog_product_change", args=[product.pk])
    response = admin_client_.post(url, _change_form(product, image=typed))
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    product.refresh_from_db()
    assert product.image == "catalog/img/tv.svg"


def test_p14_back_office_refuses_a_bad_category_image(admin_client_: Client) -> None:
    category = CategoryFactory(image="catalog/img/tv.svg")
    url = reverse("admin:catalog_category_change", args=[category.pk])
    data = {
        "slug": category.slug,
        "name_sq": category.name_sq,
        "name_en": category.name_en,
        "position": category.position,
        "image": "https://evil.example/x.png",
    }
    response = admin_client_.post(url, data)
    assert response.status_code == 200
    category.refresh_from_db()
    assert category.image == "catalog/img/tv.svg"


@pytest.mark.parametrize("bad", ["catalog/img/typo.png", "https://evil.example/x.png"])
def test_p14_a_stored_bad_image_shows_the_placeholder(client: Client, bad: str) -> None:
    # given a product and its category whose images are not among the static files
    product = ProductFactory()
    _force(product, image=bad)
    Category.objects.filter(pk=product.category_id).update(image=bad)
    catalog_revision_bump()
    # when the pages that show them are opened
    pages = ["/", reverse("catalog:list"), product.get_absolute_url()]
    responses = [client.get(page) for page in pages]
    # then each shows, with the placeholder in the product's place and no bad address
    for response in responses:
        assert response.status_code == 200
        assert bad not in response.content.decode()
    assert catalog_image_url(PRODUCT_PLACEHOLDER, placeholder=None) in (
        responses[2].content.decode()
    )


def test_p14_a_category_without_a_usable_image_shows_none(client: Client) -> None:
    category = CategoryFactory(parent=None)
    Category.objects.filter(pk=category.pk).update(image="catalog/img/typo.png")
    catalog_revision_bump()
    html = client.get("/").content.decode()
    assert category.name_sq in html
    assert "typo.png" not in html


def test_p14_a_missing_image_is_logged_once_per_path(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="catalog.images"):
        for _ in range(3):
            catalog_image_url("catalog/img/typo.png", placeholder=PRODUCT_PLACEHOLDER)
            catalog_image_url("catalog/img/other.png", placeholder=None)
    assert [record.getMessage() for record in caplog.records] == [
        "Catalogue image 'catalog/img/typo.png' is not a static file; showing the placeholder.",
        "Catalogue image 'catalog/img/other.png' is not a static file; showing the placeholder.",
    ]


def test_p14_an_existing_image_is_shown_and_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="catalog.images"):
        url = catalog_image_url("catalog/img/tv.svg", placeholder=PRODUCT_PLACEHOLDER)
    assert url is not None and url.endswith("catalog/img/tv.svg")
    assert caplog.records == []
    assert catalog_image_url("", placeholder=None) is None


def test_p14_price_can_be_edited_in_the_list_of_a_product_with_bad_stored_values(
    admin_client_: Client,
) -> None:
    # given a product whose stored specifications and image are bad
    product = ProductFactory(price=49_990, stock=3)
    _force(product, specifications=None, image="catalog/img/typo.png")
    # when staff change its price from the product list
    response = admin_client_.post(
        reverse("admin:catalog_product_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(product.pk),
            "form-0-price": "45990",
            "form-0-stock": "3",
            "_save": "Ruaj",
        },
    )
    # then the price is saved; the null specifications are saved as none, the image as it was
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price == 45_990
    assert product.specifications == []
    assert product.image == "catalog/img/typo.png"
